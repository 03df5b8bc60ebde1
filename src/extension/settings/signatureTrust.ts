// What keyless verification trusts, from settings: the identities a certificate may be for
// (`manifold.signatureIdentities`, as the CLI's --certificate-identity[-regexp] and --certificate-oidc-issuer[-regexp]),
// the roots and intermediates it must chain to (`manifold.signatureRoots`, `manifold.signatureIntermediates`: --ca-roots,
// --ca-intermediates), the Rekor keys every signature's bundle must verify with (`manifold.rekorKeys`: --rekor-key)
// and the timestamp authorities' chains a Sigstore bundle's RFC 3161 timestamps verify under
// (`manifold.timestampCertificateChains`: --timestamp-certificate-chain), the CT logs a certificate's SCT must be of
// (`manifold.ctLogKeys`: --ctlog-key), or all of these in Sigstore's trusted_root.json (`manifold.sigstoreTrustedRoot`:
// --trusted-root); and for Notary Project signatures the trust
// stores and identities (`manifold.notaryRoots`, `notaryAuthorityRoots`, `notaryTsaRoots`, `notaryIdentities`:
// --notary-roots, --notary-authority-roots, --notary-tsa-roots, --notary-identity), or notation's trust policy and
// trust store folder (`manifold.notaryTrustPolicy`, `notaryTrustStore`: --notary-trust-policy, --notary-trust-store). All restricted (restrictedPaths.ts), as `manifold.signatureKeys`.
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { compileGoRegexp } from '../../oci/goRegexp';
import { OciError } from '../../oci/errors';
import {
  type Certificate,
  type CertificatePolicy,
  type CtLogKey,
  joinTimestampAuthorities,
  loadCertificates,
  loadCtLogKey,
  loadRekorKey,
  type NotaryTrust,
  parseNotaryIdentity,
  parseTrustedRoot,
  parseTrustPolicy,
  readNotaryTrustStore,
  type RekorKey,
  selectTrustPolicy,
  type TextMatch,
  timestampAuthorities,
  type TimestampAuthorities,
  type TrustedRoot,
  trustedRootCertificates,
  trustedRootCtLogKeys,
  trustedRootTimestampAuthorities,
  trustPolicyFile,
  trustPolicyTrust,
} from '../../oci/signatures';
import type { SourceRef } from '../../oci/sourceRef';
import { configuredFiles, type KeyFile, restrictedValue } from './restrictedPaths';

export const SIGNATURE_IDENTITIES_SETTING = 'manifold.signatureIdentities';
export const SIGNATURE_ROOTS_SETTING = 'manifold.signatureRoots';
export const SIGNATURE_INTERMEDIATES_SETTING = 'manifold.signatureIntermediates';
export const REKOR_KEYS_SETTING = 'manifold.rekorKeys';
export const TIMESTAMP_CHAINS_SETTING = 'manifold.timestampCertificateChains';
export const CT_LOG_KEYS_SETTING = 'manifold.ctLogKeys';
export const TRUSTED_ROOT_SETTING = 'manifold.sigstoreTrustedRoot';
export const SIGNATURE_ANNOTATIONS_SETTING = 'manifold.signatureAnnotations';
export const NOTARY_ROOTS_SETTING = 'manifold.notaryRoots';
export const NOTARY_AUTHORITY_ROOTS_SETTING = 'manifold.notaryAuthorityRoots';
export const NOTARY_IDENTITIES_SETTING = 'manifold.notaryIdentities';
export const NOTARY_TSA_ROOTS_SETTING = 'manifold.notaryTsaRoots';
export const NOTARY_TRUST_POLICY_SETTING = 'manifold.notaryTrustPolicy';
export const NOTARY_TRUST_STORE_SETTING = 'manifold.notaryTrustStore';

/** What the settings trust beside keys. */
export interface SignatureTrust {
  /** One per identity set (roots and intermediates shared): a certificate is trusted when one policy accepts it. */
  policies: CertificatePolicy[];
  /** How each identity reads, in order: `mitr@redhat.com (https://github.com/login/oauth)`, a regexp as `/…/`. */
  identities: string[];
  rekorKeys: RekorKey[];
  /** The CT logs set: a certificate must carry an SCT of one (none: SCTs are not read, as the CLI without the flag). */
  ctLogKeys: CtLogKey[];
  /** The TSAs set; undefined when none is (a bundle's timestamps are then not read, as the CLI without the flag). */
  timestampAuthorities?: TimestampAuthorities;
  /** Notary Project signatures' roots and identities; undefined when no root is set (they are then not verified, as the CLI). */
  notary?: NotaryTrust;
  /** How each Notary identity reads (`x509.subject: C=US, O=Acme`), in order. */
  notaryIdentities?: string[];
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

/**
 * The Notary trust stores set (a certificate file or a folder of them each, as --notary-roots) and the identities
 * (`x509.subject: …`, as --notary-identity); none when no root is set. Identities without roots are refused, as the
 * CLI refuses them: they would verify nothing.
 */
async function configuredNotaryTrust(image: SourceRef | undefined): Promise<Pick<SignatureTrust, 'notary' | 'notaryIdentities'>> {
  const texts = notaryIdentityTexts();
  const [policyFile] = configuredFiles(NOTARY_TRUST_POLICY_SETTING);
  if (policyFile) {
    const piece = [NOTARY_ROOTS_SETTING, NOTARY_AUTHORITY_ROOTS_SETTING, NOTARY_TSA_ROOTS_SETTING].find((setting) => configuredFiles(setting).length > 0) ?? (texts.length > 0 ? NOTARY_IDENTITIES_SETTING : undefined);
    if (piece) throw new OciError('INVALID_ARGUMENT', l10n.t('{0} and {1}: set one (the trust policy names its trust stores and identities)', NOTARY_TRUST_POLICY_SETTING, piece));
    return image ? policyTrust(policyFile.path, image) : {};
  }
  const stores = async (setting: string) =>
    (
      await Promise.all(
        configuredFiles(setting).map(async (f) => {
          try {
            return named(await readNotaryTrustStore(f.path), f.path, f.name);
          } catch (err) {
            const text = `${setting}: ${(err as Error).message}`;
            throw new OciError('INVALID_ARGUMENT', text, { cause: err });
          }
        }),
      )
    ).flat();
  const [roots, authorityRoots, tsaRoots] = await Promise.all([stores(NOTARY_ROOTS_SETTING), stores(NOTARY_AUTHORITY_ROOTS_SETTING), stores(NOTARY_TSA_ROOTS_SETTING)]);
  if (roots.length === 0 && authorityRoots.length === 0) {
    if (texts.length > 0) throw new OciError('INVALID_ARGUMENT', l10n.t('{0} needs {1} (or {2}): the roots a signature must chain to', NOTARY_IDENTITIES_SETTING, NOTARY_ROOTS_SETTING, NOTARY_AUTHORITY_ROOTS_SETTING));
    return {};
  }
  const identities = texts.map((text, i) => {
    try {
      return parseNotaryIdentity(text);
    } catch (err) {
      const text = `${NOTARY_IDENTITIES_SETTING}[${i}]: ${(err as Error).message}`;
      throw new OciError('INVALID_ARGUMENT', text);
    }
  });
  return { notary: { roots, authorityRoots, identities, ...(tsaRoots.length > 0 ? { tsaRoots } : {}) }, notaryIdentities: texts };
}

/**
 * The statement of notation's trust policy (a file, or notation's config folder: trustPolicyFile) for `image` and its trust stores (`manifold.notaryTrustStore`, else the
 * `truststore` folder beside the policy, as notation keeps them). The scope is a registry image's `registry/repository`;
 * a layout's `local/<its folder's name>` (lowercased), a local scope as notation's `--scope` takes one: a statement
 * names it, or the wildcard `*` applies.
 */
async function policyTrust(path: string, image: SourceRef): Promise<Pick<SignatureTrust, 'notary' | 'notaryIdentities'>> {
  const [storeFile] = configuredFiles(NOTARY_TRUST_STORE_SETTING);
  const scope = image.kind === 'registry' ? `${image.registry}/${image.repository}` : `local/${layoutScopeName(image.path)}`;
  try {
    const file = await trustPolicyFile(path);
    const statement = selectTrustPolicy(parseTrustPolicy(await fsp.readFile(file, 'utf8'), file), scope, file);
    const notary = await trustPolicyTrust(statement, storeFile?.path ?? join(dirname(file), 'truststore'));
    const identities = statement.anyIdentity ? [] : statement.identities.map((i) => i.text);
    return { notary, notaryIdentities: identities };
  } catch (err) {
    const text = `${NOTARY_TRUST_POLICY_SETTING}: ${(err as Error).message}`;
    throw new OciError('INVALID_ARGUMENT', text, { cause: err });
  }
}

/** A layout folder's name as a repository path component: lowercase, runs of other characters a dash. */
function layoutScopeName(path: string): string {
  const name = basename(path.replace(/[\\/]+$/, '')).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return name || 'layout';
}

/** `manifold.signatureAnnotations`: an object of strings (as `verify -a KEY=VALUE` pairs); undefined when unset or empty. */
function signatureAnnotations(): Record<string, string> | undefined {
  const value = restrictedValue(SIGNATURE_ANNOTATIONS_SETTING);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new OciError('INVALID_ARGUMENT', l10n.t('{0}: expected an object of strings such as {1}', SIGNATURE_ANNOTATIONS_SETTING, '{ "team": "web" }'));
  }
  return Object.keys(value).length > 0 ? (value as Record<string, string>) : undefined;
}

function notaryIdentityTexts(): string[] {
  const value = restrictedValue(NOTARY_IDENTITIES_SETTING);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new OciError('INVALID_ARGUMENT', l10n.t('{0}: expected an array of strings such as {1}', NOTARY_IDENTITIES_SETTING, '"x509.subject: C=US, O=Acme"'));
  return value as string[];
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

/** Certificates loaded under the file's path (for errors), named as the setting wrote it (for results). */
function named(certs: Certificate[], path: string, name: string): Certificate[] {
  return certs.map((c) => ({ ...c, name: name + c.name.slice(path.length) }));
}
