import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { CERTIFICATE_KEY_TYPES, type CertificateKeyType, certificateSubject, generateCosignKeyPair, KEY_PAIR_TYPES, type KeyPairType, makeSigningCertificate, notationSubject, writeKeyPairFiles, writeNewFile } from '../../oci/signatures';
import type { Services } from '../services';
import { NOTARY_ROOTS_SETTING } from '../settings/notaryTrust';
import { SIGNATURE_KEYS_SETTING, settingEntry } from '../settings/signatureKeys';
import { signingFormat } from '../settings/signingFormat';
import { input, need, pickOne } from '../ui/prompts';
import { plainArgs } from './args';

/** What Generate Signing Key Pair returns to `executeCommand` callers (the tests): `pub` for cosign's pair, `certificate` for a Notary one. */
export interface KeyPairOutcome {
  key: string;
  pub?: string;
  certificate?: string;
  type: KeyPairType;
  message: string;
}

/** notation's rule for a certificate's name (truststore.IsValidFileName), as generate-certificate takes it. */
const CERTIFICATE_NAME = /^[a-zA-Z0-9_.-]+$/;

/**
 * `manifold.generateKeyPair`: makes a key pair to sign with, as `manifold generate-key-pair` does (cosign's files:
 * the private key sealed under a passphrase, and the public key beside it, `.pub` for `.key`), so that an editor with
 * no cosign at hand can sign. Asks the kind of key (cosign's ECDSA P-256 first), where to save the private key (the
 * save dialog asks before replacing it; the `.pub` beside it is asked about here), the passphrase twice. Then offers
 * to verify with the public key in this workspace (`manifold.signatureKeys`). With `manifold.signingFormat` `notary`
 * (or the argument `format`), a Notary key and its self-signed certificate instead, as `manifold generate-certificate`
 * makes them (what Sign Image then asks for): the kind, the name (CN=NAME), where to save the key (the `.crt` beside
 * it), no passphrase (notation's keys are not sealed); the offer puts the certificate in `manifold.notaryRoots`.
 * Arguments: `{ type, key, passphrase, replace, format, name }` answer what it would ask.
 */
export async function generateKeyPair(services: Services, arg?: unknown, answers?: unknown): Promise<KeyPairOutcome> {
  const title = l10n.t('Generate Signing Key Pair');
  const given = plainArgs(arg, answers);
  if (signingFormat(given.format) === 'notary') return generateNotaryCertificate(services, title, given);
  const type = (KEY_PAIR_TYPES as readonly unknown[]).includes(given.type) ? (given.type as KeyPairType) : await pickType(title);
  const key = await keyFile(title, given.key, 'cosign.key', l10n.t('cosign private keys'));
  const pub = join(dirname(key), `${basename(key).replace(/\.key$/, '')}.pub`);
  await askToReplace(pub, key, given.replace);
  const passphrase = typeof given.passphrase === 'string' ? given.passphrase : await askPassphrase(title, basename(key));
  const made = generateCosignKeyPair(type, passphrase);
  // replace: the save dialog asked about the private key, and the question above about the public one.
  await writeKeyPairFiles({ key, pub }, made, true);
  const message = l10n.t('Made {0} ({1}) and {2}: Sign Image… signs with the private key, Verify Signatures… checks with the public one.', basename(key), type, basename(pub));
  services.log.info(`${message} ${key}`);
  void offerToVerifyWith(pub, message, SIGNATURE_KEYS_SETTING);
  return { key, pub, type, message };
}

async function generateNotaryCertificate(services: Services, title: string, given: Record<string, unknown>): Promise<KeyPairOutcome> {
  const type = (CERTIFICATE_KEY_TYPES as readonly unknown[]).includes(given.type)
    ? (given.type as CertificateKeyType)
    : (await pickOne(CERTIFICATE_KEY_TYPES.map((t) => ({ label: t, type: t, ...(t === 'rsa-2048' ? { description: l10n.t('what notation cert generate-test makes') } : {}) })), { title, placeHolder: l10n.t('The kind of key') })).type;
  const name =
    typeof given.name === 'string'
      ? given.name
      : await input({
          title,
          prompt: l10n.t("The certificate's name: its subject is C=US, ST=WA, L=Seattle, O=Notary, CN=<name>, as notation cert generate-test makes it"),
          validateInput: (v) => (CERTIFICATE_NAME.test(v) ? undefined : l10n.t("Letters, digits, '_', '.' and '-' only, as notation asks")),
        });
  const key = await keyFile(title, given.key, `${name}.key`, l10n.t('PEM private keys'));
  const certificate = join(dirname(key), `${basename(key).replace(/\.key$/, '')}.crt`);
  await askToReplace(certificate, key, given.replace);
  const made = makeSigningCertificate({ keyType: type, subject: certificateSubject(notationSubject(name)), days: 365 });
  // replace: the save dialog asked about the key, and the question above about the certificate.
  await writeNewFile(key, made.keyPem, 0o600, true);
  await writeNewFile(certificate, made.certificatePem, 0o644, true);
  const until = made.certificate.fields.notAfter.toISOString().slice(0, 10);
  const message = l10n.t('Made {0} ({1}) and {2} ({3}, valid until {4}): Sign Image… signs with them, Verify Signatures… checks with the certificate.', basename(key), type, basename(certificate), made.subject, until);
  services.log.info(`${message} ${key}`);
  void offerToVerifyWith(certificate, message, NOTARY_ROOTS_SETTING);
  return { key, certificate, type, message };
}

/** The private key's file: given, or chosen in the save dialog (which asks before replacing one). */
async function keyFile(title: string, given: unknown, name: string, filter: string): Promise<string> {
  if (typeof given === 'string') return given;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const picked = await vscode.window.showSaveDialog({
    title,
    ...(folder?.scheme === 'file' ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
    filters: { [filter]: ['key'] },
    saveLabel: l10n.t('Save Private Key'),
  });
  return need(picked).fsPath;
}

/** A file written beside another (a key's .pub or .crt, a file's bundle): if one is there, replaced only when the user says so. */
export async function askToReplace(file: string, key: string, given: unknown): Promise<void> {
  if (given === true || !(await fsp.lstat(file).then(() => true, () => false))) return;
  const replace = l10n.t('Replace');
  const choice = await vscode.window.showWarningMessage(l10n.t('{0} exists beside {1}. Replace it?', basename(file), basename(key)), { modal: true }, replace);
  need(choice === replace ? choice : undefined);
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

/** Not awaited: the files are written; the offer only adds the public key (or certificate) to the workspace's `setting`. */
async function offerToVerifyWith(file: string, message: string, setting: string): Promise<void> {
  if (!vscode.workspace.workspaceFolders?.length) return void vscode.window.showInformationMessage(message);
  const use = l10n.t('Verify With {0} in This Workspace', basename(file));
  if ((await vscode.window.showInformationMessage(message, use)) !== use) return;
  const config = vscode.workspace.getConfiguration();
  const kept = config.inspect<unknown>(setting)?.workspaceValue;
  const entries = [...(Array.isArray(kept) ? kept.filter((e): e is string => typeof e === 'string') : []), settingEntry(file)];
  await config.update(setting, [...new Set(entries)], vscode.ConfigurationTarget.Workspace);
  void vscode.window.showInformationMessage(l10n.t("{0} in this workspace's settings now lists {1}", setting, settingEntry(file)));
}
