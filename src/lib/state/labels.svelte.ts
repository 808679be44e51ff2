/**
 * The synthetic label where the UI needs it (text: src/lib/data/provenance.ts). Which tables are
 * synthetic comes only through the dataset state (`dataset.index`, which the Data page's own data
 * also feeds). A page whose exports hold other districts than the one in the header (/compare)
 * names them with `setExportScope`; the export buttons read `exportScope()`.
 */
import { getContext, setContext } from 'svelte';
import { base } from '$app/paths';
import { page } from '$app/state';
import { districtInfo, isDemoDistrict } from '$lib/data/districts';
import { districtsLabel, fileLabel, pageTables, parquetLabel, type LabelDistrict } from '$lib/data/provenance';
import type { DistrictCode, TableName } from '$lib/data/schema';
import { i18n } from '$lib/i18n/index.svelte';
import { dataset } from './dataset.svelte';
import { province } from './province.svelte';

/** What an export or a page shows: its districts and the tables it draws from. */
export interface LabelScope {
  districts: LabelDistrict[];
  shown: readonly TableName[];
}

/**
 * Districts as the index describes them. A district the loaded index does not list counts as
 * synthetic throughout (no flags = the generator's); null while the index is still loading.
 */
export function labelDistricts(codes: readonly DistrictCode[]): LabelDistrict[] | null {
  const index = dataset.index;
  if (!index) return null;
  return codes.map((code) => {
    const d = index.districts.find((x) => x.code === code);
    // A province-layout district is not in index.json: its own index names it, and no flags = all synthetic.
    const info = isDemoDistrict(code) ? districtInfo(code) : (province.district(code) ?? { name: code, nameEn: code });
    return { name: d?.name ?? info.name, nameEn: d?.nameEn ?? info.nameEn, syntheticTables: d?.syntheticTables };
  });
}

/** The tables the current page shows. */
export function currentTables(): readonly TableName[] {
  return pageTables(page.url.pathname.slice(base.length) || '/');
}

/** The current district on the current page (null until the index is in). */
export function currentScope(): LabelScope | null {
  const districts = labelDistricts([dataset.code]);
  return districts && { districts, shown: currentTables() };
}

/**
 * The planner's open community: a community of the planner's own data (imported in the planner)
 * holds nothing synthetic; one of the district's, what the district's flags say.
 */
export function planScope(ownData: boolean): LabelScope | null {
  return ownData
    ? { districts: [{ name: '', nameEn: '', syntheticTables: [] }], shown: currentTables() }
    : currentScope();
}

const KEY = Symbol('gridatlas.export-scope');

/** Called by a page (during its component's set-up) whose exports hold the districts `scope` gives. */
export function setExportScope(scope: () => LabelScope | null): void {
  setContext(KEY, scope);
}

/** Called by an export button during set-up: the page's scope, else the current district. */
export function exportScope(): () => LabelScope | null {
  return getContext<(() => LabelScope | null) | undefined>(KEY) ?? currentScope;
}

/** An export made before the index is in (no flags known) says everything is synthetic: never the other way round. */
function orUnknown(scope: LabelScope | null): LabelScope {
  const info = districtInfo(dataset.code);
  return scope ?? { districts: [{ name: info.name, nameEn: info.nameEn }], shown: currentTables() };
}

/** The label drawn into images (the UI's language), or null when nothing in the scope is synthetic. */
export function imageLabel(scope: LabelScope | null): string | null {
  const s = orUnknown(scope);
  return districtsLabel(s.districts, i18n.locale, s.shown);
}

/** The label written into CSV files (both languages). */
export function fileLabelOf(scope: LabelScope | null): string | null {
  const s = orUnknown(scope);
  return fileLabel(s.districts, s.shown);
}

/** The key-value metadata written into a Parquet file's footer. */
export function parquetLabelOf(scope: LabelScope | null): { key: string; value: string }[] {
  const s = orUnknown(scope);
  return parquetLabel(s.districts, s.shown);
}
