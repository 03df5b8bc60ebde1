import type { Descriptor, ImageIndex, ImageManifest } from '../descriptor';
import { digestOf } from '../digest';
import { encodeIndex, encodeManifest } from '../encoding/goJson';
import { OciError } from '../errors';
import { checkManifestSize } from '../manifestLimit';
import { isImageIndex, isManifestMediaType } from '../mediaType';
import type { OpOptions, Target } from '../target';
import { parseJsonObject } from '../validate';
import { globMatches } from '../glob';
import { BUILTIN_KINDS } from './kinds';

/** Signatures by the referrer kinds' own patterns (kinds.ts), and a few more that sign or bind one digest. */
const SIGNATURE_PATTERNS = [
  ...(BUILTIN_KINDS.find((k) => k.id === 'signature')?.artifactTypes ?? []),
  'application/vnd.dev.sigstore.bundle*', // every Sigstore bundle version, `+json;version=0.2` included
  // In-toto statements, DSSE envelopes and cosign attestations name the subject's digest inside what they sign
  // or state: a copy would make that claim about another digest.
  'application/vnd.in-toto+json',
  'application/vnd.in-toto.*',
  'application/vnd.dsse.envelope.v1+json',
  'application/vnd.dev.cosign.attestation.v1+json',
];

/**
 * Whether a referrer of this artifact type signs (or attests to) its subject's digest, so that it must never be
 * copied to another digest: notation, cosign, Sigstore bundles, DSSE envelopes and in-toto attestations, and any
 * type whose name says signature (`.../vnd.example.signature`, `...sig+json`).
 */
export function isSignatureArtifactType(artifactType: string | undefined): boolean {
  if (!artifactType) return false;
  const t = artifactType.toLowerCase();
  if (SIGNATURE_PATTERNS.some((p) => globMatches(p, t))) return true;
  const subtype = t.slice(t.indexOf('/') + 1);
  return /(^|[.+-])(signature|sig)([.+-]|$)/.test(subtype);
}

export interface CarryOverPlan {
  /** Referrers that describe the content (an SBOM, an end-of-life date, annotations): a copy can refer to the new manifest. */
  copy: Descriptor[];
  /** Signatures and attestations: they sign or state the old digest, stay with it, and the new manifest needs signing again. */
  resign: Descriptor[];
}

/**
 * When a manifest is replaced by an updated one (an index update), which of the old one's referrers may be
 * carried over: every manifest referrer but signatures. Pure: decided from the descriptors alone, in their order.
 */
export function planReferrerCarryOver(referrers: readonly Descriptor[]): CarryOverPlan {
  const plan: CarryOverPlan = { copy: [], resign: [] };
  const seen = new Set<string>();
  for (const r of referrers) {
    if (seen.has(r.digest)) continue;
    seen.add(r.digest);
    if (isSignatureArtifactType(r.artifactType)) plan.resign.push(r);
    else if (isManifestMediaType(r.mediaType)) plan.copy.push(r);
  }
  return plan;
}

export interface CarriedReferrer {
  from: Descriptor;
  to: Descriptor;
}

/**
 * Stores a copy of each referrer with its `subject` pointing at `subject`: the same config, layers, annotations and
 * artifact type, so a new artifact manifest (a new digest). The blobs are the target's already. Signatures are refused.
 */
export async function carryOverReferrers(target: Target, referrers: readonly Descriptor[], subject: Descriptor, options: OpOptions = {}): Promise<CarriedReferrer[]> {
  const out: CarriedReferrer[] = [];
  const newSubject: Descriptor = { mediaType: subject.mediaType, digest: subject.digest, size: subject.size };
  for (const from of referrers) {
    if (isSignatureArtifactType(from.artifactType)) {
      throw new OciError('INVALID_ARGUMENT', `${from.digest} is a signature (${from.artifactType}): it signs its subject's digest and cannot be carried over`);
    }
    const doc = parseJsonObject(await target.fetchBytes(from, options), `referrer ${from.digest}`) as unknown as ImageManifest | ImageIndex;
    doc.subject = newSubject;
    const raw = isImageIndex(from.mediaType) ? encodeIndex(doc as ImageIndex) : encodeManifest(doc as ImageManifest);
    const to: Descriptor = { mediaType: from.mediaType, digest: digestOf(raw), size: raw.length };
    checkManifestSize(`the copy of ${from.digest}`, to.size);
    if (from.artifactType) to.artifactType = from.artifactType;
    if (from.annotations) to.annotations = { ...from.annotations };
    await target.push({ mediaType: to.mediaType, digest: to.digest, size: to.size }, raw, options);
    out.push({ from, to });
  }
  return out;
}
