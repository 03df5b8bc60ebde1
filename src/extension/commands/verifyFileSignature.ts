import { promises as fsp } from 'node:fs';
import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { blobDigest, type BundleCheck, type SignatureResult, signerText, type VerifyKey, verifyBlobBundle, verifyBlobSignature } from '../../oci/signatures';
import { shownName } from '../../oci/shownName';
import type { Services } from '../services';
import { configuredNotaryTrust, type NotaryTrustSettings } from '../settings/notaryTrust';
import { configuredKeyFiles } from '../settings/signatureKeys';
import { configuredTrust, type SignatureTrust } from '../settings/signatureTrust';
import { chooseFiles } from '../ui/fileChooser';
import { pickOne } from '../ui/prompts';
import { plainArgs } from './args';
import { BESIDE, chosenFile, explorerSelection, readInput, signedFiles } from './chosenFile';
import { envelopeFileCheck, type FileCheck, isEnvelope, notaryFileCheck, notaryFormatOf } from './fileSignatureKinds';
import { chooseKeyFiles, readKeys } from './verifyInputs';

/** What Verify File Signature returns to `executeCommand` callers (the tests). */
export interface FileVerifyOutcome {
  file: string;
  /** The bundle or classic signature read. */
  signature: string;
  digest: string;
  valid: boolean;
  /** The notification's text. */
  message: string;
  problem?: string;
  reason?: string;
}


/**
 * `manifold.verifyFileSignature`: a file's signature checked as `manifold verify-blob` checks it (a Sigstore bundle,
 * keyed or keyless; cosign's classic base64 signature or attest-blob's DSSE envelope, with a key; notation's
 * `.jws.sig`/`.cose.sig`), under what Verify Signatures trusts: the keys of `manifold.signatureKeys`, the identities
 * and roots of settings/signatureTrust.ts, the Notary settings of settings/notaryTrust.ts (its trust policy a blob
 * one, trustpolicy.blob.json) (restricted settings: untrusted, the user's own only); no key set, the keys are chosen
 * (and may be remembered). The signature is the one found beside the file (BESIDE), else picked or chosen. Only
 * reads: allowed in Restricted Mode. Arguments: the Explorer's URI (and its selection: several files are each
 * verified, one notification for all), `{ file, signature }`, or `{ files: [{ file, signature }] }` (several, each
 * with the signature named: Attest File's Verify on what it wrote).
 */
export async function verifyFileSignature(services: Services, arg?: unknown, answers?: unknown): Promise<FileVerifyOutcome | FileVerifyOutcome[]> {
  const title = l10n.t('Verify File Signature');
  const trusting = new FileTrust(services, title);
  const given = plainArgs(arg, answers);
  const pairs = givenPairs(given.files);
  if (pairs) return verifySelection(services, pairs, trusting);
  const selected = explorerSelection(arg, answers);
  if (selected.length > 1) return verifySelection(services, await Promise.all(signedFiles(selected).map(async (file) => ({ file, signature: (await besideFile(file))[0] }))), trusting);
  const chosen = await chosenFile(services, arg, given, title, l10n.t('Verify This File'));
  // A signature itself chosen (release.tar.gz.sigstore.json) beside the file it signs: that file, with it.
  const signed = typeof given.signature === 'string' ? undefined : await signedBeside(chosen);
  const file = signed ?? chosen;
  const signature = typeof given.signature === 'string' ? given.signature : signed ? chosen : await signatureOf(services, file, title);
  const outcome = await verifyOne(services, file, signature, trusting);
  notify(outcome);
  return outcome;
}

/** One file's outcome said: information when verified, else a warning. */
function notify(outcome: FileVerifyOutcome): void {
  void (outcome.valid ? vscode.window.showInformationMessage(outcome.message) : vscode.window.showWarningMessage(outcome.message));
}

/** `{ files: [{ file, signature }] }`: the pairs, when every one names both. */
function givenPairs(files: unknown): Array<{ file: string; signature: string }> | undefined {
  if (!Array.isArray(files) || files.length === 0) return undefined;
  const pairs = files.filter((p): p is { file: string; signature: string } => typeof p?.file === 'string' && typeof p?.signature === 'string');
  return pairs.length === files.length ? pairs : undefined;
}

/**
 * Several files: from the Explorer each with the signature beside it (the first of BESIDE's order when several; none,
 * not verified, nothing asked per file; a selected signature of another selected file is not itself verified), or
 * each with the one named; the keys asked once. One notification: all verified, or which were not and why.
 */
async function verifySelection(services: Services, pairs: ReadonlyArray<{ file: string; signature?: string | undefined }>, trusting: FileTrust): Promise<FileVerifyOutcome[]> {
  const outcomes: FileVerifyOutcome[] = [];
  for (const { file, signature } of pairs) {
    if (signature) outcomes.push(await verifyOne(services, file, signature, trusting));
    else outcomes.push(noSignature(services, file));
  }
  const failed = outcomes.filter((o) => !o.valid);
  if (outcomes.length === 1) notify(outcomes[0]!);
  else if (failed.length === 0) void vscode.window.showInformationMessage(l10n.t('{0} files verified: {1}', outcomes.length, outcomes.map((o) => basename(o.file)).join(', ')));
  else void vscode.window.showWarningMessage(l10n.t('{0} of {1} files verified. {2}', outcomes.length - failed.length, outcomes.length, failed.map((o) => o.message).join('; ')));
  return outcomes;
}

/** The file's signature checked (and logged); the caller tells the user. Its kind: a Notary one by its name, else by its bytes. */
async function verifyOne(services: Services, file: string, signature: string, trusting: FileTrust): Promise<FileVerifyOutcome> {
  const [blob, signed] = await Promise.all([readInput(file), readInput(signature)]);
  const check = await checkOne(blob, signature, signed, trusting);
  const name = basename(file);
  const { digest } = check;
  const outcome: FileVerifyOutcome = check.ok
    ? { file, signature, digest, valid: true, message: l10n.t('{0}: verified by {1}', name, check.signer) }
    : { file, signature, digest, valid: false, message: l10n.t('{0}: not verified: {1}', name, `${check.problem}: ${shownName(check.reason)}`), problem: check.problem, reason: check.reason };
  services.log.info(`${outcome.message} (${file} ${digest}, ${signature})`);
  for (const line of check.ok ? (check.logged ?? []) : []) services.log.info(`  ${line}`);
  return outcome;
}

async function checkOne(blob: Buffer, signature: string, signed: Buffer, trusting: FileTrust): Promise<FileCheck> {
  const notary = notaryFormatOf(signature);
  if (notary) return notaryFileCheck(signed, notary, blob, await trusting.notary());
  // A bundle or an envelope is JSON; the classic form is base64, which never starts with a brace.
  const json = signed.toString('utf8').trimStart().startsWith('{');
  if (json && isEnvelope(signed)) return envelopeFileCheck(signed, blob, await trusting.keys(false));
  const keys = await trusting.keys(json);
  const check = json ? await bundleTrusted(signed, blob, keys, await trusting.trust()) : verifyBlobSignature(signed, blob, keys);
  const digest = blobDigest(blob);
  return check.ok ? { digest, ok: true, signer: signerText({ valid: true, ...check.fields } as SignatureResult) } : { digest, ok: false, problem: check.problem, reason: check.reason };
}

function noSignature(services: Services, file: string): FileVerifyOutcome {
  const reason = l10n.t('no signature beside it ({0})', BESIDE.join(', '));
  const message = l10n.t('{0}: not verified: {1}', basename(file), reason);
  services.log.info(`${message} (${file})`);
  return { file, signature: '', digest: '', valid: false, message, problem: 'no-signature', reason };
}

/**
 * What the files are verified under, read once per command: the trust settings for bundles, the keys (set, or asked
 * once). A bundle needs no key when identities are set; the classic form only verifies with keys.
 */
class FileTrust {
  private settings?: Promise<SignatureTrust>;
  private read?: Promise<VerifyKey[]>;
  private notaryRead?: Promise<NotaryTrustSettings>;

  constructor(
    private readonly services: Services,
    private readonly title: string,
  ) {}

  trust(): Promise<SignatureTrust> {
    return (this.settings ??= configuredTrust());
  }

  /**
   * The Notary settings, a blob trust policy as verify-blob reads it, with the user metadata a signature must carry
   * (`manifold.signatureAnnotations`, as `notation blob verify --user-metadata`; cosign's file signatures have none).
   */
  notary(): Promise<NotaryTrustSettings> {
    return (this.notaryRead ??= Promise.all([configuredNotaryTrust('blob'), this.trust()]).then(([settings, { annotations }]) =>
      settings.notary && annotations ? { ...settings, notary: { ...settings.notary, annotations } } : settings,
    ));
  }

  async keys(bundle: boolean): Promise<VerifyKey[]> {
    const configured = configuredKeyFiles();
    if (configured.length > 0) return (this.read ??= readKeys(configured, true));
    if (bundle && (await this.trust()).policies.length > 0) return [];
    return (this.read ??= chooseKeyFiles(this.services, this.title).then((files) => readKeys(files, false)));
  }
}

/** The file a signature named as BESIDE names them signs, when it is there (`x.jws.sig` signs `x`, not `x.jws`, when `x` is there). */
async function signedBeside(file: string): Promise<string | undefined> {
  for (const ext of BESIDE.filter((e) => file.endsWith(e) && file.length > e.length).sort((a, b) => b.length - a.length)) {
    const base = file.slice(0, -ext.length);
    if (await fsp.stat(base).then((s) => s.isFile(), () => false)) return base;
  }
  return undefined;
}

/** The signatures found beside the file, in BESIDE's order. */
async function besideFile(file: string): Promise<string[]> {
  const found = await Promise.all(BESIDE.map(async (ext) => ((await fsp.stat(`${file}${ext}`).then((s) => s.isFile(), () => false)) ? `${file}${ext}` : undefined)));
  return found.filter((f): f is string => f !== undefined);
}

/** The signature beside the file when there is one only; else picked among those found, or chosen in a dialog. */
async function signatureOf(services: Services, file: string, title: string): Promise<string> {
  const found = await besideFile(file);
  if (found.length === 1) return found[0]!;
  const choose = l10n.t('Choose…');
  const items = [...found.map((path) => ({ label: basename(path), path })), { label: choose, path: undefined }];
  const picked = await pickOne(items, { title, placeHolder: found.length === 0 ? l10n.t('No signature beside {0}: choose its bundle or signature', basename(file)) : l10n.t('The signature of {0}', basename(file)) });
  if (picked.path !== undefined) return picked.path;
  const chosen = await chooseFiles(services.context.workspaceState, {
    title: l10n.t('{0}: Choose the Signature', title),
    openLabel: l10n.t('Verify With This Signature'),
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    filters: { [l10n.t('Sigstore bundles and signatures')]: ['json', 'bundle', 'sig', 'jsonl'], [l10n.t('All files')]: ['*'] },
  });
  return chosen[0]!.fsPath;
}

/**
 * The bundle checked once per identity set (once with none), as Verify Signatures checks an image's: the first
 * valid result, else the first, its reason each identity's distinct one.
 */
async function bundleTrusted(bundle: Buffer, blob: Buffer, keys: readonly VerifyKey[], trust: SignatureTrust): Promise<BundleCheck> {
  const logs = {
    ...(trust.rekorKeys.length > 0 ? { rekorKeys: trust.rekorKeys } : {}),
    ...(trust.ctLogKeys.length > 0 ? { ctLogKeys: trust.ctLogKeys } : {}),
    ...(trust.timestampAuthorities ? { timestampAuthorities: trust.timestampAuthorities } : {}),
  };
  const refused: Array<Extract<BundleCheck, { ok: false }>> = [];
  for (const certificates of trust.policies.length > 0 ? trust.policies : [undefined]) {
    const check = await verifyBlobBundle(bundle, blob, keys, { ...(certificates ? { certificates } : {}), ...logs });
    if (check.ok) return check;
    refused.push(check);
  }
  const reasons = [...new Set(refused.map((r) => r.reason))];
  return reasons.length <= 1 ? refused[0]! : { ...refused[0]!, reason: l10n.t('not for any identity set: {0}', reasons.join('; ')) };
}
