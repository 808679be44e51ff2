/** Types for the two untyped OSM packages the importer uses. */
declare module 'osmtogeojson' {
  import type { FeatureCollection, Geometry } from 'geojson';
  export interface OsmToGeoJsonProperties {
    type: 'node' | 'way' | 'relation';
    id: number;
    tags: Record<string, string>;
    relations?: unknown[];
    meta?: Record<string, unknown>;
    tainted?: boolean;
  }
  export interface OsmToGeoJsonOptions {
    flatProperties?: boolean;
    verbose?: boolean;
    uninterestingTags?: Record<string, boolean> | ((tags: Record<string, string>, ignore: Record<string, string>) => boolean);
    polygonFeatures?: unknown;
  }
  function osmtogeojson(data: { elements: unknown[] }, options?: OsmToGeoJsonOptions): FeatureCollection<Geometry, OsmToGeoJsonProperties>;
  export default osmtogeojson;
}

declare module 'tiny-osmpbf' {
  export interface OsmPbfResult {
    version?: number;
    generator?: string;
    bounds?: { minlat: number; minlon: number; maxlat: number; maxlon: number };
    elements: unknown[];
  }
  function tinyOsmPbf(data: Uint8Array, handler?: (element: unknown) => void): OsmPbfResult;
  export default tinyOsmPbf;
}
