// The Notary Project (notation) flags verify and coverage share: the trust stores and identities piece by piece, or
// notation's trust policy and trust store folder; their checks and the files they read.
import { dirname, join } from 'node:path';
import { OciError } from '../oci/errors';
import { type Certificate, type NotaryIdentity, type NotaryTrust, parseNotaryIdentity, parseTrustPolicy, readNotaryTrustStore, scopeProblem, selectTrustPolicy, TrustPolicyError, trustPolicyFile, trustPolicyTrust } from '../oci/signatures';
import { parseRegistryReference } from '../oci/registry/registryReference';
import { readFlagFile } from './certificateFlags';
import { boolOpt, listOpt, type OptionSpec, type ParsedCommand, stringOpt, UsageError } from './command';

/**
 * `--notary-roots`, `--notary-authority-roots`, `--notary-identity`: named after notation's trust policy, whose
 * trust stores of type `ca` and `signingAuthority` hold the roots of the two signing schemes, and whose
 * trustedIdentities name the signing certificate's subject.
 */
export const NOTARY_OPTIONS: Record<string, OptionSpec> = {
  'notary-roots': {
    type: 'string',
    multiple: true,
    description: "Notary Project signatures (notation): root certificates (PEM or DER), a file or a folder of them, as notation's trust store of type ca: a notary.x509 signature's chain must hold one",
    valueName: 'FILE|DIR',
  },
  'notary-authority-roots': {
    type: 'string',
    multiple: true,
    description: "Notary signatures of scheme notary.x509.signingAuthority: their roots, as notation's trust store of type signingAuthority (checked at the signing authority's time)",
    valueName: 'FILE|DIR',
  },
  'notary-tsa-roots': {
    type: 'string',
    multiple: true,
    description: "Notary signatures: roots of timestamp authorities (PEM or DER, a file or a folder), as notation's trust store of type tsa: a notary.x509 signature's timestamp countersignature must verify under one, and its certificates are then checked at the time stamped",
    valueName: 'FILE|DIR',
  },
  'notary-identity': {
    type: 'string',
    multiple: true,
    description: "Notary signatures: the signing certificate's subject must hold these attributes, as notation's trustedIdentities write them ('x509.subject: C=US, ST=WA, O=example.com'); one of them when repeated; any when none",
    valueName: 'IDENTITY',
  },
  'notary-trust-policy': {
    type: 'string',
    description: "Notary signatures under notation's trust policy (~/.config/notation/trustpolicy.json or trustpolicy.oci.json, or that folder: the .oci.json first, as notation): the statement whose registryScopes name the repository (else the \"*\" one) says the trust stores, identities and level; instead of --notary-roots and the flags beside it",
    valueName: 'FILE|DIR',
  },
  'notary-trust-store': {
    type: 'string',
    description: "with --notary-trust-policy: notation's trust store folder, holding x509/{ca,signingAuthority,tsa}/NAME/ (default: the truststore folder beside the policy file)",
    valueName: 'DIR',
  },
  'notary-scope': {
    type: 'string',
    description: "with --notary-trust-policy: the registry scope to pick the statement by, registry/repository, as notation's scope flag gives it; needed with --oci-layout, and for a registry reference instead of its own repository",
    valueName: 'SCOPE',
  },
};

/** `--notary-trust-policy` and what goes with it, as given. */
export interface NotaryPolicyFlags {
  file: string;
  /** The trust store folder: `--notary-trust-store`, else (set with the trust) `truststore` beside the policy file (notation's layout). */
  store?: string;
  /** `--notary-scope`, else (read with the trust) the registry reference's `registry/repository`. */
  scope?: string;
}

/** The Notary flags as given (the JSON says what was asked), and the identities read; or the trust policy given instead. */
export interface NotaryFlags {
  roots: string[];
  authorityRoots: string[];
  tsaRoots: string[];
  identities: NotaryIdentity[];
  policy?: NotaryPolicyFlags;
}

/**
 * The Notary flags, checked before any file is read: undefined when no roots nor trust policy are given; an
 * identity without roots is refused, and the trust policy with a piecewise flag (the policy says all they would).
 */
export function notaryFlags(p: ParsedCommand): NotaryFlags | undefined {
  const roots = listOpt(p, 'notary-roots');
  const authorityRoots = listOpt(p, 'notary-authority-roots');
  const identityTexts = listOpt(p, 'notary-identity');
  const tsaRoots = listOpt(p, 'notary-tsa-roots');
  const policyFile = stringOpt(p, 'notary-trust-policy');
  const store = stringOpt(p, 'notary-trust-store');
  const scope = stringOpt(p, 'notary-scope');
  if (policyFile === undefined) {
    const stray = store !== undefined ? '--notary-trust-store' : scope !== undefined ? '--notary-scope' : undefined;
    if (stray) throw new UsageError(`${stray} goes with --notary-trust-policy FILE: give it too`);
  } else {
    const piecewise = ([['--notary-roots', roots], ['--notary-authority-roots', authorityRoots], ['--notary-tsa-roots', tsaRoots], ['--notary-identity', identityTexts]] as const).find(([, v]) => v.length > 0);
    if (piecewise) throw new UsageError(`--notary-trust-policy and ${piecewise[0]}: give one (the trust policy names its trust stores and identities)`);
    if (policyFile === '') throw new UsageError('--notary-trust-policy: empty');
    if (scope !== undefined) {
      const problem = scopeProblem(scope);
      if (problem) throw new UsageError(`--notary-scope ${problem}`);
    } else if (boolOpt(p, 'oci-layout')) {
      throw new UsageError("--notary-trust-policy with --oci-layout needs --notary-scope SCOPE (notation's --scope): the registryScopes value to pick the statement by, such as local/my-layout");
    }
    return { roots: [], authorityRoots: [], tsaRoots: [], identities: [], policy: { file: policyFile, ...(store !== undefined ? { store } : {}), ...(scope !== undefined ? { scope } : {}) } };
  }
  if (roots.length === 0 && authorityRoots.length === 0) {
    for (const [flag, given] of [['--notary-identity', identityTexts], ['--notary-tsa-roots', tsaRoots]] as const) {
      if (given.length > 0) throw new UsageError(`${flag} is for Notary signatures: give --notary-roots (or --notary-authority-roots) too, the roots they must chain to`);
    }
    return undefined;
  }
  const identities = identityTexts.map((t) => {
    try {
      return parseNotaryIdentity(t);
    } catch (err) {
      throw new UsageError(`--notary-identity ${(err as Error).message}`);
    }
  });
  return { roots, authorityRoots, tsaRoots, identities };
}

/**
 * The roots the Notary flags name, read (each file, or each file of a folder, in name order); or, with a trust
 * policy, the statement for the scope (`--notary-scope`, else `raw`'s registry/repository) and its trust stores.
 */
export async function notaryTrust(f: NotaryFlags, raw?: string): Promise<NotaryTrust> {
  if (f.policy) return policyTrust(f.policy, raw);
  const read = async (flag: string, paths: string[]): Promise<Certificate[]> => (await Promise.all(paths.map((path) => rootsAt(flag, path)))).flat();
  return {
    roots: await read('--notary-roots', f.roots),
    authorityRoots: await read('--notary-authority-roots', f.authorityRoots),
    tsaRoots: await read('--notary-tsa-roots', f.tsaRoots),
    identities: f.identities,
  };
}

/** A trust store flag's roots (readNotaryTrustStore), its error led by the flag: `--notary-roots roots/: no certificate in it`. */
async function rootsAt(flag: string, path: string): Promise<Certificate[]> {
  try {
    return await readNotaryTrustStore(path, { tsa: flag === '--notary-tsa-roots' });
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `${flag} ${(err as Error).message}`, { cause: err });
  }
}

/** The trust policy read, its statement for the scope picked, its stores read: errors name the file (INVALID_ARGUMENT). */
async function policyTrust(f: NotaryPolicyFlags, raw: string | undefined): Promise<NotaryTrust> {
  f.file = await trustPolicyFile(f.file).catch((err: Error) => {
    throw new OciError('INVALID_ARGUMENT', `--notary-trust-policy ${err.message}`, { cause: err });
  });
  f.store ??= join(dirname(f.file), 'truststore');
  const text = (await readFlagFile('--notary-trust-policy', f.file)).toString('utf8');
  try {
    const doc = parseTrustPolicy(text, f.file);
    if (f.scope === undefined) {
      const ref = parseRegistryReference(raw ?? '');
      f.scope = `${ref.registry}/${ref.repository}`;
    }
    return await trustPolicyTrust(selectTrustPolicy(doc, f.scope, f.file), f.store);
  } catch (err) {
    if (!(err instanceof TrustPolicyError)) throw err;
    throw new OciError('INVALID_ARGUMENT', `--notary-trust-policy ${err.message}`, { cause: err });
  }
}

/** What Notary trust was asked, for verify's JSON (an added field). */
export function notaryJson(f: NotaryFlags | undefined): Record<string, unknown> {
  if (f?.policy) return { notary: { trustPolicy: f.policy.file, trustStore: f.policy.store, ...(f.policy.scope !== undefined ? { scope: f.policy.scope } : {}) } };
  return f ? { notary: { roots: f.roots, authorityRoots: f.authorityRoots, ...(f.tsaRoots.length > 0 ? { tsaRoots: f.tsaRoots } : {}), identities: f.identities.map((i) => i.text) } } : {};
}
