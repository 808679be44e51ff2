/**
 * An input file's bytes → text, for the planner's import (in its worker) and the command line.
 * Excel on Chinese Windows saves "CSV" in the ANSI code page, GBK, and Notepad may save GeoJSON
 * so too. A byte order mark decides; else text that is valid UTF-8 is UTF-8 (plain ASCII
 * included); else it is read as GB18030, the superset of GBK and GB2312. Every decoder is the
 * platform's TextDecoder in fatal mode (browsers and Node with full ICU), so bytes that fit
 * neither encoding are refused instead of being read as replacement characters.
 */
import { type ImportResult, fail, importError, msg, ok } from './import/errors';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface DecodedText {
  /** Without the byte order mark. */
  text: string;
  encoding: TextEncodingName;
}

const BOMS: readonly [TextEncodingName, readonly number[]][] = [
  ['utf-8', [0xef, 0xbb, 0xbf]],
  ['utf-16le', [0xff, 0xfe]],
  ['utf-16be', [0xfe, 0xff]]
];

function decode(bytes: Uint8Array, encoding: TextEncodingName): string | null {
  try {
    // The decoder drops a leading BOM of its own encoding (ignoreBOM is false by default).
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The file's text and the encoding it was read in, or an error telling the user to save it as CSV UTF-8. */
export function decodeText(bytes: Uint8Array, file: string): ImportResult<DecodedText> {
  const bom = BOMS.find(([, b]) => b.every((x, i) => bytes[i] === x));
  const tries: TextEncodingName[] = bom ? [bom[0]] : ['utf-8', 'gb18030'];
  for (const encoding of tries) {
    const text = decode(bytes, encoding);
    if (text !== null) return ok({ text, encoding });
  }
  return fail([importError(file, null, 'file', msg(bom ? 'import.err.encodingBom' : 'import.err.encoding', { encoding: bom?.[0] ?? '' }))]);
}
