import vscode = require('vscode');
import { KindTable, parseKindDefinitions } from '../../oci/referrers';

/** The setting holding the user's own kinds of referrer (the same array as a CLI `--kinds` file's `kinds`). */
export const REFERRER_KINDS_SETTING = 'manifold.referrerKinds';

/**
 * The kinds table: the built-in kinds and the user's from the setting. A malformed setting is an error naming the
 * setting and the JSON path of what is wrong (parseKindDefinitions), so the user sees what to fix.
 */
export function kindTableFromSettings(): KindTable {
  const value = vscode.workspace.getConfiguration().get<unknown>(REFERRER_KINDS_SETTING);
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return new KindTable();
  return new KindTable(parseKindDefinitions(value, REFERRER_KINDS_SETTING));
}
