/**
 * Real-data import, pure (no file system): parse GeoJSON or Overpass-style OSM JSON, validate,
 * convert to WGS-84, clip to a district, estimate households. The Node CLI is
 * scripts/import/osm.ts; a browser planner can call the same functions on a dropped file.
 */
export { type ImportError, type ImportResult, formatImportError, formatImportErrors } from './errors';
export { type SourceFeature, parseFeatureCollection, geometryProblem, explicitHouseholds } from './geojson';
export { parseJsonText } from './json';
export { type OsmElement, type OsmLayers, osmToLayers } from './osm';
export { checkPbfFraming } from './pbf';
export { type DistrictArea, prepareDistrict, insideDistrict, detectCrsMislabel, crsSuspicionMessage } from './district';
export { type ImportInput, type ImportOutput, type ImportedBuilding, type ImportStats, importLayers } from './pipeline';
