import { promises as fsp } from 'node:fs';
import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { blobDigest, makeMessageBundle, type SignKey, writeNewFile } from '../../oci/signatures';
import type { Services } from '../services';
import { need } from '../ui/prompts';
import { plainArgs } from './args';
import { chosenFile, explorerSelection, signedFiles } from './chosenFile';
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
 * Arguments: the Explorer's URI (and its selection: several files each signed with the key asked once, replacing
 * asked once for all), or `{ file, key, passphrase, replace }`.
 */
export async function signFile(services: Services, arg?: unknown, answers?: unknown): Promise<SignFileOutcome | SignFileOutcome[]> {
  const title = l10n.t('Sign File');
  const given = plainArgs(arg, answers);
  const selected = signedFiles(explorerSelection(arg, answers));
  if (selected.length > 1) return signSelection(services, selected, title);
  const file = selected[0] ?? (await chosenFile(services, arg, given, title, l10n.t('Sign This File')));
  await askToReplace(`${file}.sigstore.json`, file, given.replace);
  const key = await readSigningKey(services, title, given.key, given.passphrase);
  const outcome = await signOne(services, file, key);
  const verify = l10n.t('Verify');
  void vscode.window.showInformationMessage(outcome.message, verify).then((action) => {
    if (action === verify) void vscode.commands.executeCommand('manifold.verifyFileSignature', { file, signature: outcome.bundle });
  });
  return outcome;
}

/** Several files from the Explorer: one question about the bundles already there, one key, one notification. */
async function signSelection(services: Services, files: readonly string[], title: string): Promise<SignFileOutcome[]> {
  const there = (await Promise.all(files.map(async (f) => ((await fsp.lstat(`${f}.sigstore.json`).then(() => true, () => false)) ? basename(`${f}.sigstore.json`) : undefined)))).filter((f): f is string => f !== undefined);
  if (there.length > 0) {
    const replace = l10n.t('Replace');
    const choice = await vscode.window.showWarningMessage(l10n.t('{0} exist already. Replace them?', there.join(', ')), { modal: true }, replace);
    need(choice === replace ? choice : undefined);
  }
  const key = await readSigningKey(services, title, undefined, undefined);
  const outcomes: SignFileOutcome[] = [];
  for (const file of files) outcomes.push(await signOne(services, file, key));
  const verify = l10n.t('Verify');
  const message = l10n.t('Signed {0} files with {1} ({2}): {3}', outcomes.length, key.name, key.type, outcomes.map((o) => basename(o.bundle)).join(', '));
  void vscode.window.showInformationMessage(message, verify).then((action) => {
    if (action === verify) void vscode.commands.executeCommand('manifold.verifyFileSignature', vscode.Uri.file(files[0]!), files.map((f) => vscode.Uri.file(f)));
  });
  return outcomes;
}

/** The bundle written beside the file (replacing one: asked before, as cosign writes its bundle whole), logged. */
async function signOne(services: Services, file: string, key: SignKey): Promise<SignFileOutcome> {
  let blob: Buffer;
  try {
    blob = await fsp.readFile(file);
  } catch (err) {
    throw new Error(l10n.t('{0}: {1}', file, (err as Error).message));
  }
  const bundle = `${file}.sigstore.json`;
  await writeNewFile(bundle, makeMessageBundle(blob, key).toString('utf8'), 0o644, true);
  const digest = blobDigest(blob);
  const message = l10n.t('Signed {0} with {1} ({2}): {3}', basename(file), key.name, key.type, basename(bundle));
  services.log.info(`${message} (${file} ${digest})`);
  return { file, bundle, digest, message };
}
