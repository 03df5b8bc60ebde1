// Which changes to a bundle or a trusted root may leave it verifying (damagedBlobVerifyRandom.test.ts): JSON paths
// changed, and the parts named as not read, each with why.
import { childrenOf, readNode } from '../../src/oci/signatures/x509/der';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any


/** The paths at which two JSON values differ (`$.a.b[0]`): one path where a value's type or value changed. */
export function changedPaths(a: unknown, b: unknown, at = '$', out: string[] = []): string[] {
  if (a === b) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) changedPaths((a as Json)[k], (b as Json)[k], Array.isArray(a) ? `${at}[${k}]` : `${at}.${k}`, out);
    return out;
  }
  out.push(at);
  return out;
}

export const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return Symbol('not JSON');
  }
};


/**
 * Parts a bundle or trusted root may have changed in and still verify, each for a reason: nothing signed, nothing
 * checked, only a hint. A match of the changed path (JSON path from the root; `when`, of the damaged document) makes
 * the change harmless.
 */
export const HARMLESS: Array<{ path: RegExp; when?: (damaged: Json, original: Json, path: string) => boolean; why: string }> = [
  { path: /^\$\.verificationMaterial\.publicKey\.[^.[]+$/, why: 'the hint (or a field beside it) names the key, proves nothing: the keys given verify or not whatever it says' },
  {
    path: /^\$\.verificationMaterial\.timestampVerificationData(\.|$)/,
    when: (d) => ((d.verificationMaterial?.timestampVerificationData?.rfc3161Timestamps as unknown[] | undefined) ?? []).length === 0,
    why: "a timestamp dropped: what is left (the tlog entry's SET and time) verifies, as a bundle made without one does",
  },
  { path: /^\$\.(certificateAuthorities|timestampAuthorities)\[\d+\]\.(uri|subject)(\.|$)/, why: "a CA's or TSA's URI and subject say where it is and whom it names; its certificates are what verify" },
  { path: /^\$\.(tlogs|ctlogs)\[\d+\]\.baseUrl$/, why: "a log's URL says where it is; its key (and log ID) is what verifies" },
  {
    path: /^\$\.(tlogs|ctlogs)\[\d+\]\.hashAlgorithm$/,
    why: "not read: every log's tree is RFC 6962's SHA-256, which proofs are checked with; an SCT is checked by its log's key (sigstore-go refuses a value other than SHA2_256)",
  },
  {
    path: /^\$\.verificationMaterial\.tlogEntries\[(\d+)\]\.inclusionProof\.checkpoint\.envelope$/,
    when: (d, o, path) => {
      // Only a signature line's name changed, in a Rekor v1 entry: its log's ECDSA key hint is of the key alone.
      const i = Number(/tlogEntries\[(\d+)\]/.exec(path)![1]);
      const unnamed = (t: unknown) => (typeof t === 'string' ? t.replace(/^\u2014 .* (\S+)$/gm, '\u2014 $1') : t);
      const at = (doc: Json) => doc.verificationMaterial.tlogEntries[i].inclusionProof.checkpoint.envelope as unknown;
      return o.verificationMaterial.tlogEntries[i].kindVersion.version !== '0.0.2' && unnamed(at(d)) === unnamed(at(o));
    },
    why: "a signature line's name, in a Rekor v1 checkpoint: its ECDSA key's hint is of the key alone, the name is not signed (rekor's signed_note.go reads none)",
  },
  {
    path: /\.([^.[]+)$/,
    when: (_d, o, path) => valueAt(o, path) === undefined && !keysOf(o).has(/\.([^.[]+)$/.exec(path)![1]!),
    why: 'a field added, of a name the document nowhere has: not read here (protojson readers refuse unknown fields; nothing signed changes)',
  },
  {
    path: /^\$\.verificationMaterial\.tlogEntries\[\d+\]\.inclusionPromise$/,
    when: (d, _o, path) => valueAt(d, path) === undefined && valueAt(d, path.replace(/inclusionPromise$/, 'inclusionProof')) !== undefined,
    why: 'the SET dropped, the inclusion proof kept: either proves the logging (as in sigstore-go); the time then comes from a timestamp, or a key needs none',
  },
  {
    path: /^\$\.verificationMaterial\.tlogEntries\[\d+\]\.kindVersion(\.|$)/,
    when: (d, _o, path) => {
      const kv = valueAt(d, path.replace(/(kindVersion).*$/, '$1')) as Json | null | undefined;
      return kv === undefined || kv === null || (typeof kv === 'object' && kv.kind === undefined && kv.version === undefined);
    },
    why: 'kindVersion gone (absent, null or empty): not required here, the logged body alone is read (given, it must be the body\'s)',
  },
  {
    path: /^\$\.verificationMaterial\.timestampVerificationData\.rfc3161Timestamps\[\d+\]\.signedTimestamp$/,
    when: (d, o, path) => {
      const [was, now] = [Buffer.from(valueAt(o, path) as string, 'base64'), Buffer.from(String(valueAt(d, path)), 'base64')];
      return ['certificates', 'SignedData.version', 'SignerInfo.version', 'SignedData.digestAlgorithms'].includes(tokenPartHit(was, now));
    },
    why: "an RFC 3161 token changed in a part not read: the certificates it carries (the trusted root holds the TSA's), the versions, the digestAlgorithms SET (as damagedTimestampsRandom)",
  },
  {
    path: /^\$\.(tlogs|ctlogs)\[\d+\]\.publicKey\.keyDetails$/,
    when: (d, _o, path) => typeof valueAt(d, path) === 'string' && !/_ECDSA_P(256|384|521)_|ED25519|RSA/.test(valueAt(d, path) as string),
    why: "a log key's keyDetails of no kind known here: not checked, the key is what its DER is (a known kind must match it; sigstore-go refuses an unknown value)",
  },
];

/** The value at a JSON path (`$.a[0].b`). */
export function valueAt(doc: unknown, path: string): unknown {
  let v = doc;
  for (const [, key, index] of path.matchAll(/\.([^.[]+)|\[(\d+)\]/g)) v = v && typeof v === 'object' ? (v as Json)[key ?? Number(index)] : undefined;
  return v;
}

/** Every field name in a document. */
export function keysOf(doc: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(doc)) doc.forEach((x) => keysOf(x, out));
  else if (doc && typeof doc === 'object') for (const [k, x] of Object.entries(doc)) keysOf(x, out.add(k));
  return out;
}

/** The part of an RFC 3161 token (damagedTimestampsRandom's names) its first changed byte is in. */
export function tokenPartHit(token: Buffer, damaged: Buffer): string {
  if (damaged.equals(token)) return 'nothing';
  let i = 0;
  while (i < token.length && i < damaged.length && token[i] === damaged[i]) i++;
  const base = (n: { raw: Buffer }) => n.raw.byteOffset - token.byteOffset;
  // A TimeStampResp (its status first) or the ContentInfo alone.
  const top = childrenOf(readNode(token).node);
  const info = top[0]!.tag === 0x30 ? childrenOf(top[1]!) : top;
  const sd = childrenOf(childrenOf(info[1]!)[0]!);
  const si = childrenOf(childrenOf(sd[4]!)[0]!);
  const parts: Array<[string, { raw: Buffer }]> = [
    ...(['SignerInfo.version', 'SignerInfo.sid', 'SignerInfo.digestAlgorithm', 'SignerInfo.signedAttrs', 'SignerInfo.signatureAlgorithm', 'SignerInfo.signature', 'SignerInfo.unsignedAttrs'] as const).map((n, k) => [n, si[k]!] as [string, { raw: Buffer }]),
    ...(['SignedData.version', 'SignedData.digestAlgorithms', 'encapContentInfo', 'certificates', 'signerInfos'] as const).map((n, k) => [n, sd[k]!] as [string, { raw: Buffer }]),
  ].filter(([, n]) => n !== undefined);
  return parts.find(([, n]) => i >= base(n) && i < base(n) + n.raw.length)?.[0] ?? 'the outer heads';
}

/** The base64 DER at a JSON path (`$.a[0].rawBytes`) of a document, if there is one. */
export function rawAt(doc: Json, path: string): Buffer | undefined {
  const v = valueAt(doc, path);
  return typeof v === 'string' ? Buffer.from(v, 'base64') : undefined;
}
