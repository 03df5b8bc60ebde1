import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { attestBlob, blobDigest, type SignKey, writeNewFile } from '../../oci/signatures';
import type { Services } from '../services';
import { plainArgs } from './args';
import { askToReplaceAll, chosenFile, explorerSelection, offerVerify, readInput, signedFiles } from './chosenFile';
import { askToReplace } from './generateKeyPair';
import { choosePredicate, readPredicate } from './predicateFile';
import { askPredicateTypeName } from './predicateTypes';
import { readSigningKey } from './signingKey';

/** What Attest File returns to `executeCommand` callers (the tests). */
export interface AttestFileOutcome {
  file: string;
  /** The DSSE envelope written beside the file: `<file>.intoto.jsonl`. */
  envelope: string;
  digest: string;
  predicateType: string;
  message: string;
}

/** What every file is attested with: asked once. */
interface Claim {
  predicateFile: string;
  predicate: Buffer;
  /** As `--type` names it: a short name of cosign's or a URI. */
  type: string;
  key: SignKey;
}

/** Where the envelope goes: the name Verify File Signature looks for beside the file (chosenFile.ts's BESIDE). */
const envelopeOf = (file: string) => `${file}.intoto.jsonl`;

/**
 * `manifold.attestFile`: attests a file as `manifold attest-blob --output-signature` does (cosign's in-toto statement
 * naming the file's base name and SHA-256, the predicate given, signed in a DSSE envelope, nothing uploaded), the
 * envelope written beside it as `<file>.intoto.jsonl` (asked before replacing one), where Verify File Signature finds
 * it. Asks the predicate file (a dialog), its type (as Attest… asks it), the key (cosign.key) and its passphrase.
 * Writes: trusted workspaces only. Arguments: the Explorer's URI (and its selection: several files each attested with
 * the predicate, type and key asked once, replacing asked once for all), or `{ file, predicate, type, key,
 * passphrase, replace }`.
 */
export async function attestFile(services: Services, arg?: unknown, answers?: unknown): Promise<AttestFileOutcome | AttestFileOutcome[]> {
  const title = l10n.t('Attest File');
  const given = plainArgs(arg, answers);
  const selected = signedFiles(explorerSelection(arg, answers));
  if (selected.length > 1) return attestSelection(services, title, selected, given);
  const file = selected[0] ?? (await chosenFile(services, arg, given, title, l10n.t('Attest This File')));
  await askToReplace(envelopeOf(file), file, given.replace);
  const claim = await askClaim(services, title, given);
  const outcome = await attestOne(services, file, claim);
  offerVerify(outcome.message, { file, signature: outcome.envelope });
  return outcome;
}

/** The predicate file, its type and the key, in that order (as Attest… asks them). */
async function askClaim(services: Services, title: string, given: Record<string, unknown>): Promise<Claim> {
  const predicateFile = await choosePredicate(services, title, given.predicate);
  const predicate = await readPredicate(predicateFile);
  // The name as attest-blob's --type takes it: `custom` and `spdx` make their predicate as cosign does.
  const type = (await askPredicateTypeName(title, given.type))!;
  const key = await readSigningKey(services, title, given.key, given.passphrase);
  return { predicateFile, predicate, type, key };
}

/** Several files from the Explorer: one question about the envelopes already there, one claim, one notification. */
async function attestSelection(services: Services, title: string, files: readonly string[], given: Record<string, unknown>): Promise<AttestFileOutcome[]> {
  if (given.replace !== true) await askToReplaceAll(files.map(envelopeOf));
  const claim = await askClaim(services, title, given);
  const outcomes: AttestFileOutcome[] = [];
  for (const file of files) outcomes.push(await attestOne(services, file, claim));
  const message = l10n.t('Attested {0} files ({1}: {2}) with {3} ({4}): {5}', outcomes.length, outcomes[0]!.predicateType, basename(claim.predicateFile), claim.key.name, claim.key.type, outcomes.map((o) => basename(o.envelope)).join(', '));
  // Each with the envelope just written (beside it, a bundle would be found first).
  offerVerify(message, { files: outcomes.map((o) => ({ file: o.file, signature: o.envelope })) });
  return outcomes;
}

/** The envelope written beside the file (replacing one: asked before, as cosign writes it whole), logged. */
async function attestOne(services: Services, file: string, claim: Claim): Promise<AttestFileOutcome> {
  const blob = await readInput(file);
  const digest = blobDigest(blob);
  const made = attestBlob(basename(file), digest, claim.key, { type: claim.type, predicate: claim.predicate });
  const envelope = envelopeOf(file);
  await writeNewFile(envelope, made.envelope, 0o644, true);
  const message = l10n.t('Attested {0} ({1}: {2}) with {3} ({4}): {5}', basename(file), made.predicateType, basename(claim.predicateFile), claim.key.name, claim.key.type, basename(envelope));
  services.log.info(`${message} (${file} ${digest})`);
  return { file, envelope, digest, predicateType: made.predicateType, message };
}
