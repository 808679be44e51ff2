/**
 * The words district files use, mapped to GridAtlas's own: column headers (Chinese and English
 * synonyms, one table), station services and incident statuses (tables here), station kinds and
 * incident categories (the `synonyms` column of data/station-kinds.csv and
 * data/incident-categories.csv, read by `parseTermTable`). Matching ignores case, width
 * (full-width ＡＢＣ, （）) and white space. Pure: runs in a Web Worker and in Node.
 */
import { csvRows } from '../csv';
import {
  INCIDENT_CATEGORIES,
  STATION_KINDS,
  type IncidentCategory,
  type IncidentStatus,
  type StationKind,
  type StationService
} from '../schema';

/** Case-, width- and space-insensitive form of a header or a term: NFKC, lower case, no spaces, '_', '-', '*' or '#'. */
export function normTerm(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/[\s_\-*#:：]+/g, '');
}

/** A header without a bracketed note, as in 经度（GCJ-02） or 上报时间(北京时间). */
function normHeader(s: string): string {
  return normTerm(s.normalize('NFKC').replace(/\([^)]*\)|\[[^\]]*\]|【[^】]*】/g, ''));
}

const LON = ['经度', '经度坐标', 'x坐标', '坐标x', 'x', 'lon', 'lng', 'long', 'longitude'];
const LAT = ['纬度', '纬度坐标', 'y坐标', '坐标y', 'y', 'lat', 'latitude'];

/** Header synonyms per table and field. A field takes the first column whose header is one of its names. */
export const COLUMN_SYNONYMS = {
  stations: {
    name: ['名称', '站点名称', '驿站名称', '服务站名称', '阵地名称', '名字', 'name', 'station', 'station name'],
    kind: ['类型', '站点类型', '驿站类型', '阵地类型', '类别', 'kind', 'type', 'category'],
    address: ['地址', '详细地址', '站点地址', '位置', 'address', 'addr'],
    lon: LON,
    lat: LAT,
    hours: ['开放时间', '营业时间', '服务时间', '开放时段', '办公时间', 'hours', 'opening hours', 'open hours', 'opening_hours'],
    services: ['服务', '服务内容', '服务项目', '提供服务', '服务功能', '功能', 'services', 'service', 'amenities'],
    phone: ['电话', '联系电话', '电话号码', '联系方式', 'phone', 'tel', 'telephone', 'contact']
  },
  incidents: {
    id: ['编号', '事件编号', '工单编号', '工单号', '案件编号', '案卷编号', '事件id', 'id', 'ticket', 'ticket id', 'case id', 'number', 'no'],
    category: ['类别', '大类', '事件类别', '事件大类', '事件类型', '问题类别', '问题分类', '诉求类别', '诉求分类', '类型', 'category', 'type', 'class'],
    subcategory: ['小类', '事件小类', '问题小类', '诉求小类', '子类', '细类', 'subcategory', 'sub category', 'subtype'],
    reported_at: ['上报时间', '报告时间', '受理时间', '来电时间', '登记时间', '发生时间', '创建时间', '发现时间', 'reported_at', 'reported', 'report time', 'created', 'created at', 'time', 'date'],
    closed_at: ['办结时间', '结案时间', '完成时间', '处理完成时间', '关闭时间', 'closed_at', 'closed', 'close time', 'resolved at', 'finished at'],
    status: ['状态', '事件状态', '办理状态', '处理状态', '工单状态', '办结状态', 'status', 'state'],
    lon: LON,
    lat: LAT,
    grid: ['网格编码', '网格编号', '网格代码', '所属网格编码', '网格', 'grid', 'grid code', 'grid_code'],
    address: ['地址', '事发地址', '事件地址', '发生地址', '详细地址', '事发地点', 'address', 'location']
  }
} as const;

export type StationField = keyof (typeof COLUMN_SYNONYMS)['stations'];
export type IncidentField = keyof (typeof COLUMN_SYNONYMS)['incidents'];
export type PackageTable = keyof typeof COLUMN_SYNONYMS;

const headerIndex = new Map(
  (Object.keys(COLUMN_SYNONYMS) as PackageTable[]).map((t) => [
    t,
    new Map(Object.entries(COLUMN_SYNONYMS[t]).flatMap(([field, names]) => (names as readonly string[]).map((n) => [normTerm(n), field] as const)).reverse())
  ])
);

/** The field a header names in `table`, or null. */
export function fieldOfHeader(table: PackageTable, header: string): string | null {
  const m = headerIndex.get(table)!;
  return m.get(normTerm(header)) ?? m.get(normHeader(header)) ?? null;
}

/**
 * Column index of every field the header names (the first column for each field); unnamed
 * fields are absent. `header` cells may be empty (columns without a name are ignored).
 */
export function matchColumns(table: PackageTable, header: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  header.forEach((h, i) => {
    const f = h ? fieldOfHeader(table, h) : null;
    if (f && out[f] === undefined) out[f] = i;
  });
  return out;
}

/** Names of station services, Chinese and English (a cell is split on 、,，;；/| and spaces first). */
export const SERVICE_SYNONYMS: Record<StationService, readonly string[]> = {
  rest: ['休息', '休息区', '歇脚', '休憩', '小憩', 'rest', 'resting'],
  water: ['饮水', '热水', '喝水', '饮用水', '开水', '茶水', '免费饮水', 'water', 'drinking water'],
  charging: ['充电', '手机充电', '电动车充电', '充电宝', 'charging', 'charge', 'phone charging'],
  microwave: ['微波炉', '热饭', '加热', '餐食加热', '热餐', 'microwave'],
  toilet: ['卫生间', '厕所', '如厕', '洗手间', 'toilet', 'toilets', 'wc', 'restroom'],
  first_aid: ['急救药箱', '药箱', '医药箱', '急救', '应急药品', '常用药品', 'first aid', 'firstaid', 'medicine'],
  wifi: ['无线网络', '无线上网', '上网', 'wifi', 'wi-fi', 'wlan'],
  heating_cooling: ['取暖纳凉', '取暖', '纳凉', '空调', '避暑', '避寒', '暖气', '防暑降温', 'heating', 'cooling', 'heating/cooling', 'air conditioning'],
  reading: ['阅读', '图书', '书报', '书籍', '读书', '书吧', 'reading', 'books'],
  repair_kit: ['维修工具', '工具箱', '打气', '充气', '维修', '修车', '应急维修', 'repair kit', 'repair', 'tools', 'tyre pump', 'tire pump']
};

/** How the status column of a 12345 or grid-system export says where an incident stands. */
export const STATUS_SYNONYMS: Record<IncidentStatus, readonly string[]> = {
  closed: ['办结', '已办结', '已完成', '完成', '结案', '已结案', '已处理', '处理完毕', '已解决', '已关闭', '关闭', '已归档', '归档', 'closed', 'done', 'resolved', 'finished', 'complete', 'completed'],
  dispatched: ['处置中', '处理中', '办理中', '在办', '已派单', '派单', '已派遣', '已分派', '已受理', '受理', '已转办', '转办', '已签收', 'dispatched', 'in progress', 'processing', 'assigned', 'accepted'],
  open: ['待处理', '未处理', '待受理', '未受理', '待派单', '待办', '新建', '已上报', '上报', '未办结', 'open', 'new', 'pending', 'reported']
};

/** A term table: each key's names. */
export interface TermTable<K extends string> {
  /** Normalised name → key, exact. */
  exact: Map<string, K>;
  /** Names of two or more characters, longest first, for "contains" matches (环境卫生类 → sanitation). */
  contained: [string, K][];
}

export function termTable<K extends string>(names: Record<K, readonly string[]>): TermTable<K> {
  const exact = new Map<string, K>();
  const contained: [string, K][] = [];
  for (const [key, list] of Object.entries(names) as [K, readonly string[]][])
    for (const n of [key, ...list]) {
      const t = normTerm(n);
      if (!t || exact.has(t)) continue;
      exact.set(t, key);
      if (t.length >= 2) contained.push([t, key]);
    }
  contained.sort((a, b) => b[0].length - a[0].length);
  return { exact, contained };
}

/** The key a term names: an exact name, else the longest name it contains; null when none. */
export function lookupTerm<K extends string>(t: TermTable<K>, raw: string): K | null {
  const n = normTerm(raw);
  if (!n) return null;
  const hit = t.exact.get(n);
  if (hit) return hit;
  for (const [name, key] of t.contained) if (n.includes(name)) return key;
  return null;
}

/**
 * A vocabulary CSV (data/station-kinds.csv, data/incident-categories.csv: key, zh, en, …,
 * synonyms with names separated by '|') → each key's names. Keys not in `keys` are refused: the
 * files and the schema must agree.
 */
export function parseTermTable<K extends string>(csvText: string, keys: readonly K[], file: string): Record<K, string[]> {
  const rows = csvRows(csvText);
  const header = rows[0]?.cells.map((h) => h.trim()) ?? [];
  const col = (name: string) => header.indexOf(name);
  const [ck, czh, cen, csyn] = [col('key'), col('zh'), col('en'), col('synonyms')];
  if (ck < 0 || czh < 0 || cen < 0) throw new Error(`${file}: needs columns key, zh, en (found ${header.join(', ')})`);
  const out = Object.fromEntries(keys.map((k) => [k, [] as string[]])) as Record<K, string[]>;
  for (const { cells, line } of rows.slice(1)) {
    const key = cells[ck]?.trim() as K;
    if (!keys.includes(key)) throw new Error(`${file}: line ${line}: unknown key ${JSON.stringify(key)}; one of ${keys.join(', ')}`);
    const syn = csyn >= 0 ? (cells[csyn] ?? '').split('|') : [];
    out[key] = [cells[czh], cells[cen], ...syn].map((s) => s.trim()).filter(Boolean);
  }
  return out;
}

/** What the readers map kinds, categories, services and statuses with. */
export interface Vocabulary {
  kinds: TermTable<StationKind>;
  categories: TermTable<IncidentCategory>;
  services: TermTable<StationService>;
  statuses: TermTable<IncidentStatus>;
}

/**
 * The vocabulary from the texts of data/station-kinds.csv and data/incident-categories.csv
 * (the command line reads them from disk; a Vite-bundled worker can import them with `?raw`).
 */
export function loadVocabulary(stationKindsCsv: string, incidentCategoriesCsv: string): Vocabulary {
  return {
    kinds: termTable(parseTermTable(stationKindsCsv, STATION_KINDS, 'data/station-kinds.csv')),
    categories: termTable(parseTermTable(incidentCategoriesCsv, INCIDENT_CATEGORIES, 'data/incident-categories.csv')),
    services: termTable(SERVICE_SYNONYMS),
    statuses: termTable(STATUS_SYNONYMS)
  };
}
