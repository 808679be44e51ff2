/** Incident positions of the current district, read with DuckDB-wasm from the Parquet export. */
import { openDb } from '$lib/data/duckdb-browser';
import { incidentPoints } from '$lib/data/queries';
import type { DistrictCode } from '$lib/data/schema';
import type { PointBuffer } from '$lib/map/deck-layers';
import { dataset } from './dataset.svelte';

class IncidentsState {
  points = $state.raw<PointBuffer | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  private loadedFor: DistrictCode | null = null;

  async load(code: DistrictCode): Promise<void> {
    if (this.loadedFor === code) return;
    this.loadedFor = code;
    this.loading = true;
    this.error = null;
    try {
      const db = await openDb(dataset.root);
      await db.use(['incidents'], code);
      const table = await db.query(incidentPoints(db.source, code));
      const lon = table.getChild('lon')!.toArray() as Float64Array;
      const lat = table.getChild('lat')!.toArray() as Float64Array;
      const positions = new Float64Array(table.numRows * 2);
      for (let i = 0; i < table.numRows; i++) {
        positions[2 * i] = lon[i];
        positions[2 * i + 1] = lat[i];
      }
      if (this.loadedFor === code) this.points = { positions, length: table.numRows };
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.loading = false;
    }
  }
}

export const incidents = new IncidentsState();
