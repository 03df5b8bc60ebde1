import { promises as fsp } from 'node:fs';
import * as l10n from '@vscode/l10n';
import type { Services } from '../services';
import { chooseFiles } from '../ui/fileChooser';

/** The predicate file given, or chosen in a file dialog (Attest… and Attest File…, as `--predicate FILE`). */
export async function choosePredicate(services: Services, title: string, given: unknown): Promise<string> {
  if (typeof given === 'string') return given;
  const chosen = await chooseFiles(services.context.workspaceState, {
    title: l10n.t('{0}: Choose the Predicate', title),
    openLabel: l10n.t('Attest This'),
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    filters: { [l10n.t('JSON')]: ['json'], [l10n.t('All files')]: ['*'] },
  });
  return chosen[0]!.fsPath;
}

/** The predicate's bytes; a file that cannot be read named in the error. */
export async function readPredicate(file: string): Promise<Buffer> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    throw new Error(l10n.t('{0}: {1}', file, (err as Error).message));
  }
}
