/**
 * Map layers are read once per visit (src/lib/map/layer-cache.ts), and the basemap's data
 * protocol URL survives URL normalisation (src/lib/map/style.ts): served from a local HTTP
 * server that counts requests, with Daoli's built grids layer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { fetchLayer } from '../../src/lib/map/layer-cache';
import { dataProtocolUrl, layerUrlOf } from '../../src/lib/map/style';

const GRIDS = readFileSync('static/data/230102/map/grids.geojson');
const hits = new Map<string, number>();
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
    if (req.url === '/data/230102/map/grids.geojson')
      res.writeHead(200, { 'content-type': 'application/geo+json' }).end(GRIDS);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server?.close());

describe('fetchLayer', () => {
  it('downloads a layer once however many readers ask, at the same time or later', async () => {
    const url = `${base}/data/230102/map/grids.geojson`;
    const [a, b] = await Promise.all([
      fetchLayer<{ features: unknown[] }>(url),
      fetchLayer<{ features: unknown[] }>(url)
    ]);
    const c = await fetchLayer<{ features: unknown[] }>(url);
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(a.features.length).toBe(JSON.parse(GRIDS.toString()).features.length);
    expect(hits.get('/data/230102/map/grids.geojson')).toBe(1);
  });

  it('names the layer in an error and does not keep the failure', async () => {
    const url = `${base}/data/230102/map/nothing.geojson`;
    await expect(fetchLayer(url)).rejects.toThrow(`${url}: 404`);
    await expect(fetchLayer(url)).rejects.toThrow('404');
    expect(hits.get('/data/230102/map/nothing.geojson')).toBe(2);
  });
});

describe('the data protocol URL of a layer', () => {
  it('gives back the layer URL after the URL normalisation maplibre applies', () => {
    for (const url of [
      'http://127.0.0.1:4173/data/230102/map/grids.geojson',
      'https://example.org/app/data/370881/map/roads.geojson'
    ]) {
      const normalised = new URL(dataProtocolUrl(url), 'http://127.0.0.1:4173/heatmap').href;
      expect(layerUrlOf(normalised)).toBe(url);
    }
  });
});
