/** `npm run grid -- partition …` (scripts/grid.ts), run in-process on the engine fixtures. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../scripts/grid';

const fixtures = fileURLToPath(new URL('../fixtures/partition-engine/in/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'grid-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: dir });
  return { code, out, err };
}

describe('grid partition CLI', () => {
  it('partitions a fixture: grid polygons, assignments, report and a one-line summary', async () => {
    const r = await run('partition', join(fixtures, 'tower-700-units.geojson'), '--out', 'g.geojson', '--assignments', 'a.json', '--report', 'r.json', '--baselines');
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(1);
    const summary = JSON.parse(r.out[0]);
    expect(summary).toMatchObject({ method: 'engine', communities: 1, buildings: 41, households: 1948, grids: 5, pctInRange: 100, contiguous: true });
    const grids = JSON.parse(readFileSync(join(dir, 'g.geojson'), 'utf8'));
    expect(grids.features.map((f: { properties: { code: string } }) => f.properties.code)).toEqual(['230102001002001', '230102001002002', '230102001002003', '230102001002004', '230102001002005']);
    const assignments = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'));
    expect(assignments.find((a: { id: string }) => a.id === 'tower').units).toBeDefined();
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(report[0].meanPolsbyPopper).toBeGreaterThan(report[0].baselines.bisection.meanPolsbyPopper);
  });

  it('runs the baselines with --method', async () => {
    const r = await run('partition', join(fixtures, 'river-split.geojson'), '--out', 'b.geojson', '--method', 'bisection');
    expect(r.code).toBe(0);
    // The bisection ignores the river, so at least one of its grids is not contiguous.
    expect(JSON.parse(r.out[0]).contiguous).toBe(false);
  });

  it('reads GCJ-02 with --crs and writes WGS-84', async () => {
    const a = await run('partition', join(fixtures, 'river-split.geojson'), '--out', 'w.geojson');
    const b = await run('partition', join(fixtures, 'gcj02-input.geojson'), '--crs', 'gcj02', '--out', 'c.geojson');
    expect([a.code, b.code]).toEqual([0, 0]);
    const ga = JSON.parse(readFileSync(join(dir, 'w.geojson'), 'utf8'));
    const gb = JSON.parse(readFileSync(join(dir, 'c.geojson'), 'utf8'));
    expect(gb.features.map((f: { properties: object }) => f.properties)).toEqual(ga.features.map((f: { properties: object }) => f.properties));
  });

  it('refuses bad input naming file, feature and field; exit 2; writes nothing', async () => {
    const r = await run('partition', join(fixtures, 'duplicate-ids.geojson'), '--out', 'dup.geojson');
    expect(r.code).toBe(2);
    expect(r.err).toEqual([`${join(fixtures, 'duplicate-ids.geojson')}: buildings feature 2 (id d1), field id: duplicate id d1 (first used by feature 0)`]);
    expect(existsSync(join(dir, 'dup.geojson'))).toBe(false);
  });

  it('refuses bad options with exit 2', async () => {
    expect((await run('partition', join(fixtures, 'tiny-community.geojson'), '--crs', 'mars')).code).toBe(2);
    expect((await run('partition', join(fixtures, 'tiny-community.geojson'), '--target', 'many')).err[0]).toMatch(/--target must be a number/);
    expect((await run('partition', join(dir, 'missing.geojson'))).err[0]).toMatch(/does not exist/);
    expect((await run('divide')).code).toBe(2);
    const bounds = await run('partition', join(fixtures, 'tiny-community.geojson'), '--min', '600', '--out', 'x.geojson');
    expect(bounds.code).toBe(2);
    expect(existsSync(join(dir, 'x.geojson'))).toBe(false);
  });
});
