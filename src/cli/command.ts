import { parseArgs } from 'node:util';
import type { OptionSpec, ParsedCommand } from './parsed';
import type { Printer } from './printer';
import { REGISTRY_OPTIONS } from './registryOptions';

export type { OptionSpec, ParsedCommand } from './parsed';

/** One `manifold` subcommand: its grammar, its help, and a run function that calls the core. */
export interface Command {
  /** Words that select it: `manifest index create`. */
  path: string;
  aliases?: string[];
  summary: string;
  usage: string;
  examples?: string[];
  options: Record<string, OptionSpec>;
  minArgs?: number;
  maxArgs?: number;
  /** It works on local files alone (key and certificate files): no registry, no layout. */
  localFiles?: true;
  run(parsed: ParsedCommand, printer: Printer): Promise<number | void>;
}

/** Options every command takes. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'show help for this command' },
};

export const LAYOUT_OPTION: Record<string, OptionSpec> = {
  'oci-layout': { type: 'boolean', description: 'the reference is an OCI image layout folder, DIR[:tag|@digest], or a .tar of one to read (writes need the folder)' },
  // Without --oci-layout the reference names a registry: these say how to reach it.
  ...REGISTRY_OPTIONS,
};

/** oras's `--no-tty`: no status line drawn on the terminal; the lines a pipe or a file would get instead. */
export const NO_TTY_OPTION: Record<string, OptionSpec> = {
  'no-tty': { type: 'boolean', description: 'draw no progress on the terminal: print the lines a pipe gets' },
};

export const FORMAT_OPTION: Record<string, OptionSpec> = {
  format: { type: 'string', description: 'output format: text or json', valueName: 'FORMAT' },
};

export class UsageError extends Error {}

export function parseCommand(command: Command, argv: string[]): ParsedCommand {
  const options = { ...COMMON_OPTIONS, ...command.options };
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(options)) {
    config[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: config, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^.*?: /, '').replace(/\. To specify.*$/s, ''));
  }
  const result: ParsedCommand = { values: parsed.values as ParsedCommand['values'], positionals: parsed.positionals };
  if (result.values.help) return result;
  const n = result.positionals.length;
  if (command.minArgs !== undefined && n < command.minArgs) throw new UsageError(`"${command.path}" requires at least ${command.minArgs} argument${command.minArgs === 1 ? '' : 's'} but got ${n}`);
  if (command.maxArgs !== undefined && n > command.maxArgs) throw new UsageError(`"${command.path}" accepts at most ${command.maxArgs} argument${command.maxArgs === 1 ? '' : 's'} but got ${n}`);
  return result;
}

export function helpText(command: Command): string {
  const options = { ...command.options, ...COMMON_OPTIONS };
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'string'}` : ''}`;
    return [flag, spec.description + (spec.multiple ? ' (repeatable)' : '')] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  const lines = [command.summary, '', 'Usage:', `  manifold ${command.usage}`];
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  lines.push('', 'Flags:', ...rows.map(([f, d]) => `  ${f.padEnd(width)}${d}`));
  return lines.join('\n') + '\n';
}

export function stringOpt(p: ParsedCommand, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOpt(p: ParsedCommand, name: string): string[] {
  const v = p.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** `--concurrency N`: a positive whole number; `fallback` when not given. */
export function concurrencyOpt(p: ParsedCommand, fallback: number): number {
  const text = stringOpt(p, 'concurrency');
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--concurrency must be a positive integer, got ${text}`);
  return n;
}

export function boolOpt(p: ParsedCommand, name: string): boolean {
  return p.values[name] === true;
}

export function formatOpt(p: ParsedCommand, allowed: readonly string[] = ['text', 'json']): string {
  const f = stringOpt(p, 'format') ?? allowed[0]!;
  if (!allowed.includes(f)) throw new UsageError(`unsupported format ${JSON.stringify(f)}: use ${allowed.join(' or ')}`);
  return f;
}
