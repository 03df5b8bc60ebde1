// The keyless and Rekor flags verify and verify-attestation share: their options, their checks, the files they read.
// fs.promises, not node:fs/promises: loaded on first use, not at every CLI start (cliStartup.test.ts).
import { promises as fsp } from 'node:fs';
import { OciError } from '../oci/errors';
import { compileGoRegexp } from '../oci/goRegexp';
import { type CertificatePolicy, type CtLogKey, joinTimestampAuthorities, loadCtLogKey, loadCertificates, loadPublicKey, loadRekorKey, parseTrustedRoot, type RekorKey, type TextMatch, timestampAuthorities, type TimestampAuthorities, type TrustedRoot, trustedRootCertificates, trustedRootCtLogKeys, trustedRootTimestampAuthorities, type VerifyKey } from '../oci/signatures';
import type { Platform } from '../oci/descriptor';
import { parsePlatform } from '../oci/platform';
import { boolOpt, listOpt, type OptionSpec, type ParsedCommand, stringOpt, UsageError } from './command';

/** `--certificate-identity[-regexp]`, `--certificate-oidc-issuer[-regexp]`, `--ca-roots`, `--ca-intermediates`, `--timestamp-certificate-chain`, `--rekor-key`, `--ctlog-key`. */
export const CERTIFICATE_OPTIONS: Record<string, OptionSpec> = {
    'certificate-identity': { type: 'string', description: "keyless: the identity (email, URI) a signature's certificate must be for, exactly", valueName: 'ID' },
    'certificate-identity-regexp': { type: 'string', description: "keyless: a Go regexp one of the certificate's identities must match", valueName: 'RE' },
    'certificate-oidc-issuer': { type: 'string', description: "keyless: the OIDC issuer the certificate must name, exactly (https://token.actions.githubusercontent.com)", valueName: 'ISSUER' },
    'certificate-oidc-issuer-regexp': { type: 'string', description: 'keyless: a Go regexp the OIDC issuer must match', valueName: 'RE' },
    'ca-roots': { type: 'string', description: "keyless: PEM root certificates a signature's certificate must chain to (Fulcio's fulcio_v1.crt.pem)", valueName: 'FILE' },
    'ca-intermediates': { type: 'string', description: 'keyless: PEM intermediate certificates, beside those a signature carries', valueName: 'FILE' },
    'timestamp-certificate-chain': {
      type: 'string',
      multiple: true,
      description: "a timestamp authority's PEM chain (leaf, intermediates, root; as cosign reads it): a Sigstore bundle's RFC 3161 timestamps must verify under it, and give the time its certificate is checked at",
      valueName: 'FILE',
    },
    'rekor-key': { type: 'string', multiple: true, description: "a Rekor public key (rekor.pub): every signature's Rekor bundle must verify with it; a certificate is then checked at the time Rekor logged it", valueName: 'FILE' },
    'ctlog-key': { type: 'string', multiple: true, description: "keyless: a certificate transparency log's public key (Fulcio's ctfe.pub): a signature's certificate must carry an SCT it verifies", valueName: 'FILE' },
    'trusted-root': { type: 'string', description: "Sigstore's trusted_root.json (as cosign's --trusted-root): its certificate authorities, Rekor keys and timestamp authorities, each trusted within its validFor; instead of --ca-roots, --ca-intermediates, --rekor-key, --timestamp-certificate-chain and --ctlog-key", valueName: 'FILE' },
};

/** The pieces a trusted root holds: given with --trusted-root, one is refused (as cosign takes the trusted root or the pieces). */
const TRUSTED_ROOT_PIECES = ['ca-roots', 'ca-intermediates', 'rekor-key', 'timestamp-certificate-chain', 'ctlog-key'];

/** `--trusted-root FILE`, refused beside the flags of the pieces it holds. */
export function trustedRootFlag(p: ParsedCommand): string | undefined {
  const file = stringOpt(p, 'trusted-root');
  const piece = file === undefined ? undefined : TRUSTED_ROOT_PIECES.find((f) => listOpt(p, f).length > 0);
  if (piece) throw new UsageError(`--trusted-root and --${piece}: give one (the trusted root holds the certificate authorities, Rekor keys, timestamp authorities and CT logs; or give them as --ca-roots, --ca-intermediates, --rekor-key, --timestamp-certificate-chain, --ctlog-key)`);
  return file;
}

export async function readKey(file: string): Promise<VerifyKey> {
  return loadPublicKey(file, await readFlagFile('--key', file));
}

export async function readRekorKey(file: string): Promise<RekorKey> {
  return loadRekorKey(file, await readFlagFile('--rekor-key', file));
}

export async function readCtLogKey(file: string): Promise<CtLogKey> {
  return loadCtLogKey(file, await readFlagFile('--ctlog-key', file));
}

export async function readFlagFile(flag: string, file: string): Promise<Buffer> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `${flag} ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** The keyless flags as given (for the policy, and for the JSON to say what was asked). */
export interface CertificateFlags {
  identity: { equals: string } | { regexp: string };
  oidcIssuer: { equals: string } | { regexp: string };
  /** --ca-roots; absent with --trusted-root. */
  roots?: string;
  intermediates?: string;
  /** The two, compiled (a regexp that does not compile is a usage error, before any file is read). */
  match: Pick<CertificatePolicy, 'identity' | 'oidcIssuer'>;
}

/**
 * The keyless flags, checked as cosign 2 asks them: an identity (exact or regexp) and an OIDC issuer (exact or
 * regexp), one of each; and, offline, the roots to trust (cosign would fetch Sigstore's; nothing is fetched here).
 * Undefined when none is given; the roots or intermediates without an identity are refused.
 */
export function certificateFlags(p: ParsedCommand): CertificateFlags | undefined {
  const one = (exact: string, regexp: string): { equals: string } | { regexp: string } | undefined => {
    const e = stringOpt(p, exact);
    const r = stringOpt(p, regexp);
    if (e !== undefined && r !== undefined) throw new UsageError(`--${exact} and --${regexp}: give one`);
    if (e === '') throw new UsageError(`--${exact}: empty`);
    return e !== undefined ? { equals: e } : r !== undefined ? { regexp: r } : undefined;
  };
  const identity = one('certificate-identity', 'certificate-identity-regexp');
  const oidcIssuer = one('certificate-oidc-issuer', 'certificate-oidc-issuer-regexp');
  const roots = stringOpt(p, 'ca-roots');
  const intermediates = stringOpt(p, 'ca-intermediates');
  const trustedRoot = trustedRootFlag(p);
  if (!identity) {
    const stray = oidcIssuer ? '--certificate-oidc-issuer' : roots !== undefined ? '--ca-roots' : intermediates !== undefined ? '--ca-intermediates' : listOpt(p, 'ctlog-key').length > 0 ? '--ctlog-key' : undefined;
    if (stray) throw new UsageError(`${stray} is for keyless signatures: give --certificate-identity (or --certificate-identity-regexp) too`);
    return undefined;
  }
  if (!oidcIssuer) throw new UsageError('--certificate-identity needs --certificate-oidc-issuer (or --certificate-oidc-issuer-regexp): the OIDC issuer the certificate must name, as cosign asks');
  if (roots === undefined && trustedRoot === undefined) {
    throw new UsageError("--certificate-identity needs --ca-roots FILE or --trusted-root FILE: the root certificates to trust (Fulcio's fulcio_v1.crt.pem, or Sigstore's trusted_root.json that holds it); nothing is fetched");
  }
  const match = { identity: textMatch('--certificate-identity-regexp', identity), oidcIssuer: textMatch('--certificate-oidc-issuer-regexp', oidcIssuer) };
  return { identity, oidcIssuer, ...(roots !== undefined ? { roots } : {}), ...(intermediates !== undefined ? { intermediates } : {}), match };
}

/** The policy the flags ask: its roots from --ca-roots, or from the trusted root's certificate authorities (each within its window). */
export async function certificatePolicy(f: CertificateFlags, trustedRoot?: TrustedRoot): Promise<CertificatePolicy> {
  if (trustedRoot) return { ...trustedRootCertificates(trustedRoot), ...f.match };
  const certs = async (flag: string, file: string) => loadCertificates(file, await readFlagFile(flag, file));
  return {
    roots: await certs('--ca-roots', f.roots!),
    intermediates: f.intermediates !== undefined ? await certs('--ca-intermediates', f.intermediates) : [],
    ...f.match,
  };
}

/** An exact text, or a Go regexp (cosign's are Go's, matched anywhere in the text) as one JS RegExp that reads it the same. */
function textMatch(flag: string, m: { equals: string } | { regexp: string }): TextMatch {
  if ('equals' in m) return m;
  try {
    const re = compileGoRegexp(m.regexp);
    return { matches: new RegExp(re.source, re.flags.replace('g', '')), pattern: m.regexp };
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
}

/**
 * `--timestamp-certificate-chain` files, each read as cosign reads its one file (SplitPEMCertificateChain): a non-CA
 * certificate is a TSA's leaf (a token may carry none), a self-signed CA a root, another CA an intermediate. One flag,
 * cosign's, rather than --timestamp-roots and --timestamp-intermediates: the file a trusted_root.json's
 * timestampAuthorities[].certChain makes is that chain, leaf to root, and a token without its leaf needs the leaf too.
 */
export async function readTimestampChains(files: readonly string[]): Promise<TimestampAuthorities | undefined> {
  if (files.length === 0) return undefined;
  const parts: TimestampAuthorities[] = [];
  for (const file of files) {
    const read = timestampAuthorities(loadCertificates(file, await readFlagFile('--timestamp-certificate-chain', file)));
    if (read.roots.length === 0) throw new OciError('INVALID_ARGUMENT', `--timestamp-certificate-chain ${file}: no root (a self-signed CA certificate) in it: the chain must end with the TSA's root`);
    parts.push(read);
  }
  return joinTimestampAuthorities(parts);
}

/** What keyless verification was asked, the Rekor keys, the TSA chains and the CT log keys given (or the trusted root): the fields verify's and verify-attestation's JSON add. */
export function trustJson(c: CertificateFlags | undefined, rekorKeys: readonly RekorKey[] | undefined, timestampChains: readonly string[] = [], ctLogKeys: readonly CtLogKey[] = [], trustedRoot?: string): Record<string, unknown> {
  return {
    ...(trustedRoot !== undefined ? { trustedRoot } : {}),
    ...(timestampChains.length > 0 ? { timestampCertificateChains: [...timestampChains] } : {}),
    ...(c
      ? {
          certificates: {
            ...('equals' in c.identity ? { identity: c.identity.equals } : { identityRegexp: c.identity.regexp }),
            ...('equals' in c.oidcIssuer ? { oidcIssuer: c.oidcIssuer.equals } : { oidcIssuerRegexp: c.oidcIssuer.regexp }),
            ...(c.roots !== undefined ? { roots: c.roots } : {}),
            ...(c.intermediates !== undefined ? { intermediates: c.intermediates } : {}),
          },
        }
      : {}),
    ...(rekorKeys && rekorKeys.length > 0 ? { rekorKeys: rekorKeys.map((k) => ({ name: k.name, logID: k.logId })) } : {}),
    ...(ctLogKeys.length > 0 ? { ctLogKeys: ctLogKeys.map((k) => ({ name: k.name, logID: k.logId })) } : {}),
  };
}

/** What verify and verify-attestation trust, read from their flags: the --key files, the certificate policy, the Rekor keys. */
export interface TrustFlags {
  keys: VerifyKey[];
  certificates?: CertificateFlags;
  /** The core's options for them: `certificates` (the policy) and `rekorKeys`, each when given. */
  options: { certificates?: CertificatePolicy; rekorKeys?: RekorKey[]; ctLogKeys?: CtLogKey[]; timestampAuthorities?: TimestampAuthorities };
  rekorKeys: RekorKey[];
  ctLogKeys: CtLogKey[];
  /** The --timestamp-certificate-chain files, as given. */
  timestampChains: string[];
  /** The --trusted-root file, as given. */
  trustedRoot?: string;
}

/**
 * The trust flags read; a usage error naming `what` (signature, attestation) when neither a key nor an identity is
 * given (nor, with `orNotary`, Notary roots: verify's other kind of trust).
 */
export async function trustFlags(p: ParsedCommand, what: 'signature' | 'attestation', orNotary = false): Promise<TrustFlags> {
  const files = listOpt(p, 'key');
  const certificates = certificateFlags(p);
  if (files.length === 0 && !certificates && !orNotary) {
    const notary = what === 'signature' ? ' (or --notary-roots FILE|DIR for Notary Project signatures)' : '';
    throw new UsageError(`--key FILE is required, or --certificate-identity ID for keyless ${what}s: the public key (cosign.pub) to verify with, or whom a${what === 'attestation' ? 'n' : ''} ${what}'s certificate must be for${notary}`);
  }
  const keys = await Promise.all(files.map(readKey));
  const trustedRoot = trustedRootFlag(p);
  const root = trustedRoot !== undefined ? parseTrustedRoot(trustedRoot, await readFlagFile('--trusted-root', trustedRoot)) : undefined;
  if (certificates && root?.certificateAuthorities.length === 0) throw new OciError('INVALID_ARGUMENT', `--trusted-root ${trustedRoot}: no certificateAuthorities in it, for --certificate-identity to chain to`);
  const policy = certificates && (await certificatePolicy(certificates, root));
  const rekorKeys = root ? root.rekorKeys : await Promise.all(listOpt(p, 'rekor-key').map(readRekorKey));
  const timestampChains = listOpt(p, 'timestamp-certificate-chain');
  const tsa = root ? trustedRootTimestampAuthorities(root) : await readTimestampChains(timestampChains);
  const ctLogKeys = root ? trustedRootCtLogKeys(root) : await Promise.all(listOpt(p, 'ctlog-key').map(readCtLogKey));
  const options = { ...(policy ? { certificates: policy } : {}), ...(rekorKeys.length > 0 ? { rekorKeys } : {}), ...(ctLogKeys.length > 0 ? { ctLogKeys } : {}), ...(tsa ? { timestampAuthorities: tsa } : {}) };
  return { keys, ...(certificates ? { certificates } : {}), rekorKeys, ctLogKeys, timestampChains, ...(trustedRoot !== undefined ? { trustedRoot } : {}), options };
}

/** `--platform P` or `--recursive` (not both), as the core's options take them. */
export function subjectFlags(p: ParsedCommand): { platform?: Platform; recursive: boolean } {
  const platformText = stringOpt(p, 'platform');
  if (platformText !== undefined && boolOpt(p, 'recursive')) throw new UsageError('--platform and --recursive: give one (a platform, or every manifest)');
  return { ...(platformText !== undefined ? { platform: parsePlatform(platformText) } : {}), recursive: boolOpt(p, 'recursive') };
}
