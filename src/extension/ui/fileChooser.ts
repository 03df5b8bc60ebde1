import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import vscode = require('vscode');
import { need } from './prompts';

const LAST_FOLDER = 'manifold.lastChosenFolder';
let memory: vscode.Memento | undefined;

/** Where the choosers remember the last folder used (the workspace's state), set once on activation. */
export function rememberChosenFoldersIn(state: vscode.Memento): void {
  memory = state;
}

/**
 * The open dialog for files to attach, push or import, starting in the folder last chosen from, else the workspace
 * folder: left to itself the dialog starts beside the active editor's file, often inside a layout.
 */
export async function chooseFiles(options: vscode.OpenDialogOptions): Promise<vscode.Uri[]> {
  const last = memory?.get<string>(LAST_FOLDER);
  const defaultUri = last && existsSync(last) ? vscode.Uri.file(last) : vscode.workspace.workspaceFolders?.[0]?.uri;
  const uris = need(await vscode.window.showOpenDialog({ ...options, defaultUri: options.defaultUri ?? defaultUri }));
  const first = uris[0];
  if (first?.scheme === 'file') {
    const folder = statSync(first.fsPath, { throwIfNoEntry: false })?.isDirectory() ? first.fsPath : dirname(first.fsPath);
    await memory?.update(LAST_FOLDER, folder);
  }
  return uris;
}
