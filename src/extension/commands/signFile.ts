import { promises as fsp } from 'node:fs';
import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { blobDigest, makeMessageBundle, writeNewFile } from '../../oci/signatures';
import type { Services } from '../services';
import { plainArgs } from './args';
import { chosenFile } from './chosenFile';
import { askToReplace } from './generateKeyPair';
import { readSigningKey } from './signingKey';

/** What Sign File returns to `executeCommand` callers (the tests). */
export interface SignFileOutcome {
  file: string;
  bundle: string;
  digest: string;
  message: string;
}

/**
 * `manifold.signFile`: signs a file as `manifold sign-blob --bundle` does (a Sigstore bundle v0.3, a message signature
 * over its bytes, nothing uploaded), written beside it as `<file>.sigstore.json` (asked before replacing one), where
 * Verify File Signature finds it. Asks the key (cosign.key) and its passphrase. Writes: trusted workspaces only.
 * Arguments: the Explorer's URI, or `{ file, key, passphrase, replace }`.
 */
export async function signFile(services: Services, arg?: unknown, answers?: unknown): Promise<SignFileOutcome> {
  const title = l10n.t('Sign File');
  const given = plainArgs(arg, answers);
  const file = await chosenFile(services, arg, given, title, l10n.t('Sign This File'));
  const bundle = `${file}.sigstore.json`;
  await askToReplace(bundle, file, given.replace);
  const key = await readSigningKey(services, title, given.key, given.passphrase);
  let blob: Buffer;
  try {
    blob = await fsp.readFile(file);
  } catch (err) {
    throw new Error(l10n.t('{0}: {1}', file, (err as Error).message));
  }
  // replace: asked above, as cosign writes its bundle whole.
  await writeNewFile(bundle, makeMessageBundle(blob, key).toString('utf8'), 0o644, true);
  const digest = blobDigest(blob);
  const message = l10n.t('Signed {0} with {1} ({2}): {3}', basename(file), key.name, key.type, basename(bundle));
  services.log.info(`${message} (${file} ${digest})`);
  const verify = l10n.t('Verify');
  void vscode.window.showInformationMessage(message, verify).then((action) => {
    if (action === verify) void vscode.commands.executeCommand('manifold.verifyFileSignature', { file, signature: bundle });
  });
  return { file, bundle, digest, message };
}
