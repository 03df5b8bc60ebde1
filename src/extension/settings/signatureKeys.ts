// The public keys Verify Signatures uses (`manifold.signatureKeys`): paths to PEM files, as the CLI's --key.
import { homedir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import vscode = require('vscode');

export const SIGNATURE_KEYS_SETTING = 'manifold.signatureKeys';

/** A key file to read: `name` as the user wrote it (what results say verified), `path` where it is. */
export interface KeyFile {
  name: string;
  path: string;
}

/**
 * The key files the setting names. A relative path is of the first workspace folder; `~/` is the home folder.
 * In an untrusted workspace (Restricted Mode) only the user's own setting counts (package.json lists the setting in
 * `restrictedConfigurations`, so VS Code ignores the workspace's, and so does this), and none of its paths relative
 * to the workspace: a key the workspace itself supplies would make whatever it signed "verified".
 */
export function configuredKeyFiles(): KeyFile[] {
  const trusted = vscode.workspace.isTrusted;
  const inspected = vscode.workspace.getConfiguration().inspect<unknown>(SIGNATURE_KEYS_SETTING);
  const value = trusted ? vscode.workspace.getConfiguration().get<unknown>(SIGNATURE_KEYS_SETTING) : inspected?.globalValue;
  const entries = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const files: KeyFile[] = [];
  for (const name of entries) {
    const path = resolveKeyPath(name.trim(), trusted && folder?.scheme === 'file' ? folder.fsPath : undefined);
    if (path) files.push({ name, path });
  }
  return files;
}

/** `~/x` in the home folder, an absolute path as is, a relative one in `base` (none without it: not used). */
export function resolveKeyPath(entry: string, base: string | undefined): string | undefined {
  if (entry === '~' || entry.startsWith('~/')) return join(homedir(), entry.slice(1));
  if (isAbsolute(entry)) return entry;
  return base ? join(base, entry) : undefined;
}

/** How a chosen file is written into the workspace's setting: relative to the folder when inside it, else absolute. */
export function settingEntry(path: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (folder?.scheme !== 'file') return path;
  const rel = relative(folder.fsPath, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : path;
}
