/**
 * The three KPI figures of an incident selection as text in the user's language: what the KPI cards
 * show and what the briefing PNG writes, from one place so the picture says what the screen says.
 */
import type { MessageKey } from '$lib/i18n/messages';

export interface KpiValues {
  incidents: number;
  closedRate: number | null;
  medianHours: number | null;
}

export type KpiKey = 'incidents' | 'closed-rate' | 'median-hours';

export interface KpiFigure {
  key: KpiKey;
  label: string;
  /** The number as shown ('…' while loading, '—' when there is none). */
  value: string;
  /** Written after the value, smaller (hours). */
  unit?: string;
  /** The number itself (null while loading or when there is none). */
  raw: number | null;
}

export function kpiFigures(
  k: KpiValues | null,
  t: (key: MessageKey) => string,
  num: (n: number, digits?: number) => string
): KpiFigure[] {
  return [
    { key: 'incidents', label: t('kpi.incidents'), value: k ? num(k.incidents) : '…', raw: k?.incidents ?? null },
    {
      key: 'closed-rate',
      label: t('kpi.closedRate'),
      value: !k ? '…' : k.closedRate == null ? '—' : `${num(k.closedRate * 100, 1)}%`,
      raw: k?.closedRate ?? null
    },
    {
      key: 'median-hours',
      label: t('kpi.medianClose'),
      value: !k ? '…' : k.medianHours == null ? '—' : num(k.medianHours, 1),
      unit: k?.medianHours != null ? t('kpi.hours') : undefined,
      raw: k?.medianHours ?? null
    }
  ];
}
