import { childrenOf, DerError, expect, oidText, readOnly, TAG } from '../x509/der';
import { shownValue } from '../../validate/shownValue';

/**
 * Notation's trusted identities (trust-store-trust-policy.md "Trusted identities constraints"): `x509.subject: C=US,
 * ST=WA, O=wabbit-networks.io, ...`, RDNs as RFC 4514 writes them, matched as notation-go matches them: each
 * attribute the identity names must be the signing certificate's subject's, with the same value; the certificate's
 * other attributes do not matter. An identity must name C, ST (or S) and O; one attribute per RDN, each type once.
 */
export interface NotaryIdentity {
  /** As given (`x509.subject: C=US, ST=WA, O=Notary`), for messages and the JSON. */
  text: string;
  attributes: ReadonlyMap<string, string>;
}

const PREFIX = 'x509.subject:';

/** The attribute types Go's pkix.Name.String writes by name (notation reads the certificate's subject from that text); others by dotted OID. */
const TYPE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.17': 'POSTALCODE',
};

/** `--notary-identity`'s text read: an Error naming what is wrong (the caller makes it a usage error). */
export function parseNotaryIdentity(text: string): NotaryIdentity {
  if (!text.startsWith(PREFIX)) throw new Error(`${shownValue(text)}: expected "${PREFIX} C=..., ST=..., O=..." (notation's trustedIdentities form)`);
  const attributes = parseDistinguishedName(text.slice(PREFIX.length), shownValue(text));
  const missing = ['C', 'ST', 'O'].filter((t) => !attributes.has(t));
  if (missing.length > 0) throw new Error(`${shownValue(text)}: names no ${missing.join(', ')}: an identity must name C, ST (or S) and O at least, as notation asks`);
  return { text, attributes };
}

/**
 * An RFC 4514 distinguished name's attributes by type, in the order written (`C=US, ST=WA, O=Notary`): one attribute
 * per RDN, each type once, `S` read as `ST`, no hex values; what notation reads in trustedIdentities. Errors quote
 * `shown` (the text as the user gave it).
 */
export function parseDistinguishedName(dn: string, shown: string): Map<string, string> {
  if (dn.includes('=#')) throw new Error(`${shown}: a value in hex (=#), which notation does not support either`);
  const attributes = new Map<string, string>();
  for (const rdn of splitUnescaped(dn, ',')) {
    if (splitUnescaped(rdn, '+').length > 1) throw new Error(`${shown}: a multi-valued RDN (${rdn.trim()}), which notation does not support`);
    const eq = rdn.indexOf('=');
    if (eq < 0) throw new Error(`${shown}: ${shownValue(rdn.trim())} is not TYPE=VALUE`);
    let type = rdn.slice(0, eq).trim().toUpperCase();
    if (type === 'S') type = 'ST';
    const value = unescape(rdn.slice(eq + 1));
    if (type === '' || value === '') throw new Error(`${shown}: ${shownValue(rdn.trim())} has an empty type or value`);
    if (attributes.has(type)) throw new Error(`${shown}: ${type} twice`);
    attributes.set(type, value);
  }
  return attributes;
}

/** Whether a certificate's subject (its attributes, subjectAttributes) holds every attribute of `identity`, with the same value. */
export function matchesIdentity(identity: NotaryIdentity, subject: ReadonlyMap<string, string>): boolean {
  for (const [type, value] of identity.attributes) if (subject.get(type) !== value) return false;
  return true;
}

/** A certificate subject's attributes by type, or why they cannot be matched (an attribute twice, a multi-valued RDN: notation refuses these too). */
export function subjectAttributes(subjectDer: Buffer): Map<string, string> | { unmatchable: string } {
  const out = new Map<string, string>();
  try {
    for (const set of childrenOf(expect(readOnly(subjectDer, 'subject'), TAG.SEQUENCE, 'subject'))) {
      const atvs = childrenOf(expect(set, TAG.SET, 'RDN'));
      if (atvs.length !== 1) return { unmatchable: 'its subject has a multi-valued RDN' };
      const [oid, value] = childrenOf(expect(atvs[0], TAG.SEQUENCE, 'attribute'));
      const id = oidText(expect(oid, TAG.OID, 'attribute type').content);
      const type = TYPE_NAMES[id] ?? id;
      if (out.has(type)) return { unmatchable: `its subject has ${type} twice` };
      if (!value) throw new DerError('attribute value: missing');
      out.set(type, value.tag === 0x1e ? Buffer.from(value.content).swap16().toString('utf16le') : value.content.toString(value.tag === TAG.UTF8_STRING ? 'utf8' : 'latin1'));
    }
  } catch (err) {
    return { unmatchable: `its subject is not DER: ${(err as Error).message}` };
  }
  return out;
}

/** `text` split at each `sep` not escaped by a backslash. */
function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === sep) {
      parts.push(text.slice(at, i));
      at = i + 1;
    }
  }
  parts.push(text.slice(at));
  return parts;
}

/** An RFC 4514 value: unescaped spaces around it dropped, `\,` `\\` `\ ` ... read as the character, `\hh` as a byte (UTF-8). */
function unescape(raw: string): string {
  let s = raw.replace(/^ +/, '');
  // Trailing spaces go unless the last is escaped.
  while (s.endsWith(' ') && !s.endsWith('\\ ')) s = s.slice(0, -1);
  const cs = [...s]; // code points, not UTF-16 units
  const bytes: number[] = [];
  for (let i = 0; i < cs.length; i++) {
    if (cs[i] === '\\' && i + 1 < cs.length) {
      const hex = cs.slice(i + 1, i + 3).join('');
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
      i++;
    }
    bytes.push(...Buffer.from(cs[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
