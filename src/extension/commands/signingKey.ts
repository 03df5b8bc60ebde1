import { promises as fsp } from 'node:fs';
import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import { CANNOT_DECRYPT, decryptCosignKey, type SignKey } from '../../oci/signatures';
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
