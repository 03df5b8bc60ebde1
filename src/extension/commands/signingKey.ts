import { promises as fsp } from 'node:fs';
import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import { CANNOT_DECRYPT, decryptCosignKey, loadNotarySigner, type NotarySigner, type SignKey } from '../../oci/signatures';
import type { Services } from '../services';
import { chooseFiles } from '../ui/fileChooser';
import { input } from '../ui/prompts';

/** A wrong passphrase is asked for again this many times in all, then the command stops with the key's error. */
const PASSPHRASE_TRIES = 3;

/**
 * cosign's encrypted key, as Sign Image and Attest read it: the file given or chosen (a file dialog), opened with the
 * passphrase given or asked for (again when wrong).
 */
export async function readSigningKey(services: Services, title: string, path: unknown, passphrase: unknown): Promise<SignKey> {
  const file =
    typeof path === 'string'
      ? path
      : (
          await chooseFiles(services.context.workspaceState, {
            title: l10n.t('{0}: Choose the Private Key', title),
            openLabel: l10n.t('Sign With This Key'),
            canSelectFiles: true,
            canSelectFolders: false,
            canSelectMany: false,
            filters: { [l10n.t('cosign private keys')]: ['key'], [l10n.t('All files')]: ['*'] },
          })
        )[0]!.fsPath;
  const name = basename(file);
  let pem: string;
  try {
    pem = await fsp.readFile(file, 'utf8');
  } catch (err) {
    throw new Error(l10n.t('{0}: {1}', file, (err as Error).message));
  }
  // Errors name the key's full path; the notification its file name.
  if (typeof passphrase === 'string') return { ...decryptCosignKey(file, pem, passphrase), name };
  let prompt = l10n.t('The passphrase of {0}', name);
  for (let tries = 1; ; tries++) {
    const typed = await input({ title, prompt, password: true });
    try {
      return { ...decryptCosignKey(file, pem, typed), name };
    } catch (err) {
      if (!(err instanceof Error) || !err.message.endsWith(CANNOT_DECRYPT) || tries === PASSPHRASE_TRIES) throw err;
      prompt = l10n.t('Wrong passphrase for {0} (or the key is damaged); try again', name);
    }
  }
}

/**
 * A Notary signer, as Sign Image reads one for `manifold.signingFormat` `notary`: the private key (PEM, unencrypted,
 * as notation keeps its local keys) and its certificate chain (leaf first), each given or chosen in a file dialog.
 */
export async function readNotarySigner(services: Services, title: string, keyPath: unknown, chainPath: unknown): Promise<NotarySigner> {
  const choose = async (given: unknown, what: string, openLabel: string, filters: Record<string, string[]>) =>
    typeof given === 'string'
      ? given
      : (await chooseFiles(services.context.workspaceState, { title: l10n.t('{0}: {1}', title, what), openLabel, canSelectFiles: true, canSelectFolders: false, canSelectMany: false, filters }))[0]!.fsPath;
  const keyFile = await choose(keyPath, l10n.t('Choose the Notary Signing Key'), l10n.t('Sign With This Key'), { [l10n.t('PEM private keys')]: ['key', 'pem'], [l10n.t('All files')]: ['*'] });
  const chainFile = await choose(chainPath, l10n.t('Choose Its Certificate Chain'), l10n.t('Use This Chain'), { [l10n.t('PEM certificates')]: ['crt', 'pem', 'cer'], [l10n.t('All files')]: ['*'] });
  const read = async (file: string) => {
    try {
      return await fsp.readFile(file);
    } catch (err) {
      throw new Error(l10n.t('{0}: {1}', file, (err as Error).message));
    }
  };
  const signer = loadNotarySigner(keyFile, await read(keyFile), chainFile, await read(chainFile));
  // Errors name the files' full paths; the notification the key's file name.
  return { ...signer, name: basename(keyFile) };
}
