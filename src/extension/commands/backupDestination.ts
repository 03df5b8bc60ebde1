// Where Back Up Repository writes: a layout folder (one the Layouts view shows, or any folder, which becomes one)
// or a new layout .tar. One pick, as Copy to Layout's destination, with the .tar as one more choice.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { homedir } from 'node:os';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Services } from '../services';
import { chooseFiles } from '../ui/fileChooser';
import { need, pickOne } from '../ui/prompts';

export interface BackupDestination {
  path: string;
  /** A layout .tar to write whole (else a layout folder, made if it is none, keeping its other tags). */
  tar: boolean;
}

/** A path given as an argument: a .tar unless a folder of that name is there already (the CLI's rule). */
export function givenDestination(to: string): BackupDestination {
  const path = resolve(to);
  return { path, tar: /\.tar$/i.test(path) && !statSync(path, { throwIfNoEntry: false })?.isDirectory() };
}

/** Asks where `repository` (`host/team/app`) is backed up; `name` (`app`) is the .tar's suggested name. */
export async function askBackupDestination(services: Services, title: string, repository: string, name: string): Promise<BackupDestination> {
  const known = services.layouts.folders.length > 0 ? services.layouts.folders : await services.layouts.discover();
  const folder = l10n.t('Choose a Folder…');
  const tar = l10n.t('New Layout .tar File…');
  const items = [
    ...known.filter((f) => !f.readOnly).map((f) => ({ label: vscode.workspace.asRelativePath(f.path, true), path: f.path })),
    { label: folder, description: l10n.t('a new or other folder (one that is no layout becomes one)'), path: '' },
    { label: tar, description: l10n.t('a layout archive, written whole'), path: '' },
  ];
  const picked = await pickOne(items, { title, placeHolder: l10n.t('Back up {0} into which layout?', repository) });
  if (picked.path) return { path: picked.path, tar: false };
  if (picked.label === folder) {
    const chosen = await chooseFiles(services.context.workspaceState, { title, canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: l10n.t('Back Up Here') });
    return { path: need(chosen[0]).fsPath, tar: false };
  }
  const parent = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? homedir();
  const saved = need(
    await vscode.window.showSaveDialog({
      title,
      defaultUri: vscode.Uri.file(join(parent, `${name}.tar`)),
      filters: { [l10n.t('Layout archives')]: ['tar'] },
      saveLabel: l10n.t('Back Up'),
    }),
  );
  return { path: saved.fsPath, tar: true };
}
