// Revocation under a Notary trust policy. notation asks each certificate's OCSP responder or CRL over the network;
// nothing is fetched here. A certificate that names neither is non-revokable, for notation too (as is the chain's
// root, always): such a chain passes as notation passes it. One that names either has a status unknown here.
import type { Certificate } from '../x509/certificates';
import { childrenOf, contextTag, expect, oidText, readOnly, TAG } from '../x509/der';

const AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
const OCSP = '1.3.6.1.5.5.7.48.1';
const CRL_DISTRIBUTION_POINTS = '2.5.29.31';

/** Why the chain's revocation status is unknown here (a certificate below the root names OCSP or a CRL), or undefined when nothing can revoke it. */
export function revocationUnknown(chain: readonly Certificate[]): string | undefined {
  for (const c of chain.slice(0, -1)) {
    const methods = revocationMethods(c.x509.raw);
    if (methods.length > 0) {
      return `its certificate ${c.x509.subject.replace(/\n/g, ', ')} names ${methods.join(' and ')} for revocation, which is not consulted here (no network): its status is unknown`;
    }
  }
  return undefined;
}

/** `OCSP`, `a CRL`, or both, as the certificate's extensions name them (a certificate not DER names none: its parsing refused it before). */
function revocationMethods(der: Buffer): string[] {
  const out: string[] = [];
  try {
    const tbs = childrenOf(childrenOf(readOnly(der, 'certificate'))[0]!);
    const extensions = tbs.find((n) => n.tag === contextTag(3, true));
    for (const ext of extensions ? childrenOf(expect(childrenOf(extensions)[0], TAG.SEQUENCE, 'extensions')) : []) {
      const parts = childrenOf(ext);
      const oid = oidText(expect(parts[0], TAG.OID, 'extnID').content);
      const value = parts[parts.length - 1]!.content;
      if (oid === CRL_DISTRIBUTION_POINTS) out.push('a CRL');
      if (oid === AUTHORITY_INFO_ACCESS) {
        const access = childrenOf(readOnly(value, 'authorityInfoAccess'));
        if (access.some((a) => oidText(expect(childrenOf(a)[0], TAG.OID, 'accessMethod').content) === OCSP)) out.unshift('OCSP');
      }
    }
  } catch {
    return out;
  }
  return out;
}
