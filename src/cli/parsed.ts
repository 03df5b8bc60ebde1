// The shapes shared by the command table (command.ts) and the option groups (registryOptions.ts), so neither
// imports the other.
import type { ParseArgsConfig } from 'node:util';
import type { Printer } from './printer';

/** One flag: node:util's parseArgs spec plus what `--help` prints. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { description: string; valueName?: string };

export interface ParsedCommand {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** Where the command writes: registry clients report retries to its stderr. */
  printer?: Printer;
}
