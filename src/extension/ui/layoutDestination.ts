// Where a copy or an import writes: a layout the Layouts view knows, or any folder the user picks (a folder that
// is not a layout becomes one, and joins the view).
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { OciLayoutStore } from '../../oci/layout';
import type { Services } from '../services';
import type { ResolvedLayout } from '../commands/args';
import { chooseFiles } from './fileChooser';
import { need, pickOne } from './prompts';

export interface DestinationQuestion {
  title: string;
  /** The pick's placeholder: what is asked. */
  placeHolder: string;
  /** The folder dialog's button. */
  openLabel: string;
  /** A layout not offered (the source of a copy): writing into it is another command's (Tag...). */
  exclude?: string;
}

/** A writable layout folder picked from those known, or another folder chosen in the dialog. */
export async function pickLayoutDestination(services: Services, question: DestinationQuestion): Promise<string> {
  const known = services.layouts.folders.length > 0 ? services.layouts.folders : await services.layouts.discover();
  const excluded = question.exclude === undefined ? undefined : resolve(question.exclude);
  const folders = known.filter((f) => !f.readOnly && resolve(f.path) !== excluded);
  const other = l10n.t('Choose a Folder…');
  const picked = await pickOne([...folders.map((f) => ({ label: vscode.workspace.asRelativePath(f.path, true), path: f.path })), { label: other, path: '' }], {
    title: question.title,
    placeHolder: question.placeHolder,
  });
  if (picked.path) return picked.path;
  const chosen = await chooseFiles(services.context.workspaceState, { title: question.title, canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: question.openLabel });
  return need(chosen[0]).fsPath;
}

/** A layout archive (a file), which no copy writes into: callers refuse it in their own words, before asking anything. */
export function isLayoutArchive(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}

/** The layout at `path`, made there first when the folder holds none (and remembered, so the view shows it). */
export async function openDestinationLayout(services: Services, path: string): Promise<ResolvedLayout> {
  // A file (a layout archive) is opened as it is, read-only, for the caller to refuse in its own words.
  if (!statSync(path, { throwIfNoEntry: false })?.isFile() && !existsSync(join(path, 'oci-layout'))) {
    await OciLayoutStore.open(path, { create: true });
    // Outside the workspace findFiles cannot see it: remember it as an added folder, so the view shows it.
    if (!vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path))) await services.layouts.addFolder(path);
    services.tree.refreshAll();
  }
  return { path, store: await services.layouts.open(path) };
}
