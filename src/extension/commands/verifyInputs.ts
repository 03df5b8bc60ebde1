import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { readPublicKeyFile, type VerifyKey } from '../../oci/signatures';
import { storedIndexOf } from '../documents/storedIndexOf';
import type { Services } from '../services';
import { configuredKeyFiles, type KeyFile, SIGNATURE_KEYS_SETTING, settingEntry } from '../settings/signatureKeys';
import { chooseFiles } from '../ui/fileChooser';
import { type SourceManifest, sourceManifestFrom } from './args';

/** What Verify Signatures and Verify Attestations read: as Check Image's arguments, or an index editor's URI. */
export async function verifiedManifest(services: Services, arg: unknown, title: string): Promise<SourceManifest> {
  if (arg instanceof vscode.Uri) {
    const stored = await storedIndexOf(services, arg);
    arg = { layout: (stored.ref as { path: string }).path, reference: stored.reference };
  }
  return sourceManifestFrom(services, arg, title);
}

/** The keys of `manifold.signatureKeys`; none set, the files chosen (and offered to be remembered). */
export async function verifyKeys(services: Services, title: string): Promise<VerifyKey[]> {
  const configured = configuredKeyFiles();
  return readKeys(configured.length > 0 ? configured : await chooseKeyFiles(services, title), configured.length > 0);
}

/** No key set: the files chosen (and, in a trusted workspace, an offer to remember them). */
export async function chooseKeyFiles(services: Services, title: string): Promise<KeyFile[]> {
  const chosen = await chooseFiles(services.context.workspaceState, {
    title: l10n.t('{0}: Choose Public Keys', title),
    openLabel: l10n.t('Verify With These Keys'),
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: true,
    filters: { [l10n.t('Public keys')]: ['pub', 'pem'], [l10n.t('All files')]: ['*'] },
  });
  const files = chosen.map((u) => ({ name: basename(u.fsPath), path: u.fsPath }));
  if (vscode.workspace.isTrusted && vscode.workspace.workspaceFolders?.length) void offerToRemember(files);
  return files;
}

/** Not awaited: the verification goes on while the offer shows. */
async function offerToRemember(files: KeyFile[]): Promise<void> {
  const remember = l10n.t('Remember in Workspace Settings');
  const names = files.map((f) => f.name).join(', ');
  const choice = await vscode.window.showInformationMessage(l10n.t('Verify signatures and attestations with {0} in this workspace from now on? ({1})', names, SIGNATURE_KEYS_SETTING), remember);
  if (choice !== remember) return;
  const entries = files.map((f) => settingEntry(f.path));
  await vscode.workspace.getConfiguration().update(SIGNATURE_KEYS_SETTING, entries, vscode.ConfigurationTarget.Workspace);
  void vscode.window.showInformationMessage(l10n.t("{0} in this workspace's settings now lists {1}", SIGNATURE_KEYS_SETTING, entries.join(', ')));
}

/**
 * Each file read as a key, named as the setting or the dialog gave it; one that cannot be read or is no key fails the
 * command, its error naming the file's full path and why (and the setting, when it came from there).
 */
export async function readKeys(files: readonly KeyFile[], fromSetting: boolean): Promise<VerifyKey[]> {
  return Promise.all(
    files.map(async (f) => {
      try {
        return { ...(await readPublicKeyFile(f.path)), name: f.name };
      } catch (err) {
        // The core's error (its code kept), led by where the file was named.
        if (fromSetting && err instanceof Error) err.message = `${SIGNATURE_KEYS_SETTING}: ${err.message}`;
        throw err;
      }
    }),
  );
}
