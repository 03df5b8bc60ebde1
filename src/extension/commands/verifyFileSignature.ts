import { promises as fsp } from 'node:fs';
import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { blobDigest, type BundleCheck, type SignatureResult, signerText, type VerifyKey, verifyBlobBundle, verifyBlobSignature } from '../../oci/signatures';
import { shownName } from '../../oci/shownName';
import type { Services } from '../services';
import { configuredKeyFiles } from '../settings/signatureKeys';
import { configuredTrust, type SignatureTrust } from '../settings/signatureTrust';
import { chooseFiles } from '../ui/fileChooser';
import { pickOne } from '../ui/prompts';
import { plainArgs } from './args';
import { chosenFile } from './chosenFile';
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

/** Where cosign's sign-blob (and Sign File) put a file's signature, beside it: its bundle, or the classic base64 form. */
const BESIDE = ['.sigstore.json', '.bundle', '.sig'];

/**
 * `manifold.verifyFileSignature`: a file's signature checked as `manifold verify-blob` checks it (a Sigstore bundle,
 * keyed or keyless; cosign's classic base64 signature with a key), under what Verify Signatures trusts: the keys of
 * `manifold.signatureKeys`, the identities and roots of settings/signatureTrust.ts (restricted settings: untrusted,
 * the user's own only); none set, the keys are chosen (and may be remembered). The signature is the one found beside
 * the file (`<file>.sigstore.json`, `.bundle`, `.sig`), else picked or chosen. Only reads: allowed in Restricted Mode.
 * Arguments: the Explorer's URI, or `{ file, signature }`.
 */
export async function verifyFileSignature(services: Services, arg?: unknown, answers?: unknown): Promise<FileVerifyOutcome> {
  const title = l10n.t('Verify File Signature');
  const given = plainArgs(arg, answers);
  const file = await chosenFile(services, arg, given, title, l10n.t('Verify This File'));
  const signature = typeof given.signature === 'string' ? given.signature : await signatureOf(services, file, title);
  const [blob, signed] = await Promise.all([readInput(file), readInput(signature)]);
  // A bundle is JSON; the classic form is base64, which never starts with a brace.
  const bundle = signed.toString('utf8').trimStart().startsWith('{');
  // The classic form carries no certificate: only keys verify it (keyless settings are not read for it, nor asked of).
  const trust = bundle ? await configuredTrust() : undefined;
  const configured = configuredKeyFiles();
  // Identities set verify a bundle without keys; none, and no key set: the keys are asked for.
  const files = configured.length > 0 || (trust?.policies.length ?? 0) > 0 ? configured : await chooseKeyFiles(services, title);
  const keys = await readKeys(files, configured.length > 0);
  const check = trust ? await bundleTrusted(signed, blob, keys, trust) : verifyBlobSignature(signed, blob, keys);
  const digest = blobDigest(blob);
  const name = basename(file);
  const outcome: FileVerifyOutcome = check.ok
    ? { file, signature, digest, valid: true, message: l10n.t('{0}: verified by {1}', name, signerText({ valid: true, ...check.fields } as SignatureResult)) }
    : { file, signature, digest, valid: false, message: l10n.t('{0}: not verified: {1}', name, `${check.problem}: ${shownName(check.reason)}`), problem: check.problem, reason: check.reason };
  services.log.info(`${outcome.message} (${file} ${digest}, ${signature})`);
  void (outcome.valid ? vscode.window.showInformationMessage(outcome.message) : vscode.window.showWarningMessage(outcome.message));
  return outcome;
}

/** The signature beside the file when there is one only; else picked among those found, or chosen in a dialog. */
async function signatureOf(services: Services, file: string, title: string): Promise<string> {
  const found = (await Promise.all(BESIDE.map(async (ext) => ((await fsp.stat(`${file}${ext}`).then((s) => s.isFile(), () => false)) ? `${file}${ext}` : undefined)))).filter((f): f is string => f !== undefined);
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
    filters: { [l10n.t('Sigstore bundles and signatures')]: ['json', 'bundle', 'sig'], [l10n.t('All files')]: ['*'] },
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

async function readInput(file: string): Promise<Buffer> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    throw new Error(l10n.t('{0}: {1}', file, (err as Error).message));
  }
}
