import { type Certificate, OID, oneLine, subjectLine } from './certificates';

/** What a chain's certificates must allow (an EKU without it refuses): code signing, or a timestamp authority's time stamping. */
export interface Purpose {
  oid: string;
  name: string;
}
export const CODE_SIGNING: Purpose = { oid: OID.codeSigning, name: 'code signing' };
export const TIME_STAMPING: Purpose = { oid: OID.timeStamping, name: 'time stamping' };

/** More certificates than any real chain has above a leaf (Fulcio's is 2): a bound on the search, not a policy. */
const MAX_DEPTH = 8;

/**
 * Intermediates looked through at most (a real chain brings 1 to 3): the annotation is the signer's to fill, and
 * each candidate costs a signature check, so a chain of thousands of cross-signed certificates is refused, not searched.
 */
export const MAX_INTERMEDIATES = 64;

/**
 * A chain from `leaf` up to one of `roots`, through `intermediates` (given, or from the signature's chain
 * annotation: untrusted, only a path), as Go's crypto/x509 Verify builds one for cosign: each certificate issued by
 * the next (names and key identifiers, Node's checkIssued) and signed by its key; each issuer a CA whose
 * pathLenConstraint allows the intermediates below it; each certificate that has an EKU extension allowing code
 * signing, or `purpose` (none: any purpose); no critical extension left unread. Validity in time is the caller's (it is checked at
 * the Rekor entry's time or now). Returns the chain (leaf first, root last) or why there is none.
 */
export function chainToRoots(leaf: Certificate, intermediates: readonly Certificate[], roots: readonly Certificate[], purpose: Purpose = CODE_SIGNING): { chain: Certificate[] } | { untrusted: string } {
  const certificateProblem = (c: Certificate) => purposeProblem(c, purpose);
  const own = certificateProblem(leaf);
  if (own) return { untrusted: `${leaf.name} ${own}` };
  if (intermediates.length > MAX_INTERMEDIATES) return { untrusted: `${intermediates.length} intermediate certificates offered, more than the ${MAX_INTERMEDIATES} looked through` };
  const tried: string[] = [];
  // Each (certificate, issuer) signature checked once; each certificate searched above again only from nearer the
  // leaf than where it failed (more depth left, fewer intermediates below): the search stays polynomial. It may then
  // miss a chain only a cycle of cross-signed certificates offers: it fails closed.
  const signedBy = new Map<string, boolean>();
  const failedAt = new Map<Certificate, number>();
  const search = (chain: Certificate[]): Certificate[] | undefined => {
    const child = chain[chain.length - 1]!;
    const below = chain.length - 1; // intermediates between a new issuer and the leaf
    const issues = (issuer: Certificate): boolean => {
      if (!child.x509.checkIssued(issuer.x509)) return false;
      const pair = `${child.x509.fingerprint256} ${issuer.x509.fingerprint256}`;
      let signed = signedBy.get(pair);
      if (signed === undefined) {
        try {
          signed = child.x509.verify(issuer.x509.publicKey);
        } catch {
          signed = false; // a key that cannot verify this signature's algorithm is not its issuer
        }
        signedBy.set(pair, signed);
      }
      if (!signed) return (tried.push(`${issuer.name} names it but its key does not verify ${child.name}'s signature`), false);
      const problem = !issuer.fields.ca ? 'is not a CA (basicConstraints)' : issuer.fields.pathLength !== undefined && issuer.fields.pathLength < below ? `allows ${issuer.fields.pathLength} intermediates below it, not ${below}` : certificateProblem(issuer);
      if (problem) return (tried.push(`${issuer.name} ${problem}`), false);
      return true;
    };
    const root = roots.find(issues);
    if (root) return [...chain, root];
    if (chain.length > MAX_DEPTH) return undefined;
    for (const next of intermediates) {
      if (chain.some((c) => c.x509.raw.equals(next.x509.raw)) || (failedAt.get(next) ?? Infinity) <= chain.length || !issues(next)) continue;
      const found = search([...chain, next]);
      if (found) return found;
      failedAt.set(next, Math.min(failedAt.get(next) ?? Infinity, chain.length));
    }
    return undefined;
  };
  const chain = search([leaf]);
  if (chain) return { chain };
  const rootNames = roots.map((r) => `${r.name}: ${subjectLine(r)}`).join('; ');
  const why = tried.length > 0 ? ` (${[...new Set(tried)].join('; ')})` : '';
  return { untrusted: `issued by ${oneLine(leaf.x509.issuer)}, no chain to the roots given (${rootNames}) through ${intermediates.length} intermediate${intermediates.length === 1 ? '' : 's'}${why}` };
}

/** Why a certificate may not be in a chain for `purpose`: an EKU without it, a critical extension not read. */
function purposeProblem(c: Certificate, purpose: Purpose): string | undefined {
  const eku = c.fields.extendedKeyUsage;
  if (eku && !eku.includes(purpose.oid) && !eku.includes(OID.anyExtendedKeyUsage)) return `is not for ${purpose.name} (extendedKeyUsage ${eku.join(', ')})`;
  if (c.fields.unhandledCritical.length > 0) return `has critical extensions not understood here (${c.fields.unhandledCritical.join(', ')})`;
  return undefined;
}

/** Whether each certificate of `chain` is valid at `at` (notBefore <= at <= notAfter, as cosign's CheckExpiry), or which is not and why. */
export function validAt(chain: readonly Certificate[], at: Date): string | undefined {
  for (const c of chain) {
    const { notBefore, notAfter } = c.fields;
    if (at < notBefore) return `${c.name} is valid from ${notBefore.toISOString()}, after ${at.toISOString()}`;
    if (at > notAfter) return `${c.name} expired at ${notAfter.toISOString()}, before ${at.toISOString()}`;
  }
  return undefined;
}
