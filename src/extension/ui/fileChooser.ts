import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import vscode = require('vscode');
import { need } from './prompts';

const LAST_FOLDER = 'manifold.lastChosenFolder';

const isFolder = (path: string) => statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;

/**
 * Where a chooser starts: the folder files were last chosen from (kept in the workspace's state), else the first
 * workspace folder. Left to itself the dialog starts beside the active editor's file, often inside a layout, where a
 * user's SBOMs and archives never are. A folder that exists is given as the folder itself: the workbench's simple
 * dialog (code-server) opens a defaultUri it can stat as a folder, and opens the parent of one it cannot.
 */
export function startFolder(state: vscode.Memento): vscode.Uri | undefined {
  const last = state.get<string>(LAST_FOLDER);
  if (last && isFolder(last)) return vscode.Uri.file(last);
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

/**
 * The open dialog for files to attach, push or import: starts in startFolder(), and remembers the folder chosen from
 * (a folder chosen, as Import's destination, remembers its parent: a layout folder is no place to look for files).
 */
export async function chooseFiles(state: vscode.Memento, options: vscode.OpenDialogOptions): Promise<vscode.Uri[]> {
  const uris = need(await vscode.window.showOpenDialog({ defaultUri: startFolder(state), ...options }));
  const first = uris[0];
  if (first?.scheme === 'file') await state.update(LAST_FOLDER, dirname(first.fsPath));
  return uris;
}
