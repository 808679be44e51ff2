/**
 * Parquet columns of every table: the one definition the generator and the importer write
 * with, in the order of the interfaces in schema.ts (snake_case names).
 */
import type { Building, TableName } from './schema';

export type ColumnType = 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'TIMESTAMP' | 'VARCHAR[]' | 'UTINYINT';

export interface ColumnDef {
  name: string;
  type: ColumnType;
}

const col = (name: string, type: ColumnType): ColumnDef => ({ name, type });

export const PARQUET_COLUMNS: Record<TableName, readonly ColumnDef[]> = {
  streets: [col('code', 'VARCHAR'), col('name', 'VARCHAR'), col('district', 'VARCHAR'), col('kind', 'VARCHAR')],
  communities: [
    col('code', 'VARCHAR'),
    col('name', 'VARCHAR'),
    col('street', 'VARCHAR'),
    col('district', 'VARCHAR'),
    col('households', 'INTEGER'),
    col('buildings', 'INTEGER')
  ],
  compounds: [
    col('id', 'VARCHAR'),
    col('name', 'VARCHAR'),
    col('community', 'VARCHAR'),
    col('district', 'VARCHAR'),
    col('kind', 'VARCHAR'),
    col('households', 'INTEGER'),
    col('buildings', 'INTEGER')
  ],
  buildings: [
    col('id', 'VARCHAR'),
    col('district', 'VARCHAR'),
    col('community', 'VARCHAR'),
    col('compound', 'VARCHAR'),
    col('grid', 'VARCHAR'),
    col('floors', 'INTEGER'),
    col('units', 'INTEGER'),
    col('per_floor', 'INTEGER'),
    col('households', 'INTEGER'),
    col('estimated', 'BOOLEAN'),
    col('lon', 'DOUBLE'),
    col('lat', 'DOUBLE'),
    col('footprint', 'VARCHAR')
  ],
  grids: [
    col('code', 'VARCHAR'),
    col('district', 'VARCHAR'),
    col('community', 'VARCHAR'),
    col('seq', 'INTEGER'),
    col('households', 'INTEGER'),
    col('buildings', 'INTEGER'),
    col('polsby_popper', 'DOUBLE')
  ],
  stations: [
    col('id', 'VARCHAR'),
    col('district', 'VARCHAR'),
    col('community', 'VARCHAR'),
    col('kind', 'VARCHAR'),
    col('name', 'VARCHAR'),
    col('address', 'VARCHAR'),
    col('services', 'VARCHAR[]'),
    col('opens', 'VARCHAR'),
    col('closes', 'VARCHAR'),
    col('lon', 'DOUBLE'),
    col('lat', 'DOUBLE')
  ],
  incidents: [
    col('id', 'INTEGER'),
    col('district', 'VARCHAR'),
    col('street', 'VARCHAR'),
    col('community', 'VARCHAR'),
    col('grid', 'VARCHAR'),
    col('category', 'VARCHAR'),
    col('status', 'VARCHAR'),
    col('reported_at', 'TIMESTAMP'),
    col('closed_at', 'TIMESTAMP'),
    col('lon', 'DOUBLE'),
    col('lat', 'DOUBLE')
  ]
};

/** A building as a row of PARQUET_COLUMNS.buildings (a community left empty is written NULL). */
export function buildingRow(b: Building): unknown[] {
  return [
    b.id,
    b.district,
    b.community || null,
    b.compound,
    b.grid,
    b.floors,
    b.units,
    b.perFloor,
    b.households,
    b.estimated,
    b.lon,
    b.lat,
    JSON.stringify(b.footprint)
  ];
}
