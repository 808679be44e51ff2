/**
 * JSON text → value, with the position of a syntax error as line/column. V8's messages carry a
 * position only for some errors ("Unexpected token 'x', ... is not valid JSON" has none), so
 * on failure a small scanner finds the first offending character itself.
 */
import { type ImportResult, fail, importError, msg, ok } from './errors';

export interface TextPosition {
  /** 0-based character offset. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: end - lineStart + 1 };
}

const MAX_DEPTH = 2000;

/**
 * Offset of the first character at which `text` stops being valid JSON (text.length when it
 * ends too early), or -1 when it is valid.
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  let i = 0;
  class Bad extends Error {}
  const bad = (at: number): never => {
    i = Math.min(at, n);
    throw new Bad();
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const str = () => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) bad(i);
      if (c === 92) {
        const e = text[i + 1];
        if (e === undefined) bad(n);
        if ('"\\/bfnrt'.includes(e)) i += 2;
        else if (e === 'u') {
          for (let k = 2; k < 6; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) bad(i + k);
          i += 6;
        } else bad(i + 1);
      } else i++;
    }
    bad(n);
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) bad(text[i] === '-' ? i + 1 : i);
    else i += m[0].length;
  };
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) bad(i);
    ws();
    if (i >= n) bad(n);
    const c = text[i];
    if (c === '"') return str();
    if (c === '-' || (c >= '0' && c <= '9')) return num();
    for (const w of ['true', 'false', 'null']) {
      if (text.startsWith(w, i)) {
        i += w.length;
        return;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (i >= n) bad(n);
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else bad(i);
      }
    }
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (i >= n) bad(n);
        if (text[i] !== '"') bad(i);
        str();
        ws();
        if (i >= n) bad(n);
        if (text[i] !== ':') bad(i);
        i++;
        value(depth + 1);
        ws();
        if (i >= n) bad(n);
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else bad(i);
      }
    }
    bad(i);
  };
  try {
    value(0);
    ws();
    if (i < n) bad(i);
    return -1;
  } catch (e) {
    if (e instanceof Bad) return i;
    throw e;
  }
}

/** Parses JSON text; a syntax error becomes one ImportError (field 'json') with line, column and offset. */
export function parseJsonText(text: string, file: string): ImportResult<unknown> {
  if (text.trim() === '') return fail([importError(file, null, 'file', msg('import.err.empty'))]);
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    const found = jsonErrorOffset(text);
    const m = /at position (\d+)/.exec(raw);
    const offset = found >= 0 ? found : m ? Number(m[1]) : text.length;
    const p = positionOf(text, offset);
    const truncated = offset >= text.length;
    const what = raw.replace(/\s*(in JSON )?at position \d+.*$/s, '').replace(/,\s*(\.\.\.)?".*is not valid JSON$/s, '');
    const at = { line: p.line, column: p.column, offset: p.offset };
    return fail([importError(file, null, 'json', truncated ? msg('import.err.jsonTruncated', at) : msg('import.err.json', { ...at, what }))]);
  }
}
