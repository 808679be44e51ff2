/**
 * The geography a data package starts from (the demo's, or on the Data page what the app shows
 * now, an earlier import included): the five geometry tables as schema records and their map
 * layers. Decoded with hyparquet, so the command line and the browser's worker read it the same
 * way; the caller says how to get a file's bytes (disk, or the data seam).
 */
import { parquetReadObjects } from 'hyparquet';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { DemoGeography } from './geography';

export type ReadFile = (path: string) => Promise<ArrayBuffer>;

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

async function records<T>(read: ReadFile, table: string): Promise<T[]> {
  const rows = (await parquetReadObjects({ file: await read(`${table}.parquet`) })) as Record<string, unknown>[];
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [camel(k), typeof v === 'bigint' ? Number(v) : v])) as T);
}

export async function loadGeography(read: ReadFile): Promise<DemoGeography> {
  const layer = async (l: string) => JSON.parse(new TextDecoder().decode(await read(`map/${l}.geojson`))) as FeatureCollection<Polygon | MultiPolygon>;
  const [streets, communities, compounds, grids, buildings, ls, lc, lp, lg] = await Promise.all([
    records<DemoGeography['streets'][number]>(read, 'streets'),
    records<DemoGeography['communities'][number]>(read, 'communities'),
    records<DemoGeography['compounds'][number]>(read, 'compounds'),
    records<DemoGeography['grids'][number]>(read, 'grids'),
    records<DemoGeography['buildings'][number] & { footprint: unknown }>(read, 'buildings'),
    layer('streets'),
    layer('communities'),
    layer('compounds'),
    layer('grids')
  ]);
  return {
    streets,
    communities,
    compounds,
    grids,
    // Footprints are GeoJSON text in the Parquet (as the generator writes them).
    buildings: buildings.map((b) => ({ ...b, footprint: typeof b.footprint === 'string' ? JSON.parse(b.footprint) : b.footprint })),
    layers: { streets: ls, communities: lc, compounds: lp, grids: lg }
  };
}
