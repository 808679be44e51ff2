/**
 * A built district's planner layers (static/data/<adcode>/map/*.geojson) read from disk, as the
 * planner page fetches them: for unit tests and the edit bench, which run the planner's code in Node.
 */
import { readFileSync } from 'node:fs';
import type { FeatureCollection } from 'geojson';
import type { DistrictLayers } from '../../src/lib/plan/community-plan';

export function readDistrictLayers(code: string, dataDir = 'static/data'): DistrictLayers {
  const read = (n: keyof DistrictLayers) =>
    JSON.parse(readFileSync(`${dataDir}/${code}/map/${n}.geojson`, 'utf8')) as FeatureCollection;
  return {
    streets: read('streets'),
    communities: read('communities'),
    compounds: read('compounds'),
    roads: read('roads'),
    buildings: read('buildings')
  };
}
