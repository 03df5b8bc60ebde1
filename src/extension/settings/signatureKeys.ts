// The public keys Verify Signatures uses (`manifold.signatureKeys`): paths to PEM files, as the CLI's --key.
import { isAbsolute, relative } from 'node:path';
import vscode = require('vscode');
import { configuredFiles, type KeyFile } from './restrictedPaths';

export { type KeyFile, resolveKeyPath } from './restrictedPaths';

export const SIGNATURE_KEYS_SETTING = 'manifold.signatureKeys';

/** The key files the setting names (restricted: restrictedPaths.ts says how paths are read, and when not). */
export function configuredKeyFiles(): KeyFile[] {
  return configuredFiles(SIGNATURE_KEYS_SETTING);
}

/** How a chosen file is written into the workspace's setting: relative to the folder when inside it, else absolute. */
export function settingEntry(path: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (folder?.scheme !== 'file') return path;
  const rel = relative(folder.fsPath, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : path;
}
