/**
 * The importer as a command: bad inputs exit 2, print every problem with file and feature to
 * stderr, and leave an existing output directory exactly as it was. Runs the real entry points
 * in child processes (scripts/import/cli.ts; scripts/data.ts, i.e. `npm run data -- --osm`, once).
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, REPO, shared } from '../fixtures/import/helpers';

const TSX = join(REPO, 'node_modules/.bin/tsx');
const tmp = mkdtempSync(join(tmpdir(), 'gridatlas-import-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(entry: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(TSX, [entry, ...args], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const cli = (args: string[]) => run('scripts/import/cli.ts', args);

// A previous import (its manifest says so) that a failed one must not touch.
const out = join(tmp, 'existing', 'osm-230102');
const OLD = {
  'manifest.json': '{"kind":"import","generator":"gridatlas-import-osm 1","old":true}\n',
  'buildings.parquet': 'old parquet bytes',
  'map/buildings.geojson': '{"type":"FeatureCollection","features":[]}\n'
};
let before: Record<string, { text: string; mtimeMs: number }> = {};

function snapshot(): Record<string, { text: string; mtimeMs: number }> {
  return Object.fromEntries(
    Object.keys(OLD).map((f) => [
      f,
      { text: readFileSync(join(out, f), 'utf8'), mtimeMs: statSync(join(out, f)).mtimeMs }
    ])
  );
}

beforeEach(() => {
  rmSync(join(tmp, 'existing'), { recursive: true, force: true });
  mkdirSync(join(out, 'map'), { recursive: true });
  for (const [f, text] of Object.entries(OLD)) writeFileSync(join(out, f), text);
  before = snapshot();
});

function expectUntouched(): void {
  expect(snapshot()).toEqual(before);
  expect(readdirSync(join(tmp, 'existing'))).toEqual(['osm-230102']); // no temp dirs left behind
  expect(readdirSync(out).sort()).toEqual(['buildings.parquet', 'manifest.json', 'map']);
}

const BAD: [file: string, problems: number, expected: RegExp[]][] = [
  [
    'no-geometry.geojson',
    2,
    [
      /no-geometry\.geojson: feature 1 \(id G-1\), field geometry: the feature has no geometry/,
      /feature 2 \(id G-2\), field geometry: geometry is LineString/
    ]
  ],
  [
    'zero-households.geojson',
    2,
    [
      /zero-households\.geojson: feature 1 \(id Z-1\), field households: households is 0/,
      /feature 2 \(id Z-2\), field households: households is -3/
    ]
  ],
  [
    'too-many-households.geojson',
    1,
    [/too-many-households\.geojson: feature 1 \(osm way 777\), field households: 2,000 households in one building/]
  ],
  [
    'duplicate-ids.geojson',
    1,
    [/duplicate-ids\.geojson: feature 2 \(id D-1\), field id: duplicate id "D-1" \(also feature 0\)/]
  ],
  ['empty.geojson', 1, [/empty\.geojson: field features: no buildings/]],
  [
    'truncated.geojson',
    1,
    [/truncated\.geojson: field json: JSON syntax error at line \d+, column \d+ \(character \d+\): the text ends early/]
  ],
  [
    'bad-coordinates.geojson',
    4,
    [/bad-coordinates\.geojson: feature 1 \(id C-1\), field geometry: ring 0, position 1: coordinate \[null, 45\.75\]/]
  ],
  [
    'outside-district.geojson',
    1,
    [
      /outside-district\.geojson: feature 1 \(id O-1\), field geometry: centroid .* km outside the box of district 230102/
    ]
  ],
  [
    'gcj02-labelled-wgs84.geojson',
    1,
    [/gcj02-labelled-wgs84\.geojson: field crs: coordinates look like GCJ-02 \(offset ≈ \d+ m\).*pass --crs gcj02/]
  ],
  ['not-a-pbf.osm.pbf', 1, [/not-a-pbf\.osm\.pbf: field pbf: not an OSM PBF file/]],
  [
    'self-intersecting.geojson',
    1,
    [/self-intersecting\.geojson: feature 1 \(id S-1\), field geometry: ring 0 crosses itself/]
  ]
];

describe('bad inputs: exit 2, every problem on stderr, nothing written', () => {
  for (const [file, problems, patterns] of BAD) {
    it(file, () => {
      const r = cli(['--osm', join(FIXTURES, file), '--district', '230102', '--out', out]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(
        `import failed: ${problems} problem${problems === 1 ? '' : 's'} in ${file}; nothing was written`
      );
      for (const p of patterns) expect(r.stderr).toMatch(p);
      expect(r.stdout).toBe('');
      expectUntouched();
    });
  }

  const pbf = shared('osm-harbin-daoli/harbin_center_osm_2024-04-09.osm.pbf');
  it.skipIf(!pbf.exists)('a truncated .osm.pbf (the real extract cut at 70 %)', () => {
    const cut = join(tmp, 'cut.osm.pbf');
    const bytes = readFileSync(pbf.path);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    const r = cli(['--osm', cut, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cut\.osm\.pbf: field pbf: the file is truncated: blob \d+ \(OSMData\) at byte \d+/);
    expectUntouched();
  });

  it('bad arguments: unknown district and CRS, missing file', () => {
    const r = cli(['--osm', join(tmp, 'nope.geojson'), '--district', '110101', '--crs', 'epsg3857', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('arguments: field district: unknown district "110101"');
    expect(r.stderr).toContain('arguments: field crs: unknown --crs "epsg3857"');
    expect(r.stderr).toContain('arguments: field osm: file not found');
    expectUntouched();
  });

  it('more than 50 problems: the first 50, then "... and N more"', () => {
    const many = join(tmp, 'many.geojson');
    const features = Array.from({ length: 60 }, (_, i) => ({
      type: 'Feature',
      id: `M-${i}`,
      properties: { building: 'apartments' },
      geometry: null
    }));
    writeFileSync(many, JSON.stringify({ type: 'FeatureCollection', features }));
    const r = cli(['--osm', many, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('60 problems in many.geojson');
    expect(r.stderr).toContain('many.geojson: feature 49 (id M-49), field geometry: the feature has no geometry');
    expect(r.stderr).not.toContain('feature 50 (id M-50)');
    expect(r.stderr).toContain('... and 10 more');
    expectUntouched();
  });
});

describe("success replaces the earlier import's files", () => {
  it('valid-buildings.geojson: exit 0, summary on stdout, old files replaced, no temp dirs left', () => {
    const r = cli(['--osm', join(FIXTURES, 'valid-buildings.geojson'), '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Imported 5 residential buildings with 262 households in 道里区 Daoli \(230102\)/);
    expect(r.stdout).toContain('3 buildings (60.0 %) with 190 households are estimates');
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({ synthetic: false, district: '230102', households: 262, counts: { buildings: 5 } });
    expect(m.sources).toContain('valid-buildings.geojson');
    expect(readFileSync(join(out, 'buildings.parquet')).subarray(0, 4).toString()).toBe('PAR1');
    expect(readdirSync(join(tmp, 'existing'))).toEqual(['osm-230102']);
    expect(existsSync(join(out, 'map/roads.geojson'))).toBe(false); // no roads given
  });

  it('gbk-names.geojson (saved in GBK, no BOM): read as GB18030, Chinese names intact in the output', () => {
    expect(() =>
      new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(join(FIXTURES, 'gbk-names.geojson')))
    ).toThrow();
    const r = cli(['--osm', join(FIXTURES, 'gbk-names.geojson'), '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const names = JSON.parse(readFileSync(join(out, 'map/buildings.geojson'), 'utf8')).features.map(
      (f: { properties: { name?: string } }) => f.properties.name
    );
    expect(names.sort()).toEqual(['和平小区1号楼', '锦绣花园甲栋']);
  });
});

const hasGenerator = existsSync(join(REPO, 'scripts/generate/index.ts'));
if (!hasGenerator)
  console.warn('[skip] scripts/generate/index.ts not found: the `npm run data -- --osm` entry test is skipped');

describe.skipIf(!hasGenerator)('npm run data -- --osm (scripts/data.ts)', () => {
  it('routes --osm to the importer: a bad input exits 2 and writes nothing', () => {
    const r = run('scripts/data.ts', ['--osm', join(FIXTURES, 'zero-households.geojson'), '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/zero-households\.geojson: feature 1 \(id Z-1\), field households/);
    expectUntouched();
  });
});
