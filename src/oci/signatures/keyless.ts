import { type Certificate, certificateFacts, parseCertificates } from './x509/certificates';
import { chainToRoots, validAt } from './x509/certificateChain';
import { keyAlgorithmField, loadPublicKey } from './keys/publicKeys';
import { BUNDLE_ANNOTATION, type RekorEntry, type RekorKey, untimedEntryProblem, verifyBundle } from './rekorBundle';
import type { CertificateSummary, SignatureProblem, SignatureResult } from './signatureResult';
import type { VerifiedTimestamp } from './x509/timestamp';
import { type CtLogKey, subjectPublicKeyInfo, verifyEmbeddedScts } from './x509/sct';
import { outsideValidFor, type ValidFor, validForText } from './x509/validFor';

/**
 * cosign's keyless signatures: the layer carries the signing certificate (PEM, annotation
 * `dev.sigstore.cosign/certificate`; Fulcio's lives ~10 minutes) and its chain (`dev.sigstore.cosign/chain`,
 * intermediates then root), and usually a Rekor bundle. Verified offline against roots the user gives, as cosign 2's
 * `verify --certificate-identity ... --certificate-oidc-issuer ... --ca-roots ...` does.
 */
export const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const CHAIN_ANNOTATION = 'dev.sigstore.cosign/chain';

/** A text a certificate must hold: exactly, or matched (anywhere, as Go's MatchString) by a pattern. */
export type TextMatch = { equals: string } | { matches: RegExp; pattern: string };

/** Which certificates are trusted, and for whom. */
export interface CertificatePolicy {
  roots: readonly Certificate[];
  /** Given intermediates (`--ca-intermediates`), beside those a signature's chain annotation brings. */
  intermediates: readonly Certificate[];
  /** One SAN (email, URI, DNS name, IP, Fulcio username) must match (`--certificate-identity[-regexp]`). */
  identity: TextMatch;
  /** Fulcio's OIDC issuer extension must match (`--certificate-oidc-issuer[-regexp]`); none reads as "", as cosign reads it. */
  oidcIssuer: TextMatch;
  /**
   * A trusted root's certificate authorities (`--trusted-root`), whose roots and intermediates the two above join: a
   * certificate must chain to one whose `validFor` holds its notBefore (when it was issued), as sigstore-go asks.
   */
  authorities?: readonly CertificateAuthority[];
}

/** One of a trusted root's certificate authorities: its chain (named for messages) and the window it issued certificates in. */
export interface CertificateAuthority {
  name: string;
  roots: readonly Certificate[];
  intermediates: readonly Certificate[];
  validFor?: ValidFor;
}

type Fields = Partial<SignatureResult>;
export type CertificateCheck = { ok: true; fields: Fields } | { ok: false; problem: SignatureProblem; reason: string; fields: Fields };

/**
 * Whether the certificate of a layer (its `annotations`) makes `signature` over `payload` valid under `policy`:
 * the leaf's key verifies the signature; with `rekorKeys`, the bundle is verified and is of this signature, and its
 * integratedTime is a time everything is checked at, as is each RFC 3161 timestamp `timestamped` verifies (without
 * any, now: a Fulcio certificate is then long expired, which says so); the leaf chains to a root; a SAN matches the identity; the OIDC issuer matches; with
 * `ctLogKeys`, the leaf carries an SCT one of them verifies (sct.ts); the chain is valid at each such time. The first failure is the result, named.
 */
export function verifyWithCertificate(
  annotations: Readonly<Record<string, string>>,
  payload: Buffer,
  signature: Buffer,
  policy: CertificatePolicy,
  rekorKeys: readonly RekorKey[],
  /** Given (not empty): the leaf must carry an SCT of one of these CT logs, over it and its issuer's key (as cosign asks unless --insecure-ignore-sct). */
  ctLogKeys: readonly CtLogKey[],
  now: Date,
  /** How the signature's Rekor entry is found and checked (a Sigstore bundle's tlog entries); by default the bundle annotation's. */
  logged: (publicKeyDer: Buffer) => RekorEntry | { bad: string } = (publicKey) => verifyBundle(annotations[BUNDLE_ANNOTATION], rekorKeys, { signature, publicKey, payload }),
  /** A Sigstore bundle's RFC 3161 timestamps, verified (timestamp.ts): each is a time the certificate is checked at too. */
  timestamped: () => VerifiedTimestamp[] | { bad: string } = () => [],
): CertificateCheck {
  const fields: Fields = {};
  const fail = (problem: SignatureProblem, reason: string): CertificateCheck => ({ ok: false, problem, reason, fields });
  const pem = annotations[CERTIFICATE_ANNOTATION];
  if (pem === undefined) return fail('no-certificate', `no certificate (annotation ${CERTIFICATE_ANNOTATION}) to verify it with`);
  let leaf: Certificate;
  let chain: Certificate[] = [];
  try {
    const leaves = parseCertificates('the certificate', pem);
    if (leaves.length !== 1) return fail('malformed-certificate', `${CERTIFICATE_ANNOTATION}: ${leaves.length} certificates, not one`);
    leaf = leaves[0]!;
    const chainPem = annotations[CHAIN_ANNOTATION];
    if (chainPem !== undefined) chain = parseCertificates('the chain annotation', chainPem);
  } catch (err) {
    return fail('malformed-certificate', (err as Error).message);
  }
  const summary: CertificateSummary = certificateFacts(leaf);
  fields.certificate = summary;

  // cosign verifies with the leaf's key over SHA-256 (the curve's own hash too for P-384 and P-521, as with --key).
  const key = loadPublicKey('the certificate', leaf.x509.publicKey.export({ type: 'spki', format: 'pem' }));
  if (key.unsupported) return fail('unsupported-key', `the certificate's key: ${key.unsupported}`);
  const algorithm = key.verifiedBy(payload, signature);
  if (algorithm === undefined) return fail('bad-signature', `the certificate's key (${key.type}, ${identityText(summary)}) does not verify it: the payload or the signature was changed`);
  fields.keyType = key.type;
  Object.assign(fields, keyAlgorithmField(algorithm));

  // The times it is checked at, each (as sigstore-go checks each verified time): Rekor's, then the TSAs'; none, now.
  const times: Array<{ at: Date; what: string }> = [];
  let entry: RekorEntry | undefined;
  if (rekorKeys.length > 0) {
    const found = logged(leaf.x509.raw);
    if ('bad' in found) return fail('bad-bundle', found.bad);
    entry = found;
    Object.assign(fields, loggedFields(entry));
    // An entry proved by its inclusion proof alone (Rekor v2) gives no signed time: a timestamp gives it, else now, as sigstore-go does when told to use the current time.
    if (entry.integratedTime !== undefined) times.push({ at: new Date(entry.integratedTime * 1000), what: 'the time Rekor logged it' });
  }
  const stamps = timestamped();
  if ('bad' in stamps) return fail('bad-bundle', stamps.bad);
  if (stamps.length > 0) fields.timestamp = stamps[0]!;
  for (const [i, t] of stamps.entries()) times.push({ at: new Date(t.time), what: `the time its RFC 3161 timestamp${stamps.length > 1 ? ` [${i}]` : ''} by ${t.authority} gives` });
  const untimed = entry && untimedEntryProblem(entry, rekorKeys, stamps.map((t) => new Date(t.time)));
  if (untimed) return fail('bad-bundle', untimed);
  const at = times[0]?.at ?? now;

  const trusted = chainToRoots(leaf, [...policy.intermediates, ...chain], policy.roots);
  if ('untrusted' in trusted) return fail('untrusted-certificate', trusted.untrusted);
  const outside = policy.authorities && authorityProblem(leaf, chain, policy.authorities, trusted.chain);
  if (outside) return fail('untrusted-certificate', outside);
  summary.root = trusted.chain[trusted.chain.length - 1]!.name;

  const names = leaf.fields.names;
  if (!names.some((n) => matches(policy.identity, n))) {
    return fail('certificate-identity-mismatch', `the certificate is for ${names.length > 0 ? names.join(', ') : 'no name (its SAN lists none)'}, not ${matchText(policy.identity)}`);
  }
  const issuer = leaf.fields.oidcIssuer ?? '';
  if (!matches(policy.oidcIssuer, issuer)) {
    const found = leaf.fields.oidcIssuer === undefined ? 'names no OIDC issuer (extension 1.3.6.1.4.1.57264.1.8 or .1.1)' : `was issued through OIDC issuer ${issuer}`;
    return fail('issuer-mismatch', `the certificate ${found}, not ${matchText(policy.oidcIssuer)}`);
  }
  if (ctLogKeys.length > 0) {
    // The SCT signs the issuer's key hash: the issuer the chain found, as cosign and sigstore-go take chain[1].
    const sct = verifyEmbeddedScts(leaf.x509.raw, subjectPublicKeyInfo(trusted.chain[1]!.x509.raw), ctLogKeys);
    if ('bad' in sct) return fail('certificate-sct', sct.bad);
    fields.ctLogKey = sct.logKey;
  }

  summary.checkedAt = at.toISOString();
  for (const t of times.length > 0 ? times : [{ at: now, what: undefined }]) {
    const expired = validAt(trusted.chain, t.at);
    if (!expired) continue;
    const when =
      t.what !== undefined
        ? ` (${t.what})`
        : rekorKeys.length > 0
          ? ' (now: its Rekor entry is proved by an inclusion proof alone, as Rekor v2 logs, which gives no signed time, and no RFC 3161 timestamp verified under --timestamp-certificate-chain gives one)'
          : ' (now: with no --rekor-key, no logged time is trusted; give the Rekor public key to check it at the time Rekor logged it)';
    return fail('certificate-expired', `${expired}${when}`);
  }
  return { ok: true, fields };
}

/**
 * Why no certificate authority of a trusted root both issues `leaf` (a chain to its root, through its own
 * intermediates and those the signature carries) and was valid when it did (its `validFor` holds the leaf's
 * notBefore); undefined when one does. `found` is the chain through all of them, which names the authority meant.
 */
function authorityProblem(leaf: Certificate, carried: readonly Certificate[], authorities: readonly CertificateAuthority[], found: readonly Certificate[]): string | undefined {
  const issued = leaf.fields.notBefore;
  for (const a of authorities) {
    if (outsideValidFor(a.validFor, issued) === undefined && !('untrusted' in chainToRoots(leaf, [...a.intermediates, ...carried], a.roots))) return undefined;
  }
  const root = found[found.length - 1]!;
  const meant = authorities.find((a) => a.roots.includes(root));
  return `it was issued at ${issued.toISOString()} (its notBefore), when ${meant ? `${meant.name}, whose root it chains to, was not valid (${validForText(meant.validFor)})` : 'no certificate authority of the trusted root it chains to was valid'}`;
}

/** What a result says of a verified Rekor entry: its time (when its SET gave one), the Rekor key, and whether an inclusion proof was verified. */
export function loggedFields(entry: RekorEntry): Fields {
  return { ...(entry.integratedTime !== undefined ? { integratedTime: entry.integratedTime } : {}), rekorKey: entry.key, ...(entry.inclusionProof ? { inclusionProof: true } : {}) };
}

/** `mitr@redhat.com (https://github.com/login/oauth)`: whom a certificate was issued to, through which OIDC issuer. */
export function identityText(c: CertificateSummary): string {
  const who = c.identities.length > 0 ? c.identities.join(', ') : c.subject || '(no name)';
  return c.oidcIssuer === undefined ? who : `${who} (${c.oidcIssuer})`;
}

function matches(m: TextMatch, text: string): boolean {
  if ('equals' in m) return m.equals === text;
  m.matches.lastIndex = 0; // a global or sticky RegExp would start where its last match ended
  return m.matches.test(text);
}

function matchText(m: TextMatch): string {
  return 'equals' in m ? m.equals : `one matching ${m.pattern}`;
}
