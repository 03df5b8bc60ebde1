// What Notary Project (notation) verification trusts, from settings: the trust stores and identities piece by piece
// (`manifold.notaryRoots`, `notaryAuthorityRoots`, `notaryTsaRoots`, `notaryIdentities`: --notary-roots,
// --notary-authority-roots, --notary-tsa-roots, --notary-identity), or notation's trust policy and trust store folder
// (`manifold.notaryTrustPolicy`, `notaryTrustStore`: --notary-trust-policy, --notary-trust-store). All restricted.
// Files (Verify File Signature) read the same settings, the policy as verify-blob reads it: trustpolicy.blob.json.
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { OciError } from '../../oci/errors';
import { blobTrustPolicyFile, type NotaryTrust, parseBlobTrustPolicy, parseNotaryIdentity, parseTrustPolicy, readNotaryTrustStore, selectBlobTrustPolicy, selectTrustPolicy, type TrustPolicyStatement, trustPolicyFile, trustPolicyTrust } from '../../oci/signatures';
import type { SourceRef } from '../../oci/sourceRef';
import { configuredFiles, named, restrictedValue } from './restrictedPaths';

export const NOTARY_ROOTS_SETTING = 'manifold.notaryRoots';
export const NOTARY_AUTHORITY_ROOTS_SETTING = 'manifold.notaryAuthorityRoots';
export const NOTARY_IDENTITIES_SETTING = 'manifold.notaryIdentities';
export const NOTARY_TSA_ROOTS_SETTING = 'manifold.notaryTsaRoots';
export const NOTARY_TRUST_POLICY_SETTING = 'manifold.notaryTrustPolicy';
export const NOTARY_TRUST_STORE_SETTING = 'manifold.notaryTrustStore';

/** Notary signatures' trust (undefined when none is set: they are then not verified, as the CLI), and how each identity reads. */
export interface NotaryTrustSettings {
  notary?: NotaryTrust;
  /** How each Notary identity reads (`x509.subject: C=US, O=Acme`), in order. */
  notaryIdentities?: string[];
}

/**
 * The Notary trust stores set (a certificate file or a folder of them each, as --notary-roots) and the identities
 * (`x509.subject: …`, as --notary-identity); none when no root is set. Identities without roots are refused, as the
 * CLI refuses them: they would verify nothing. `image`: what the trust policy's statement is picked for; `'blob'`, a
 * file's signature: the blob trust policy's global statement, as `verify-blob --notary-trust-policy` picks it.
 */
export async function configuredNotaryTrust(image: SourceRef | 'blob' | undefined): Promise<NotaryTrustSettings> {
  const texts = notaryIdentityTexts();
  const [policyFile] = configuredFiles(NOTARY_TRUST_POLICY_SETTING);
  if (policyFile) {
    const piece = [NOTARY_ROOTS_SETTING, NOTARY_AUTHORITY_ROOTS_SETTING, NOTARY_TSA_ROOTS_SETTING].find((setting) => configuredFiles(setting).length > 0) ?? (texts.length > 0 ? NOTARY_IDENTITIES_SETTING : undefined);
    if (piece) throw new OciError('INVALID_ARGUMENT', l10n.t('{0} and {1}: set one (the trust policy names its trust stores and identities)', NOTARY_TRUST_POLICY_SETTING, piece));
    if (image === 'blob') return policyTrust(blobPolicyPlace(policyFile.path), blobTrustPolicyFile, (text, file) => selectBlobTrustPolicy(parseBlobTrustPolicy(text, file), undefined, file));
    return image ? policyTrust(policyFile.path, trustPolicyFile, (text, file) => selectTrustPolicy(parseTrustPolicy(text, file), imageScope(image), file)) : {};
  }
  const stores = async (setting: string) =>
    (
      await Promise.all(
        configuredFiles(setting).map(async (f) => {
          try {
            return named(await readNotaryTrustStore(f.path, { tsa: setting === NOTARY_TSA_ROOTS_SETTING }), f.path, f.name);
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
 * The statement of notation's trust policy (a file, or notation's config folder: `locate` finds the file in it) that
 * `select` picks, and its trust stores (`manifold.notaryTrustStore`, else the `truststore` folder beside the policy,
 * as notation keeps them).
 */
async function policyTrust(path: string, locate: (path: string) => Promise<string>, select: (text: string, file: string) => TrustPolicyStatement): Promise<NotaryTrustSettings> {
  const [storeFile] = configuredFiles(NOTARY_TRUST_STORE_SETTING);
  try {
    const file = await locate(path);
    const statement = select(await fsp.readFile(file, 'utf8'), file);
    const notary = await trustPolicyTrust(statement, storeFile?.path ?? join(dirname(file), 'truststore'));
    const identities = statement.anyIdentity ? [] : statement.identities.map((i) => i.text);
    return { notary, notaryIdentities: identities };
  } catch (err) {
    const text = `${NOTARY_TRUST_POLICY_SETTING}: ${(err as Error).message}`;
    throw new OciError('INVALID_ARGUMENT', text, { cause: err });
  }
}

/**
 * Where a file's blob trust policy is looked for: the setting serves images and files alike, so one naming notation's
 * image policy (trustpolicy.json, trustpolicy.oci.json) means its folder, where notation keeps trustpolicy.blob.json.
 */
function blobPolicyPlace(path: string): string {
  return /^trustpolicy(\.oci)?\.json$/.test(basename(path)) ? dirname(path) : path;
}

/**
 * An image's scope in an OCI trust policy: a registry image's `registry/repository`; a layout's `local/<its folder's
 * name>` (lowercased), a local scope as notation's `--scope` takes one: a statement names it, or the wildcard `*` applies.
 */
function imageScope(image: SourceRef): string {
  return image.kind === 'registry' ? `${image.registry}/${image.repository}` : `local/${layoutScopeName(image.path)}`;
}

/** A layout folder's name as a repository path component: lowercase, runs of other characters a dash. */
function layoutScopeName(path: string): string {
  const name = basename(path.replace(/[\\/]+$/, '')).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return name || 'layout';
}

function notaryIdentityTexts(): string[] {
  const value = restrictedValue(NOTARY_IDENTITIES_SETTING);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new OciError('INVALID_ARGUMENT', l10n.t('{0}: expected an array of strings such as {1}', NOTARY_IDENTITIES_SETTING, '"x509.subject: C=US, O=Acme"'));
  return value as string[];
}
