/**
 * cosign's key-based signature format ("simple signing", cosign's specs/SIGNATURE_SPEC.md), as cosign and skopeo's
 * sigstore attachments store it: a manifest whose layers are each one signed payload, the base64 signature in the
 * layer's annotation.
 */

import { sortedAnnotations } from './signedAnnotations';
import { isJsonObject } from '../jsonObject';

/** A layer holding one signed payload. */
export const SIMPLESIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
/** The artifact type of a signature manifest cosign attaches as an OCI 1.1 referrer. */
export const COSIGN_SIGNATURE_ARTIFACT_TYPE = 'application/vnd.dev.cosign.artifact.sig.v1+json';
/** The layer annotation that holds the base64 signature over the layer's bytes. */
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
/** `critical.type` of every cosign image signature payload. */
export const COSIGN_PAYLOAD_TYPE = 'cosign container image signature';

/** Referrers of these artifact types are cosign signature manifests (a registry lists one without its own type by its layers' type). */
export const SIGNATURE_ARTIFACT_TYPES: readonly string[] = [COSIGN_SIGNATURE_ARTIFACT_TYPE, SIMPLESIGNING_MEDIA_TYPE];

/** What a payload claims, once its structure is checked. */
export interface SignedClaim {
  type: string;
  /** `critical.image.docker-manifest-digest`: the manifest signed. */
  digest: string;
  /** `critical.identity.docker-reference`: the name it was signed under. */
  identity: string;
  /** `optional`: the annotations signed with it (cosign's `-a`), when it has any. */
  annotations?: Record<string, unknown>;
}

/** `bytes` as a JSON object, or why they are none: where each of cosign's documents (payload, envelope, statement) is read from. */
export function jsonObject(bytes: Buffer): { doc: Record<string, unknown> } | { malformed: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { malformed: `not JSON (${(err as Error).message})` };
  }
  return isJsonObject(doc) ? { doc } : { malformed: '$: expected an object' };
}

/**
 * The claim of a payload, or why it is malformed (a message naming the JSON path). The types are checked here;
 * the values (the digest, the type's words) are the verifier's to compare.
 */
export function parsePayload(bytes: Buffer): SignedClaim | { malformed: string } {
  const read = jsonObject(bytes);
  if ('malformed' in read) return read;
  const doc = read.doc;
  const critical = doc.critical;
  if (!isJsonObject(critical)) return { malformed: '$.critical: expected an object' };
  if (typeof critical.type !== 'string') return { malformed: '$.critical.type: expected a string' };
  if (!isJsonObject(critical.image)) return { malformed: '$.critical.image: expected an object' };
  const digest = critical.image['docker-manifest-digest'];
  if (typeof digest !== 'string') return { malformed: '$.critical.image["docker-manifest-digest"]: expected a string' };
  if (!isJsonObject(critical.identity)) return { malformed: '$.critical.identity: expected an object' };
  const identity = critical.identity['docker-reference'];
  if (typeof identity !== 'string') return { malformed: '$.critical.identity["docker-reference"]: expected a string' };
  // cosign reads `optional` as a map: anything but an object (or null) fails its claim check too.
  const optional = doc.optional;
  if (optional !== undefined && optional !== null && !isJsonObject(optional)) return { malformed: '$.optional: expected an object or null' };
  const annotations = optional && Object.keys(optional).length > 0 ? { annotations: optional } : {};
  return { type: critical.type, digest, identity, ...annotations };
}

/**
 * The payload signed for `digest` under the name `identity`, in the key order cosign and containers/image write.
 * `optional` holds `annotations` (cosign's `-a`), keys in Go's map order; without any it is `{}` as containers/image
 * writes it (cosign writes `null`; a verifier reads only `critical`).
 */
export function makePayload(digest: string, identity: string, annotations: Readonly<Record<string, string>> = {}): Buffer {
  const critical = { identity: { 'docker-reference': identity }, image: { 'docker-manifest-digest': digest }, type: COSIGN_PAYLOAD_TYPE };
  return Buffer.from(JSON.stringify({ critical, optional: sortedAnnotations(annotations) }));
}

/**
 * Standard base64 as Go's decoder reads it: strictly (Buffer.from would skip what is not base64), but for line
 * breaks, which Go's decoder drops (cosign wrote a signature wrapped at 76 columns, containers/image's pki fixture).
 */
export function decodeBase64(text: string): Buffer | undefined {
  text = text.replace(/[\r\n]/g, '');
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}
