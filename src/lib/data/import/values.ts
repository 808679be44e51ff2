/**
 * Cell values of district registers and incident logs: dates and times in China time (UTC+8,
 * no daylight saving) in the forms Chinese spreadsheets and 12345 exports write them, opening
 * hours, coordinates. Pure; each parser returns null for a value it does not understand, and the
 * caller names the row and field.
 */

/** A spreadsheet cell: text (CSV, text cells) or a number (numeric XLSX cells, dates as serials). */
export type Cell = string | number;

const HOUR_MS = 3_600_000;
/** China Standard Time, UTC+8 all year. */
export const CHINA_OFFSET_MS = 8 * HOUR_MS;
/** Excel's serial day 25569 is 1970-01-01 (the 1900 date system, its 1900-02-29 bug included). */
const EXCEL_EPOCH_DAYS = 25569;
/** Serials this side of 1954…2119 are read as dates; other numbers are not dates. */
const SERIAL_MIN = 20000;
const SERIAL_MAX = 80000;

/** Epoch ms of a wall-clock time in China, or null when the parts are not a real date and time. */
export function chinaTime(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 59 || (h === 24 && (mi || s))) return null;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return utc - CHINA_OFFSET_MS;
}

/** An Excel date serial (days since 1899-12-30, fraction = time of day) as China wall time → epoch ms. */
export function excelSerialToMs(serial: number): number | null {
  if (!(serial >= SERIAL_MIN && serial < SERIAL_MAX)) return null;
  // Rounded to the second: serials carry binary fractions (8:30 is 0.354166…).
  return Math.round((serial - EXCEL_EPOCH_DAYS) * 86_400) * 1000 - CHINA_OFFSET_MS;
}

// 2025-03-01 08:30, 2025/3/1 8:30:00, 2025.3.1, 2025年3月1日 8时30分, 2025-03-01T08:30:00+08:00
const DATE_TIME =
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:(?:\s+|T|\s*日?\s*)(\d{1,2})\s*[:：时点]\s*(?:(\d{1,2})\s*(?:[:：分]\s*(?:(\d{1,2})(?:\.\d+)?\s*秒?)?)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:\s*(\d{2}):?(\d{2})(?::?(\d{2}))?)?$/;
const SERIAL_TEXT = /^\d{5}(\.\d+)?$/;

/**
 * A date or date-time cell → epoch ms. Text without a zone is China time; "Z" or "+08:00"
 * are honoured. Numbers (and number-only text) in Excel's date range are serials.
 */
export function parseChinaDate(cell: Cell): number | null {
  if (typeof cell === 'number') return Number.isFinite(cell) ? excelSerialToMs(cell) : null;
  const s = cell.normalize('NFKC').trim();
  if (!s) return null;
  if (SERIAL_TEXT.test(s)) return excelSerialToMs(Number(s));
  let m = DATE_TIME.exec(s);
  if (m) {
    const t = chinaTime(+m[1], +m[2], +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0);
    if (t === null || !m[7]) return t;
    const z = m[7].toUpperCase();
    if (z === 'Z') return t + CHINA_OFFSET_MS;
    const sign = z[0] === '-' ? -1 : 1;
    const digits = z.slice(1).replace(':', '');
    return t + CHINA_OFFSET_MS - sign * (Number(digits.slice(0, 2)) * HOUR_MS + Number(digits.slice(2)) * 60_000);
  }
  m = COMPACT.exec(s);
  if (m) return chinaTime(+m[1], +m[2], +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0);
  return null;
}

/** 'YYYY-MM-DD HH:MM' in China time, for messages. */
export function formatChinaTime(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

const ALL_DAY = /^(24小时|24h|24hours|全天|全天候|全天开放|24小时开放|全天24小时|7[×x*]24小时?|24\/7|allday|open24hours)$/i;
/** A time with ':' or 点/时 (8:00, 8点, 8时30分), and a looser one where a bare hour counts (8-20). */
const STRICT_TIME = String.raw`(\d{1,2})\s*[:：点时]\s*(\d{2})?\s*分?`;
const LOOSE_TIME = String.raw`(\d{1,2})(?:\s*[:：点时]\s*(\d{2})?\s*分?)?`;
const SEP = String.raw`\s*(?:[-~～〜—–]+|至|到)\s*(?:次日|翌日)?\s*`;
const RANGES = [new RegExp(`${STRICT_TIME}${SEP}${STRICT_TIME}`), new RegExp(`(?<![\\d:])${LOOSE_TIME}${SEP}${LOOSE_TIME}(?![\\d:])`)];

const hhmm = (h: number, m: number) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;

/**
 * Opening hours → ['HH:MM', 'HH:MM'] in China time; equal times mean open 24 hours (as in the
 * schema). Reads "08:00-20:00", "8:00～20:00", "8点-20点", "周一至周日 9:00至17:30" (the first
 * range), "24小时", "全天", "00:00-24:00". Null when no range can be read.
 */
export function parseHours(cell: Cell): [string, string] | null {
  const s = String(cell).normalize('NFKC').trim();
  if (!s) return null;
  if (ALL_DAY.test(s.replace(/\s+/g, ''))) return ['00:00', '00:00'];
  const m = RANGES[0].exec(s) ?? RANGES[1].exec(s);
  if (!m) return /24\s*小时|全天/.test(s) ? ['00:00', '00:00'] : null;
  const [h1, m1, h2, m2] = [+m[1], m[2] ? +m[2] : 0, +m[3], m[4] ? +m[4] : 0];
  if (h1 > 24 || h2 > 24 || m1 > 59 || m2 > 59) return null;
  const open = hhmm(h1 % 24, m1);
  const close = hhmm(h2 % 24, m2);
  return [open, close];
}

/** A number in plain decimal notation (Number() would also take '', '0x1F' and 'Infinity'). */
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A coordinate cell: a number, or text in decimal notation (full-width digits allowed); null otherwise. */
export function parseCoordinate(cell: Cell): number | null {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : null;
  const s = cell.normalize('NFKC').trim().replace(/°$/, '');
  return DECIMAL.test(s) ? Number(s) : null;
}

/** A cell as text: numbers as JavaScript writes them, trimmed. */
export function cellText(cell: Cell | undefined): string {
  if (cell === undefined) return '';
  return typeof cell === 'number' ? String(cell) : cell.trim();
}
