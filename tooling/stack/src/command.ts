import { parseArgs } from 'node:util';

/** One option of a command: what `--help` prints and how its value is checked. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  default?: string | boolean;
  /** The value's name in the usage line, e.g. `<port>`. @default '<value>' */
  valueName?: string;
  /** Returns a message when the value is not acceptable (string options only). */
  check?: (value: string) => string | undefined;
}

export interface PositionalSpec {
  name: string;
  description: string;
  required?: boolean;
  /** Returns a message when the value is not acceptable. */
  check?: (value: string) => string | undefined;
}

export interface CommandSpec<O extends Record<string, OptionSpec>> {
  /** As the user types it: `pnpm dev`. */
  name: string;
  summary: string;
  options: O;
  positionals?: readonly PositionalSpec[];
  examples: readonly string[];
  /** Exit codes beyond 0 (success) and 2 (usage error), which every command shares. */
  exitCodes?: Readonly<Record<number, string>>;
}

type Values<O extends Record<string, OptionSpec>> = {
  [K in keyof O]: O[K]['type'] extends 'boolean'
    ? boolean
    : O[K]['default'] extends string
      ? string
      : string | undefined;
};

/** A usage mistake: the command prints it in one line with the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError' as const;
}

/** `--port <port>` style synopsis of every option and positional. */
export function usageLine<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): string {
  const options = Object.entries(spec.options).map(([name, option]) =>
    option.type === 'boolean' ? `[--${name}]` : `[--${name} ${option.valueName ?? '<value>'}]`,
  );
  const positionals = (spec.positionals ?? []).map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`));
  return `Usage: ${[spec.name, ...positionals, ...options].join(' ')}`;
}

/** The full `--help` text: what it does, every option with its default, examples, exit codes. */
export function helpText<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): string {
  const rows: [string, string][] = [
    ...(spec.positionals ?? []).map((p): [string, string] => [`<${p.name}>`, p.description]),
    ...Object.entries(spec.options).map(([name, option]): [string, string] => [
      option.type === 'boolean' ? `--${name}` : `--${name} ${option.valueName ?? '<value>'}`,
      option.default === undefined || option.default === false
        ? option.description
        : `${option.description} (default: ${String(option.default)})`,
    ]),
    ['--help', 'print this help and exit'],
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  const exitCodes = { 0: 'success', ...spec.exitCodes, 2: 'usage error (unknown option, missing or bad value)' };
  return [
    `${spec.name}: ${spec.summary}`,
    '',
    usageLine(spec),
    '',
    'Options:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    '',
    'Examples:',
    ...spec.examples.map((example) => `  ${example}`),
    '',
    'Exit codes:',
    ...Object.entries(exitCodes).map(([code, meaning]) => `  ${code}  ${meaning}`),
  ].join('\n');
}

/**
 * Parses a command's arguments, or throws `UsageError` with one line naming what is wrong.
 * Returns undefined when `--help` was asked for.
 */
export function parseCommandArgs<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  args: readonly string[],
): { values: Values<O>; positionals: string[] } | undefined {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: (spec.positionals ?? []).length > 0,
      strict: true,
    });
  } catch (error) {
    // Node's messages name the option; keep their first sentence, one line.
    throw new UsageError((error instanceof Error ? error.message : String(error)).split(/\.\s/)[0] ?? 'bad arguments');
  }
  if (parsed.values.help === true) return undefined;
  const expected = spec.positionals ?? [];
  if (parsed.positionals.length > expected.length) {
    throw new UsageError(`Unexpected argument '${parsed.positionals[expected.length]}'`);
  }
  for (const [index, positional] of expected.entries()) {
    const value = parsed.positionals[index];
    if (positional.required && value === undefined) throw new UsageError(`Missing <${positional.name}>`);
    const problem = value === undefined ? undefined : positional.check?.(value);
    if (problem !== undefined) throw new UsageError(`<${positional.name}> ${problem}`);
  }
  for (const [name, option] of Object.entries(spec.options)) {
    const value = parsed.values[name];
    const problem = typeof value === 'string' ? option.check?.(value) : undefined;
    if (problem !== undefined) throw new UsageError(`--${name} ${problem}`);
  }
  const { help: _, ...values } = parsed.values;
  return { values: values as Values<O>, positionals: parsed.positionals };
}

/**
 * `parseCommandArgs` for a script's entry point: `--help` prints the help and exits 0; a usage
 * error prints one line on stderr — what is wrong, then the usage — and exits 2, never a stack trace.
 */
export function parseCommand<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  args: readonly string[] = process.argv.slice(2),
): { values: Values<O>; positionals: string[] } {
  try {
    const result = parseCommandArgs(spec, args);
    if (result !== undefined) return result;
    console.log(helpText(spec));
    process.exit(0);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${spec.name}: ${error.message}. ${usageLine(spec)}`);
    process.exit(2);
  }
}

/** Checks for common option values. */
export const checks = {
  /** A whole number within [min, max]. */
  integer:
    (min: number, max: number) =>
    (value: string): string | undefined =>
      /^-?\d+$/.test(value) && Number(value) >= min && Number(value) <= max
        ? undefined
        : `must be a whole number from ${min} to ${max}`,
  /** A number within [min, max]. */
  number:
    (min: number, max: number) =>
    (value: string): string | undefined =>
      value.trim() !== '' && Number(value) >= min && Number(value) <= max
        ? undefined
        : `must be a number from ${min} to ${max}`,
  /** One of `choices`. */
  oneOf:
    (choices: readonly string[]) =>
    (value: string): string | undefined =>
      choices.includes(value) ? undefined : `must be one of ${choices.join(', ')}`,
  /** An http(s) URL. */
  httpUrl: (value: string): string | undefined =>
    URL.canParse(value) && /^https?:$/.test(new URL(value).protocol) ? undefined : 'must be an http(s) URL',
} as const;

/** `--port` and `--host`, the same for every local server (`pnpm dev`, `pnpm serve`). */
export const listenOptions = {
  port: {
    type: 'string',
    default: '8888',
    valueName: '<port>',
    description: 'where the API answers',
    check: checks.integer(1, 65535),
  },
  host: {
    type: 'string',
    default: '127.0.0.1',
    valueName: '<address>',
    description: 'the address to listen on (0.0.0.0 opens it to the network)',
  },
} as const satisfies Record<string, OptionSpec>;
