import { basename, dirname, join } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { blobDigest, makeMessageBundle, notaryBlobSignatureName, signNotaryBlob, writeNewFile } from '../../oci/signatures';
import type { Services } from '../services';
import { notaryEnvelope, signingAnnotations, signingFormat } from '../settings/signingFormat';
import { plainArgs } from './args';
import { askToReplaceAll, chosenFile, explorerSelection, offerVerify, readInput, signedFiles } from './chosenFile';
import { askToReplace } from './generateKeyPair';
import { readNotarySigner, readSigningKey } from './signingKey';

/** What Sign File returns to `executeCommand` callers (the tests). */
export interface SignFileOutcome {
  file: string;
  /** The signature written beside the file: its Sigstore bundle, or its Notary signature (`.jws.sig`, `.cose.sig`). */
  bundle: string;
  digest: string;
  message: string;
}

/** How the files are signed: the signature's path beside a file, and the key that signs (read once asked to replace). */
interface FileSigning {
  out(file: string): string;
  signer(): Promise<{ name: string; type: string; sign(blob: Buffer): Buffer }>;
}

/**
 * `manifold.signFile`: signs a file as `manifold sign-blob --bundle` does (a Sigstore bundle v0.3, a message signature
 * over its bytes, nothing uploaded), written beside it as `<file>.sigstore.json` (asked before replacing one), where
 * Verify File Signature finds it. Asks the key (cosign.key) and its passphrase. With `manifold.signingFormat`
 * `notary` (or the argument `format`), as `sign-blob --notary-key --notary-certificate` does: notation's envelope
 * (`manifold.notarySignatureFormat`, or `signatureFormat`: JWS or COSE) written as `<file>.jws.sig` (`.cose.sig`),
 * the Notary key and its certificate chain asked as Sign Image asks them. Writes: trusted workspaces only.
 * Arguments: the Explorer's URI (and its selection: several files each signed with the key asked once, replacing
 * asked once for all), or `{ file, key, passphrase, notaryKey, notaryCertificate, format, signatureFormat, replace }`.
 */
export async function signFile(services: Services, arg?: unknown, answers?: unknown): Promise<SignFileOutcome | SignFileOutcome[]> {
  const title = l10n.t('Sign File');
  const given = plainArgs(arg, answers);
  const signing = fileSigning(services, title, given);
  const selected = signedFiles(explorerSelection(arg, answers));
  if (selected.length > 1) return signSelection(services, selected, signing);
  const file = selected[0] ?? (await chosenFile(services, arg, given, title, l10n.t('Sign This File')));
  await askToReplace(signing.out(file), file, given.replace);
  const key = await signing.signer();
  const outcome = await signOne(services, file, signing.out(file), key);
  offerVerify(outcome.message, { file, signature: outcome.bundle });
  return outcome;
}

/** cosign's key and a bundle (sign-blob --bundle), or with the Notary format, notation's key, chain and envelope (sign-blob --notary-key). */
function fileSigning(services: Services, title: string, given: Record<string, unknown>): FileSigning {
  if (signingFormat(given.format) !== 'notary') {
    return {
      out: (file) => `${file}.sigstore.json`,
      signer: async () => {
        const key = await readSigningKey(services, title, given.key, given.passphrase);
        return { name: key.name, type: key.type, sign: (blob) => makeMessageBundle(blob, key) };
      },
    };
  }
  const format = notaryEnvelope(given.signatureFormat);
  return {
    out: (file) => join(dirname(file), notaryBlobSignatureName(file, format)),
    signer: async () => {
      const signer = await readNotarySigner(services, title, given.notaryKey, given.notaryCertificate);
      // manifold.signingAnnotations as notation blob sign's user metadata, as Sign Image signs them with an image.
      const annotations = signingAnnotations(given.annotations);
      return { name: signer.name, type: signer.alg, sign: (blob) => signNotaryBlob(blob, signer, { format, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) }).envelope };
    },
  };
}

/** Several files from the Explorer: one question about the signatures already there, one key, one notification. */
async function signSelection(services: Services, files: readonly string[], signing: FileSigning): Promise<SignFileOutcome[]> {
  await askToReplaceAll(files.map((f) => signing.out(f)));
  const key = await signing.signer();
  const outcomes: SignFileOutcome[] = [];
  for (const file of files) outcomes.push(await signOne(services, file, signing.out(file), key));
  const message = l10n.t('Signed {0} files with {1} ({2}): {3}', outcomes.length, key.name, key.type, outcomes.map((o) => basename(o.bundle)).join(', '));
  offerVerify(message, vscode.Uri.file(files[0]!), files.map((f) => vscode.Uri.file(f)));
  return outcomes;
}

/** The signature written beside the file (replacing one: asked before, as cosign writes its bundle whole), logged. */
async function signOne(services: Services, file: string, out: string, key: { name: string; type: string; sign(blob: Buffer): Buffer }): Promise<SignFileOutcome> {
  const blob = await readInput(file);
  await writeNewFile(out, key.sign(blob), 0o644, true);
  const digest = blobDigest(blob);
  const message = l10n.t('Signed {0} with {1} ({2}): {3}', basename(file), key.name, key.type, basename(out));
  services.log.info(`${message} (${file} ${digest})`);
  return { file, bundle: out, digest, message };
}
