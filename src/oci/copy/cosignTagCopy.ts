import { bareDescriptor, type Descriptor } from '../descriptor';
import { isOciError, OciError } from '../errors';
import type { CosignTagLookup } from '../referrers/cosignTags';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { parseJsonObject } from '../validate';

/** A manifest one of cosign's tags names for a manifest the copy carries: stored, then tagged alike at the destination. */
export interface CosignTagToCopy {
  /** `sha256-<hex>.sig` (`.att`, `.sbom`): the same at the destination. */
  tag: string;
  desc: Descriptor;
  /** The digest it is the signature (attestation, SBOM) of. */
  subject: string;
}

/**
 * What cosign's tags name for `subject` at the source `lookup` reads (the one tag scheme verify and coverage read), as
 * descriptors a copy stores by digest.
 */
export async function cosignTagsToCopy(lookup: CosignTagLookup, subject: string): Promise<CosignTagToCopy[]> {
  const found = await lookup.find(subject);
  return found.map((t) => ({ tag: t.tag, subject, desc: bareDescriptor(t.desc) }));
}

/** What a cosign tag names at the destination now, when the copy may point it at the source's manifest. */
export interface CosignTagAt {
  tag: string;
  digest: string;
  subject: string;
  /** What it names there now; undefined when the tag is not there. */
  current?: string;
}

/**
 * Whether `tag` may be pointed at the source's manifest: it is not at the destination, or names that manifest, or
 * names one whose every layer (each a signature, attestation or SBOM: cosign appends one per signing) the source's
 * holds too, the same blob under the same annotations: then the source's is that list signed again since, and nothing
 * is lost. Otherwise the destination holds a signature the source does not, and overwriting (as `cosign copy` does)
 * would drop it: refused (copy and planCopy check every tag before they store anything). Returns what the tag names now.
 */
export async function checkCosignTagAt(
  src: ReadOnlyTarget,
  dst: Pick<ReadOnlyTarget, 'resolve' | 'fetchBytes'>,
  t: CosignTagToCopy,
  options: OpOptions = {},
): Promise<CosignTagAt> {
  const out: CosignTagAt = { tag: t.tag, digest: t.desc.digest, subject: t.subject };
  const there = await dst.resolve(t.tag, options).catch((err: unknown) => {
    if (isOciError(err, 'NOT_FOUND')) return undefined;
    throw err;
  });
  if (!there) return out;
  out.current = there.digest;
  if (there.digest === t.desc.digest) return out;
  // Unreadable or malformed there: what it holds cannot be told, so it is not replaced.
  const theirs = await dst
    .fetchBytes(there, options)
    .then(layerKeys)
    .catch(() => undefined);
  const ours = new Set(layerKeys(await src.fetchBytes(t.desc, options)));
  const lost = theirs === undefined ? undefined : theirs.filter((k) => !ours.has(k)).length;
  if (lost === 0) return out;
  const why =
    lost === undefined
      ? `which could not be read to tell whether the source's ${t.desc.digest} holds its signatures: pointing the tag at the source's might drop them`
      : `which holds ${lost} ${lost === 1 ? 'layer' : 'layers'} (a signature, attestation or SBOM) that the source's ${t.desc.digest} lacks: pointing the tag at the source's would drop ${lost === 1 ? 'it' : 'them'}`;
  throw new OciError('ALREADY_EXISTS', `${t.tag} at the destination names ${there.digest}, ${why}; refused: copy without referrers (cp without -r, backup without --include-referrers), or untag or move that tag at the destination first`);
}

/** Each layer of a manifest as the digest and annotations (sorted) that make it one signature. */
function layerKeys(bytes: Buffer): string[] {
  const doc = parseJsonObject(bytes, 'a cosign tag manifest');
  const layers = Array.isArray(doc.layers) ? (doc.layers as Array<Partial<Descriptor>>) : [];
  return layers.map((l) => {
    const annotations = l.annotations ?? {};
    const sorted = Object.keys(annotations)
      .sort()
      .map((k) => [k, annotations[k]]);
    return JSON.stringify([l.digest, sorted]);
  });
}
