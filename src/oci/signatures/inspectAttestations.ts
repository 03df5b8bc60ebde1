/**
 * What one attestation says of itself (inspect.ts finds them beside the signatures): cosign's classic `.att` layer (a
 * DSSE envelope; who signed it in the layer's annotations, as a `.sig` layer's) or a Sigstore bundle holding a
 * statement that is no signature. Read by verify-attestation's parsers (dsse.ts, statement.ts) and the signatures'
 * describers (inspectDescribe.ts); nothing is verified, so every field is a claim and a part that does not read is
 * named with its problem.
 */
import { type Envelope, INTOTO_PAYLOAD_TYPE, parseEnvelope } from '../attestations/dsse';
import { parseStatement, statementNames } from '../attestations/statement';
import type { FoundVia } from '../referrers/cosignFound';
import { jsonObject } from './cosignFormat';
import { type BundleDescription, type CosignDescription, describeCosignLayer, describeParsedBundle } from './inspectDescribe';
import type { SigstoreBundle } from './sigstore/sigstoreBundle';

/** Who a classic layer's annotations say signed it: its certificate (or none: key-signed), chain, Rekor bundle, timestamp. */
export type CosignSigner = Omit<CosignDescription, 'claim' | 'payloadProblem'>;
/** A bundle's media type and verification material: its certificates (or key hint), tlog entries, timestamps. */
export type BundleSigner = Pick<BundleDescription, 'mediaType' | 'keyHint' | 'certificates' | 'tlogEntries' | 'timestamps'>;

/** An in-toto statement as it reads. */
export interface StatementDescription {
  /** Its `_type`. */
  type: string;
  predicateType: string;
  /** Each subject, and whether its digest is the manifest's it was found for. */
  subjects: Array<{ name?: string; digest: Record<string, string>; thisManifest: boolean }>;
  /** Whether a subject names the manifest's digest (a claim: verify-attestation refuses one that does not). */
  namesThisManifest: boolean;
  /** The predicate's size in bytes as compact JSON (re-encoded); absent when the statement has none. */
  predicateSize?: number;
}

/** A DSSE envelope: its payload's type and size, its signatures (the key IDs they name, never trusted), its statement. */
export interface EnvelopeDescription {
  payloadType: string;
  payloadSize: number;
  signatures: Array<{ keyid?: string }>;
  statement?: StatementDescription;
}

/** Where a signature or an attestation was found: its manifest, how, and its layer. */
export interface FoundPlace {
  /** The signature or attestation manifest's digest and how it was found. */
  manifest: string;
  via: FoundVia[];
  tag?: string;
  artifactType?: string;
  /** The layer's position and digest; absent for a problem of the manifest itself. */
  layer?: number;
  layerDigest?: string;
  mediaType?: string;
}

/** One attestation: where it was found (as a signature's), its format, what it says, or why it cannot be told. */
export interface InspectedAttestation extends FoundPlace {
  /** `cosign`: a classic DSSE layer (cosign's `.att` tag); `bundle`: a Sigstore bundle (cosign 3). */
  format: 'cosign' | 'bundle';
  /** A classic layer's `predicateType` annotation: unsigned, the statement's is what is signed. */
  annotatedPredicateType?: string;
  envelope?: EnvelopeDescription;
  cosign?: CosignSigner;
  bundle?: BundleSigner;
  /** Why it (or a part of it: its envelope, its statement) could not be read. */
  problem?: string;
}

type Described = Pick<InspectedAttestation, 'envelope' | 'cosign' | 'bundle' | 'problem'>;

/**
 * A classic DSSE layer of the manifest `subject` (`where`: `layers[i]`): who its annotations say signed it, described
 * even when its bytes are undefined (unreadable: the caller names why), and its envelope.
 */
export function describeDsseLayer(annotations: Readonly<Record<string, string>>, bytes: Buffer | undefined, subject: string, where: string): Described {
  const { claim: _claim, payloadProblem: _payload, ...cosign } = describeCosignLayer(annotations, undefined);
  if (!bytes) return { cosign };
  const e = parseEnvelope(bytes);
  if ('malformed' in e) return { cosign, problem: `${where}: envelope ${e.malformed}` };
  return { cosign, ...describeEnvelope(e, subject, where) };
}

/** A bundle holding an attestation (bundleAttestation.ts's isSignature says it is none): its verification material and envelope. */
export function describeBundleAttestation(b: SigstoreBundle, subject: string, where: string): Described {
  const { mediaType, keyHint, certificates, tlogEntries, timestamps } = describeParsedBundle(b);
  const bundle: BundleSigner = { mediaType, ...(keyHint !== undefined ? { keyHint } : {}), ...(certificates ? { certificates } : {}), tlogEntries, timestamps };
  if (!('dsse' in b.content)) return { bundle, problem: `${where}: a message signature, no DSSE envelope` };
  return { bundle, ...describeEnvelope(b.content.dsse, subject, where) };
}

function describeEnvelope(e: Envelope, subject: string, where: string): Pick<Described, 'envelope' | 'problem'> {
  const envelope: EnvelopeDescription = { payloadType: e.payloadType, payloadSize: e.payload.length, signatures: e.signatures.map((s) => (s.keyid !== undefined ? { keyid: s.keyid } : {})) };
  if (e.payloadType !== INTOTO_PAYLOAD_TYPE) return { envelope, problem: `${where}: payloadType "${e.payloadType}", not an in-toto statement's (${INTOTO_PAYLOAD_TYPE})` };
  const s = parseStatement(e.payload);
  if ('malformed' in s) return { envelope, problem: `${where}: statement ${s.malformed}` };
  // Each subject alone through statementNames: verify-attestation's own test of "names this manifest".
  const subjects = s.subjects.map((x) => ({ ...(x.name !== undefined ? { name: x.name } : {}), digest: x.digest, thisManifest: statementNames({ ...s, subjects: [x] }, subject) }));
  envelope.statement = { type: s.type, predicateType: s.predicateType, subjects, namesThisManifest: subjects.some((x) => x.thisManifest), ...predicateSize(e.payload) };
  return { envelope };
}

/** The predicate as compact JSON, its size (parseStatement does not look into it; the payload is an object by now). */
function predicateSize(payload: Buffer): { predicateSize?: number } {
  const read = jsonObject(payload);
  const p = 'doc' in read ? read.doc.predicate : undefined;
  return p === undefined ? {} : { predicateSize: Buffer.byteLength(JSON.stringify(p)) };
}
