import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import vscode = require('vscode');
import { currentSession, replayFiles } from './answerReplay';
import { need } from './prompts';

/**
 * The workspace-state keys of the folders remembered, one per kind of chooser: where a user's SBOMs and archives are
 * says nothing of where their layouts are, so Add Layout Folder keeps its own (the host tests clear them).
 */
export const CHOSEN_FOLDER_KEYS = { files: 'manifold.lastChosenFolder', layouts: 'manifold.lastLayoutParent' } as const;
export type ChooserKind = keyof typeof CHOSEN_FOLDER_KEYS;

const isFolder = (path: string) => statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;

/**
 * Where a chooser starts: the folder last chosen from for that kind (kept in the workspace's state), else the first
 * workspace folder. Left to itself the dialog starts beside the active editor's file, often inside a layout, where a
 * user's SBOMs and archives never are. A folder that exists is given as the folder itself: the workbench's simple
 * dialog (code-server) opens a defaultUri it can stat as a folder, and opens the parent of one it cannot.
 */
export function startFolder(state: vscode.Memento, kind: ChooserKind = 'files'): vscode.Uri | undefined {
  const last = state.get<string>(CHOSEN_FOLDER_KEYS[kind]);
  if (last && isFolder(last)) return vscode.Uri.file(last);
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

/**
 * The open dialog for files to attach, push or import (kind 'files'), or for a layout to add (kind 'layouts'): starts
 * in startFolder(), and remembers the folder chosen from (a folder chosen, as Import's destination or a layout added,
 * remembers its parent: a layout folder is no place to look for files, and the next layout is likelier beside it).
 */
export async function chooseFiles(state: vscode.Memento, options: vscode.OpenDialogOptions, kind: ChooserKind = 'files'): Promise<vscode.Uri[]> {
  const session = currentSession();
  const key = { kind: 'files' as const, title: options.title, question: options.openLabel };
  // A Retry chooses what was chosen, unless a file of it is gone since: then the dialog opens, as it does after.
  const recorded = replayFiles(session, key)?.map((u) => vscode.Uri.parse(u, true));
  const gone = recorded?.some((u) => u.scheme === 'file' && !statSync(u.fsPath, { throwIfNoEntry: false }));
  if (gone) session?.stop();
  const uris = recorded && !gone ? recorded : need(await vscode.window.showOpenDialog({ defaultUri: startFolder(state, kind), ...options }));
  session?.record({ ...key, uris: uris.map((u) => u.toString()) });
  const first = uris[0];
  if (first?.scheme === 'file') await state.update(CHOSEN_FOLDER_KEYS[kind], dirname(first.fsPath));
  return uris;
}
