/**
 * The engine's input errors as translatable messages: a key of the i18n table (`partition.err.*`)
 * and its {name} parameters (a parameter may be a message itself, e.g. what is wrong in ring 2),
 * so the planner shows them in the user's language; the English text is what the CLI prints.
 * As $lib/data/import/errors.ts does for import errors.
 */
import type { MessageKey } from '../../i18n/messages';
import { type Msg, renderMsg } from '../../i18n/msg';

export type EngineKey = Extract<MessageKey, `partition.err.${string}`>;

/** A translatable engine message (see $lib/i18n/msg). */
export type EngineMsg = Msg<EngineKey>;

export function emsg(key: EngineKey, params?: EngineMsg['params']): EngineMsg {
  return params ? { key, params } : { key };
}

/** An engine error as the planner receives it from the worker: English `message`, and `msg` where the engine has one. */
export interface EngineErrorText {
  message: string;
  msg?: EngineMsg;
}

/** An error thrown inside the engine or its worker: the detail stays as thrown (English). */
export function engineError(detail: string): EngineErrorText {
  return { message: detail, msg: emsg('partition.err.engine', { detail }) };
}

/** Errors of a failed run, one after another, in the UI's language where they have a message key. */
export function renderEngineErrors(errors: readonly EngineErrorText[], t: (key: MessageKey) => string): string {
  return errors.map((e) => (e.msg ? renderMsg(e.msg, t) : e.message)).join('; ');
}
