// Settings that say what to trust (keys, roots, identities): restricted configurations, read so that a workspace
// cannot make its own signatures "verified".
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import vscode = require('vscode');
import type { Certificate } from '../../oci/signatures';

/** A file to read: `name` as the user wrote it (what results say verified), `path` where it is. */
export interface KeyFile {
  name: string;
  path: string;
}

/**
 * The setting's value: in a trusted workspace the effective one; in an untrusted one (Restricted Mode) only the
 * user's own (package.json lists the setting in `restrictedConfigurations`, so VS Code ignores the workspace's, and
 * so does this).
 */
export function restrictedValue(setting: string): unknown {
  const config = vscode.workspace.getConfiguration();
  return vscode.workspace.isTrusted ? config.get<unknown>(setting) : config.inspect<unknown>(setting)?.globalValue;
}

/**
 * The files a restricted setting names (an array of paths, or one path). A relative path is of the first workspace
 * folder, `~/` the home folder; untrusted, no path relative to the workspace counts: a file the workspace itself
 * supplies would make whatever it signed "verified".
 */
export function configuredFiles(setting: string): KeyFile[] {
  const value = restrictedValue(setting);
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  const entries = list.filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const base = vscode.workspace.isTrusted && folder?.scheme === 'file' ? folder.fsPath : undefined;
  const files: KeyFile[] = [];
  for (const name of entries) {
    const path = resolveKeyPath(name.trim(), base);
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

/** Certificates loaded under the file's path (for errors), named as the setting wrote it (for results). */
export function named(certs: Certificate[], path: string, name: string): Certificate[] {
  return certs.map((c) => ({ ...c, name: name + c.name.slice(path.length) }));
}
