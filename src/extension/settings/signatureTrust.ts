// What keyless verification trusts, from settings: the identities a certificate may be for
// (`manifold.signatureIdentities`, as the CLI's --certificate-identity[-regexp] and --certificate-oidc-issuer[-regexp]),
// the roots and intermediates it must chain to (`manifold.signatureRoots`, `manifold.signatureIntermediates`: --ca-roots,
// --ca-intermediates), the Rekor keys every signature's bundle must verify with (`manifold.rekorKeys`: --rekor-key)
// and the timestamp authorities' chains a Sigstore bundle's RFC 3161 timestamps verify under
// (`manifold.timestampCertificateChains`: --timestamp-certificate-chain), the CT logs a certificate's SCT must be of
// (`manifold.ctLogKeys`: --ctlog-key), or all of these in Sigstore's trusted_root.json (`manifold.sigstoreTrustedRoot`:
// --trusted-root); the annotations a signature must be signed with (`manifold.signatureAnnotations`: -a); and, from
// notaryTrust.ts, Notary Project signatures'. All restricted (restrictedPaths.ts), as `manifold.signatureKeys`.
import { promises as fsp } from 'node:fs';
import * as l10n from '@vscode/l10n';
import { compileGoRegexp } from '../../oci/goRegexp';
import { OciError } from '../../oci/errors';
import {
  type CertificatePolicy,
  type CtLogKey,
  joinTimestampAuthorities,
  loadCertificates,
  loadCtLogKey,
  loadRekorKey,
  parseTrustedRoot,
  type RekorKey,
  type TextMatch,
  timestampAuthorities,
  type TimestampAuthorities,
  type TrustedRoot,
  trustedRootCertificates,
  trustedRootCtLogKeys,
  trustedRootTimestampAuthorities,
} from '../../oci/signatures';
import type { SourceRef } from '../../oci/sourceRef';
import { annotationsSetting } from './annotationsSetting';
import { configuredNotaryTrust, type NotaryTrustSettings } from './notaryTrust';
import { configuredFiles, type KeyFile, named, restrictedValue } from './restrictedPaths';

export const SIGNATURE_IDENTITIES_SETTING = 'manifold.signatureIdentities';
export const SIGNATURE_ROOTS_SETTING = 'manifold.signatureRoots';
export const SIGNATURE_INTERMEDIATES_SETTING = 'manifold.signatureIntermediates';
export const REKOR_KEYS_SETTING = 'manifold.rekorKeys';
export const TIMESTAMP_CHAINS_SETTING = 'manifold.timestampCertificateChains';
export const CT_LOG_KEYS_SETTING = 'manifold.ctLogKeys';
export const TRUSTED_ROOT_SETTING = 'manifold.sigstoreTrustedRoot';
export const SIGNATURE_ANNOTATIONS_SETTING = 'manifold.signatureAnnotations';

/** What the settings trust beside keys. */
export interface SignatureTrust extends NotaryTrustSettings {
  /** One per identity set (roots and intermediates shared): a certificate is trusted when one policy accepts it. */
  policies: CertificatePolicy[];
  /** How each identity reads, in order: `mitr@redhat.com (https://github.com/login/oauth)`, a regexp as `/…/`. */
  identities: string[];
  rekorKeys: RekorKey[];
  /** The CT logs set: a certificate must carry an SCT of one (none: SCTs are not read, as the CLI without the flag). */
  ctLogKeys: CtLogKey[];
  /** The TSAs set; undefined when none is (a bundle's timestamps are then not read, as the CLI without the flag). */
  timestampAuthorities?: TimestampAuthorities;
  /** Annotations a signature must have been signed with (`manifold.signatureAnnotations`, as verify -a); none when unset. */
  annotations?: Record<string, string>;
}

/**
 * The identities, roots, intermediates and Rekor keys set, read and checked. Throws INVALID_ARGUMENT led by the
 * setting at fault, as the CLI's usage errors: an identity without its issuer (or with both an exact value and a
 * regexp), a regexp Go would refuse, identities without roots, a file that cannot be read or is not what it should be.
 * Roots or intermediates without an identity are unused (a user's roots may serve a workspace's identities).
 */
export async function configuredTrust(image?: SourceRef): Promise<SignatureTrust> {
  const entries = identityEntries();
  const root = await configuredTrustedRoot();
  const timestamps = root ? trustedRootTimestampAuthorities(root) : await configuredTimestampAuthorities();
  const notary = await configuredNotaryTrust(image);
  const annotations = signatureAnnotations();
  const logs = {
    ...(annotations ? { annotations } : {}),
    rekorKeys: root ? root.rekorKeys : await Promise.all(configuredFiles(REKOR_KEYS_SETTING).map((f) => readSettingFile(REKOR_KEYS_SETTING, f, (name, pem) => ({ ...loadRekorKey(name, pem), name: f.name })))),
    ctLogKeys: root ? trustedRootCtLogKeys(root) : await Promise.all(configuredFiles(CT_LOG_KEYS_SETTING).map((f) => readSettingFile(CT_LOG_KEYS_SETTING, f, (name, pem) => ({ ...loadCtLogKey(name, pem), name: f.name })))),
    ...(timestamps ? { timestampAuthorities: timestamps } : {}),
    ...notary,
  };
  if (entries.length === 0) return { policies: [], identities: [], ...logs };
  const identities = entries.map((e) => e.text);
  if (root) {
    if (root.certificateAuthorities.length === 0) throw new OciError('INVALID_ARGUMENT', l10n.t('{0}: no certificateAuthorities in it, for {1} to chain to', TRUSTED_ROOT_SETTING, SIGNATURE_IDENTITIES_SETTING));
    const authorities = trustedRootCertificates(root);
    return { policies: entries.map((e) => ({ ...authorities, identity: e.identity, oidcIssuer: e.oidcIssuer })), identities, ...logs };
  }
  const roots = configuredFiles(SIGNATURE_ROOTS_SETTING);
  if (roots.length === 0) {
    const text = l10n.t(
      "{0} needs {1} (or {2}): the root certificates to trust (Fulcio's fulcio_v1.crt.pem, or Sigstore's trusted_root.json), absolute paths in Restricted Mode; nothing is fetched",
      SIGNATURE_IDENTITIES_SETTING,
      SIGNATURE_ROOTS_SETTING,
      TRUSTED_ROOT_SETTING,
    );
    throw new OciError('INVALID_ARGUMENT', text);
  }
  const certificates = (setting: string) => Promise.all(configuredFiles(setting).map((f) => readSettingFile(setting, f, (name, pem) => named(loadCertificates(name, pem), name, f.name)))).then((l) => l.flat());
  const [rootCerts, intermediates] = await Promise.all([certificates(SIGNATURE_ROOTS_SETTING), certificates(SIGNATURE_INTERMEDIATES_SETTING)]);
  return { policies: entries.map((e) => ({ roots: rootCerts, intermediates, identity: e.identity, oidcIssuer: e.oidcIssuer })), identities, ...logs };
}

/** The settings a trusted root stands for: set beside it, one is refused (as the CLI's --trusted-root beside a piece). */
const TRUSTED_ROOT_PIECES = [SIGNATURE_ROOTS_SETTING, SIGNATURE_INTERMEDIATES_SETTING, REKOR_KEYS_SETTING, TIMESTAMP_CHAINS_SETTING, CT_LOG_KEYS_SETTING];

/** `manifold.sigstoreTrustedRoot` read and checked (parts named by the file's path); undefined when unset. */
async function configuredTrustedRoot(): Promise<TrustedRoot | undefined> {
  const [file] = configuredFiles(TRUSTED_ROOT_SETTING);
  if (!file) return undefined;
  const piece = TRUSTED_ROOT_PIECES.find((setting) => configuredFiles(setting).length > 0);
  if (piece) throw new OciError('INVALID_ARGUMENT', l10n.t('{0} and {1}: set one (the trusted root holds the certificate authorities, Rekor keys, timestamp authorities and CT logs)', TRUSTED_ROOT_SETTING, piece));
  return readSettingFile(TRUSTED_ROOT_SETTING, file, (name, bytes) => parseTrustedRoot(name, bytes));
}

/** `manifold.signatureAnnotations`: an object of strings (as `verify -a KEY=VALUE` pairs); undefined when unset or empty. */
function signatureAnnotations(): Record<string, string> | undefined {
  const value = annotationsSetting(SIGNATURE_ANNOTATIONS_SETTING, restrictedValue(SIGNATURE_ANNOTATIONS_SETTING));
  return Object.keys(value).length > 0 ? value : undefined;
}

/** Each chain file set, read as the CLI's --timestamp-certificate-chain reads it; one without a root is refused, naming it. */
async function configuredTimestampAuthorities(): Promise<TimestampAuthorities | undefined> {
  const files = configuredFiles(TIMESTAMP_CHAINS_SETTING);
  if (files.length === 0) return undefined;
  const parts = await Promise.all(
    files.map((f) =>
      readSettingFile(TIMESTAMP_CHAINS_SETTING, f, (name, pem) => {
        const read = timestampAuthorities(named(loadCertificates(name, pem), name, f.name));
        if (read.roots.length === 0) throw new Error(l10n.t("{0}: no root (a self-signed CA certificate) in it: the chain must end with the TSA's root", f.path));
        return read;
      }),
    ),
  );
  return joinTimestampAuthorities(parts);
}

interface IdentityEntry {
  identity: TextMatch;
  oidcIssuer: TextMatch;
  text: string;
}

function identityEntries(): IdentityEntry[] {
  const value = restrictedValue(SIGNATURE_IDENTITIES_SETTING);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw usage('', l10n.t('expected an array of {0}', SHAPE));
  return value.map((entry: unknown, i) => {
    const at = `[${i}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw usage(at, l10n.t('expected an object {0}', SHAPE));
    const e = entry as Record<string, unknown>;
    const one = (exact: string, regexp: string, what: string): { match: TextMatch; text: string } => {
      const x = e[exact];
      const r = e[regexp];
      if (x !== undefined && r !== undefined) throw usage(at, l10n.t('{0} and {1}: give one', exact, regexp));
      if (x === undefined && r === undefined) throw usage(at, l10n.t('give {0} or {1}: {2}', exact, regexp, what));
      const text = x ?? r;
      if (typeof text !== 'string' || text === '') throw usage(at, l10n.t('{0}: expected a non-empty string', x !== undefined ? exact : regexp));
      if (x !== undefined) return { match: { equals: text }, text };
      try {
        const re = compileGoRegexp(text);
        return { match: { matches: new RegExp(re.source, re.flags.replace('g', '')), pattern: text }, text: `/${text}/` };
      } catch (err) {
        throw usage(at, `${regexp}: ${(err as Error).message}`);
      }
    };
    const identity = one('identity', 'identityRegexp', l10n.t("whom a signature's certificate must be for (an email, a URI)"));
    const issuer = one('issuer', 'issuerRegexp', l10n.t('the OIDC issuer the certificate must name (https://token.actions.githubusercontent.com), as cosign asks'));
    return { identity: identity.match, oidcIssuer: issuer.match, text: `${identity.text} (${issuer.text})` };
  });
}

/** What an entry should look like, as errors show it. */
const SHAPE = '{ identity | identityRegexp, issuer | issuerRegexp }';

/** An error led by the setting and the entry (`manifold.signatureIdentities[0]: …`), its words given localized. */
function usage(at: string, message: string): OciError {
  const text = `${SIGNATURE_IDENTITIES_SETTING}${at}: ${message}`;
  return new OciError('INVALID_ARGUMENT', text);
}

/** A file of a setting, read and loaded; its error led by the setting and the file's full path. */
async function readSettingFile<T>(setting: string, f: KeyFile, load: (name: string, pem: Buffer) => T): Promise<T> {
  try {
    return load(f.path, await fsp.readFile(f.path));
  } catch (err) {
    // The core's or Node's error (naming the file, or not yet), led by the setting.
    const message = (err as Error).message;
    const text = `${setting}: ${message.startsWith(f.path) ? message : `${f.path}: ${message}`}`;
    throw new OciError('INVALID_ARGUMENT', text, { cause: err });
  }
}

