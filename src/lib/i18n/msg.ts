/**
 * Translatable messages for text made outside the UI (importers, the grid engine): a key of the
 * i18n table and its {name} parameters, where a parameter may be a message itself. The command
 * line renders them in English (the default table); the app renders them with `i18n.t`.
 */
import { fill } from './format';
import { en, type MessageKey } from './messages';

export interface Msg<K extends MessageKey = MessageKey> {
  key: K;
  params?: Readonly<Record<string, string | number | Msg>>;
}

/** A message's text from a table (`i18n.t` in the app; English by default). */
export function renderMsg(m: Msg, t: (key: MessageKey) => string = (k) => en[k]): string {
  return fill(t(m.key), (x) => {
    const v = m.params?.[x];
    return typeof v === 'object' ? renderMsg(v, t) : String(v);
  });
}
