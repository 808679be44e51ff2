/**
 * HTTP byte ranges, the two halves: what a Range header asks of a file of known size (the service
 * worker answers ranges from a cached whole file), and what a 206's Content-Range says (the Parquet
 * range reader checks each answer is the bytes it asked for). Pure; no fetch here.
 */

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` of a file of `size` bytes as [first, last] (inclusive), or null when unsatisfiable or not one range. */
export function byteRange(header: string, size: number): [number, number] | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  const first = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const last = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return first <= last && first < size ? [first, last] : null;
}

/** `bytes a-b/size` → { first, last, size }; null for anything else (`*` sizes included). */
export function contentRange(header: string | null): { first: number; last: number; size: number } | null {
  const m = header ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header.trim()) : null;
  return m ? { first: Number(m[1]), last: Number(m[2]), size: Number(m[3]) } : null;
}
