// The user's kinds of referrer (`manifold.referrerKinds`), read into the core's KindTable for the trees' coverage.
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { KindTable, parseKindDefinitions } from '../../oci/referrers';

export const REFERRER_KINDS_SETTING = 'manifold.referrerKinds';

/** How a bad setting is told: a warning, once per distinct value (every index expanded reads the table). */
export type KindsWarning = (message: string) => void;

let last: { json: string; table: KindTable } | undefined;

/**
 * The kinds table from the setting: the built-in kinds and the user's. A setting that does not parse is shown
 * as a warning naming the setting and the entry at fault (`manifold.referrerKinds: $[1].id: ...`), and the
 * built-in kinds are used until it is fixed.
 */
export function referrerKindTable(warn: KindsWarning = showWarning): KindTable {
  const value = vscode.workspace.getConfiguration().get<unknown>(REFERRER_KINDS_SETTING, []);
  const json = JSON.stringify(value ?? []);
  if (last?.json === json) return last.table;
  let table: KindTable;
  try {
    table = new KindTable(parseKindDefinitions(value ?? [], REFERRER_KINDS_SETTING));
  } catch (err) {
    // The core's message names the setting and the entry: `manifold.referrerKinds: $[1].id: expected a lower-case word ...`.
    warn(l10n.t('Setting {0}. Only the built-in kinds of referrer are used until it is fixed.', (err as Error).message));
    table = new KindTable();
  }
  last = { json, table };
  return table;
}

function showWarning(message: string): void {
  const open = l10n.t('Open Settings');
  void vscode.window.showWarningMessage(message, open).then((choice) => {
    if (choice === open) void vscode.commands.executeCommand('workbench.action.openSettings', REFERRER_KINDS_SETTING);
  });
}
