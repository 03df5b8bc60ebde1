import { bareDescriptor, type Descriptor } from '../descriptor';
import { isOciError } from '../errors';
import { parseJsonObject } from '../validate';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { type CosignTagLookup, type CosignTagSuffix } from './cosignTags';

/** How a signature or attestation manifest was found for its subject. */
export type FoundVia = 'referrers' | 'cosign-tag';

/** A manifest found for a subject, once however it was found. */
export interface FoundArtifact {
  desc: Descriptor;
  via: FoundVia[];
  /** The cosign tag that names it. */
  tag?: string;
}

/**
 * What verify and verify-attestation check for `subject`: its referrers of `artifactTypes` (cosign's OCI 1.1 mode)
 * and the manifest its cosign tag `suffix` names (inspect: the `.sig` and `.att` tags), each once (found both ways: both named), ordered by digest so
 * results come in the same order from a layout and a registry. A failure to list is thrown.
 */
export async function findCosignArtifacts(
  target: ReadOnlyTarget,
  subject: Descriptor,
  find: { artifactTypes: readonly string[]; suffix: CosignTagSuffix | readonly CosignTagSuffix[]; cosignTags: CosignTagLookup },
  op: OpOptions,
): Promise<FoundArtifact[]> {
  const found = new Map<string, FoundArtifact>();
  const add = (desc: Descriptor, via: FoundVia, tag?: string) => {
    const had = found.get(desc.digest);
    if (had) {
      if (!had.via.includes(via)) had.via.push(via);
      had.tag ??= tag;
    } else found.set(desc.digest, { desc, via: [via], ...(tag ? { tag } : {}) });
  };
  // Both asked at once (on a registry each is a round trip), added in one order.
  const listed = async () => {
    const out: Descriptor[] = [];
    for await (const r of target.referrers(bareDescriptor(subject), op)) if (r.artifactType && find.artifactTypes.includes(r.artifactType)) out.push(r);
    return out;
  };
  const [referrers, tagged] = await Promise.all([listed(), find.cosignTags.find(subject.digest, typeof find.suffix === 'string' ? [find.suffix] : find.suffix)]);
  for (const r of referrers) add(r, 'referrers');
  for (const t of tagged) add(t.desc, 'cosign-tag', t.tag);
  return [...found.values()].sort((a, b) => (a.desc.digest < b.desc.digest ? -1 : 1));
}

/**
 * The layers of a found manifest (`what`: "signature manifest", "attestation manifest", as errors name it), or why
 * they cannot be told: `malformed` (not a JSON object, layers no array) or `unreadable` (missing, damaged, too large).
 * Such a manifest is a result, not an error; any other failure (a registry's) is thrown.
 */
export async function foundLayers(
  target: ReadOnlyTarget,
  found: FoundArtifact,
  what: string,
  op: OpOptions,
): Promise<{ layers: unknown[] } | { problem: 'malformed' | 'unreadable'; reason: string }> {
  let doc: Record<string, unknown>;
  try {
    doc = parseJsonObject(await target.fetchBytes(bareDescriptor(found.desc), op), `${what} ${found.desc.digest}`);
  } catch (err) {
    if (isOciError(err, 'INVALID_MANIFEST')) return { problem: 'malformed', reason: (err as Error).message };
    if (isOciError(err)) return { problem: 'unreadable', reason: (err as Error).message };
    throw err;
  }
  if (!Array.isArray(doc.layers)) return { problem: 'malformed', reason: `${what} ${found.desc.digest}: layers: expected an array` };
  return { layers: doc.layers as unknown[] };
}
