/**
 * Command-line flags for every script, on `node:util` parseArgs, with one `--help` format.
 *
 * parseArgs runs non-strict with tokens so that every problem is collected (not only the first
 * one, as strict mode throws) and worded the scripts' own way: an unknown flag or a stray
 * positional names the argument, a value flag without its value ("--out" last, or "--out --crs")
 * says so. `--flag value` and `--flag=value` are both accepted; `-h` is `--help`.
 */
import { parseArgs } from 'node:util';

export interface Flag {
  type: 'string' | 'boolean';
  /** The value's placeholder in --help, e.g. '<dir>' (string flags). */
  arg?: string;
  help: string;
}
export type Flags = Record<string, Flag>;
export type FlagValues<F extends Flags> = { [K in keyof F]?: F[K]['type'] extends 'string' ? string : true };

export interface ArgProblem {
  /** The flag's name without dashes, or 'argv' for an unknown argument. */
  field: string;
  message: string;
}

export interface ParsedArgs<F extends Flags> {
  /** --help or -h was given: callers print helpText and exit 0, whatever else is wrong. */
  help: boolean;
  values: FlagValues<F>;
  positionals: string[];
  errors: ArgProblem[];
}

/** Parses argv against `flags`; positionals are refused unless `allowPositionals`. */
export function parseFlags<F extends Flags>(
  argv: readonly string[],
  flags: F,
  allowPositionals = false
): ParsedArgs<F> {
  const options = Object.fromEntries(Object.entries(flags).map(([name, f]) => [name, { type: f.type }]));
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | true> = {};
  const positionals: string[] = [];
  const errors: ArgProblem[] = [];
  let help = false;
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      if (allowPositionals) positionals.push(t.value);
      else errors.push({ field: 'argv', message: `unknown argument ${JSON.stringify(t.value)}` });
      continue;
    }
    if (t.name === 'help' || t.rawName === '-h') {
      help = true;
      continue;
    }
    const flag = Object.hasOwn(flags, t.name) && t.rawName.startsWith('--') ? flags[t.name] : undefined;
    if (!flag)
      errors.push({
        field: 'argv',
        message: `unknown argument ${JSON.stringify(t.inlineValue ? `${t.rawName}=${t.value}` : t.rawName)}`
      });
    else if (flag.type === 'boolean') {
      if (t.inlineValue) errors.push({ field: t.name, message: `${t.rawName} takes no value` });
      else values[t.name] = true;
    }
    // Non-strict parseArgs takes the next argument as the value even when it is another flag.
    else if (t.value === undefined || (!t.inlineValue && t.value.startsWith('--')))
      errors.push({ field: t.name, message: `${t.rawName} needs a value` });
    else values[t.name] = t.value;
  }
  return { help, values: values as FlagValues<F>, positionals, errors };
}

/** The --help text: usage lines, the flags with their placeholders aligned, then free notes. */
export function helpText(usage: readonly string[], flags: Flags, notes: readonly string[] = []): string {
  const rows = [
    ...Object.entries(flags).map(([name, f]) => [`--${name}${f.arg ? ` ${f.arg}` : ''}`, f.help]),
    ['-h, --help', 'this help']
  ];
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return [
    ...usage.map((u, i) => `${i ? '       ' : 'usage: '}${u}`),
    '',
    'Options:',
    // A help text's own line breaks continue under its first line.
    ...rows.map(([l, h]) => `  ${l.padEnd(width)}${h.replaceAll('\n', `\n${' '.repeat(width + 2)}`)}`),
    ...(notes.length ? ['', ...notes] : [])
  ].join('\n');
}
