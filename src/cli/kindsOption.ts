// fs.promises, not node:fs/promises: loaded on first use, not at every CLI start (cliStartup.test.ts).
import { promises as fsp } from 'node:fs';
import { OciError } from '../oci/errors';
import { KindTable, parseKindDefinitions } from '../oci/referrers';
import { malformedJson } from '../oci/validate';
import type { OptionSpec } from './command';

/** `--kinds FILE`: kinds of referrer of the user's own, beside the built-in ones (coverage's columns, cp's --only). */
export const KINDS_OPTION: Record<string, OptionSpec> = {
  kinds: { type: 'string', description: 'a JSON file of kinds of your own: {"kinds": [{"id", "title", "artifactTypes", "predicateTypes", "annotationKeys"}]}', valueName: 'FILE' },
};

export async function kindTableOption(file: string | undefined): Promise<KindTable> {
  if (file === undefined) return new KindTable();
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `--kinds ${file}: ${(err as Error).message}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `--kinds ${file}: ${malformedJson(text, err)}`, { cause: err });
  }
  return new KindTable(parseKindDefinitions(value, file));
}
