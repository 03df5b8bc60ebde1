import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { generateCosignKeyPair, KEY_PAIR_TYPES, type KeyPairType, writeKeyPairFiles } from '../../oci/signatures';
import type { Services } from '../services';
import { SIGNATURE_KEYS_SETTING, settingEntry } from '../settings/signatureKeys';
import { input, need, pickOne } from '../ui/prompts';
import { plainArgs } from './args';

/** What Generate Signing Key Pair returns to `executeCommand` callers (the tests). */
export interface KeyPairOutcome {
  key: string;
  pub: string;
  type: KeyPairType;
  message: string;
}

/**
 * `manifold.generateKeyPair`: makes a key pair to sign with, as `manifold generate-key-pair` does (cosign's files:
 * the private key sealed under a passphrase, and the public key beside it, `.pub` for `.key`), so that an editor with
 * no cosign at hand can sign. Asks the kind of key (cosign's ECDSA P-256 first), where to save the private key (the
 * save dialog asks before replacing it; the `.pub` beside it is asked about here), the passphrase twice. Then offers
 * to verify with the public key in this workspace (`manifold.signatureKeys`). Arguments: `{ type, key, passphrase,
 * replace }` answer what it would ask.
 */
export async function generateKeyPair(services: Services, arg?: unknown, answers?: unknown): Promise<KeyPairOutcome> {
  const title = l10n.t('Generate Signing Key Pair');
  const given = plainArgs(arg, answers);
  const type = (KEY_PAIR_TYPES as readonly unknown[]).includes(given.type) ? (given.type as KeyPairType) : await pickType(title);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const key =
    typeof given.key === 'string'
      ? given.key
      : need(
          await vscode.window.showSaveDialog({
            title,
            ...(folder?.scheme === 'file' ? { defaultUri: vscode.Uri.joinPath(folder, 'cosign.key') } : {}),
            filters: { [l10n.t('cosign private keys')]: ['key'] },
            saveLabel: l10n.t('Save Private Key'),
          }),
        ).fsPath;
  const pub = join(dirname(key), `${basename(key).replace(/\.key$/, '')}.pub`);
  if (given.replace !== true && (await fsp.lstat(pub).then(() => true, () => false))) {
    const replace = l10n.t('Replace');
    const choice = await vscode.window.showWarningMessage(l10n.t('{0} exists beside {1}. Replace it with the new public key?', basename(pub), basename(key)), { modal: true }, replace);
    need(choice === replace ? choice : undefined);
  }
  const passphrase = typeof given.passphrase === 'string' ? given.passphrase : await askPassphrase(title, basename(key));
  const made = generateCosignKeyPair(type, passphrase);
  // replace: the save dialog asked about the private key, and the question above about the public one.
  await writeKeyPairFiles({ key, pub }, made, true);
  const message = l10n.t('Made {0} ({1}) and {2}: Sign Image… signs with the private key, Verify Signatures… checks with the public one.', basename(key), type, basename(pub));
  services.log.info(`${message} ${key}`);
  void offerToVerifyWith(pub, message);
  return { key, pub, type, message };
}

async function pickType(title: string): Promise<KeyPairType> {
  const items = KEY_PAIR_TYPES.map((type) => ({ label: type, type, ...(type === 'ecdsa-p256' ? { description: l10n.t('what cosign generate-key-pair makes') } : {}) }));
  return (await pickOne(items, { title, placeHolder: l10n.t('The kind of key') })).type;
}

/** Asked twice, in password boxes (never recorded); two that differ are asked again. */
async function askPassphrase(title: string, name: string): Promise<string> {
  let prompt = l10n.t('A passphrase to seal {0} under', name);
  for (;;) {
    const first = await input({ title, prompt, password: true });
    const again = await input({ title, prompt: l10n.t('The passphrase again'), password: true });
    if (first === again) return first;
    prompt = l10n.t('The two passphrases differ; a passphrase to seal {0} under', name);
  }
}

/** Not awaited: the files are written; the offer only adds the public key to the workspace's keys. */
async function offerToVerifyWith(pub: string, message: string): Promise<void> {
  if (!vscode.workspace.workspaceFolders?.length) return void vscode.window.showInformationMessage(message);
  const use = l10n.t('Verify With {0} in This Workspace', basename(pub));
  if ((await vscode.window.showInformationMessage(message, use)) !== use) return;
  const config = vscode.workspace.getConfiguration();
  const kept = config.inspect<unknown>(SIGNATURE_KEYS_SETTING)?.workspaceValue;
  const entries = [...(Array.isArray(kept) ? kept.filter((e): e is string => typeof e === 'string') : []), settingEntry(pub)];
  await config.update(SIGNATURE_KEYS_SETTING, [...new Set(entries)], vscode.ConfigurationTarget.Workspace);
}
