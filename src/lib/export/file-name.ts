/**
 * Download names that say what the file is — the app, the place, the view or table, the period —
 * so that a file found later in a chat or a downloads folder needs no opening to be recognised.
 * Parts may be in Chinese (names as the user reads them); characters no file system takes, and
 * spaces, become '-'.
 */
export function exportFileName(parts: readonly (string | null | undefined)[], ext: string): string {
  const clean = parts
    .map((p) =>
      (p ?? '')
        .replace(/[\\/:*?"<>|\s·•,，、]+/g, '-')
        .replace(/-{2,}/g, '-')
        .replace(/^-|-$/g, '')
    )
    .filter(Boolean);
  return `${clean.join('_')}.${ext}`;
}

/** A period as part of a file name: '2024-11-01至2025-03-31' (zh) or '2024-11-01-to-2025-03-31'. */
export function periodPart(from: string, to: string, locale: 'zh' | 'en'): string {
  return from === to ? from : locale === 'zh' ? `${from}至${to}` : `${from}-to-${to}`;
}
