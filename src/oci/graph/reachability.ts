import { ANNOTATION_REF_NAME, type Descriptor } from '../descriptor';
import { isManifestMediaType } from '../mediaType';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { readManifestContent, type ManifestContent } from './manifestContent';

/** A change to a layout's index.json whose consequences a user should see before confirming it. */
export interface LayoutChange {
  /** Tags to remove. */
  untag?: readonly string[];
  /** Digests of manifests (or blobs) to delete, with every index.json entry naming them. */
  delete?: readonly string[];
}

export interface UnreachableReport {
  /** Manifests and indexes no longer reachable from index.json (still on disk until garbage collected). */
  manifests: Descriptor[];
  /** Configs and layers no longer reachable. */
  blobs: Descriptor[];
  /** Total size of the above. */
  bytes: number;
  /** Referrers that stay listed but whose subject is deleted or no longer reachable. */
  orphanedReferrers: Descriptor[];
  /** Indexes that stay reachable but list a child being deleted (they would dangle). */
  danglingParents: Descriptor[];
}

/**
 * What a change leaves unreachable: everything reachable from `entries` (index.json) before the change
 * and not after it. Mirrors the layout store's rules: an untagged referrer stays listed, so referrers are
 * never lost by untagging, only orphaned. A deleted digest itself is not reported (the user named it).
 */
export async function unreachableAfter(
  target: ReadOnlyTarget,
  entries: readonly Descriptor[],
  change: LayoutChange,
  options: OpOptions = {},
): Promise<UnreachableReport> {
  const untag = new Set(change.untag ?? []);
  const deleted = new Set(change.delete ?? []);
  const contents = new Map<string, ManifestContent | null>();
  const read = async (desc: Descriptor): Promise<ManifestContent | null> => {
    if (!contents.has(desc.digest)) {
      let content: ManifestContent | null = null;
      try {
        content = await readManifestContent(target, desc, options);
      } catch (err) {
        if ((err as Error).name === 'AbortError') throw err;
        // Missing or corrupt content: other tools leave dangling children; it is a leaf here.
      }
      contents.set(desc.digest, content);
    }
    return contents.get(desc.digest)!;
  };

  const before = await walk(entries, new Set(), read, options);
  const after: Descriptor[] = [];
  for (const e of entries) {
    if (deleted.has(e.digest)) continue;
    const name = e.annotations?.[ANNOTATION_REF_NAME];
    if (name !== undefined && untag.has(name)) {
      const stillListed = entries.some((o) => o !== e && o.digest === e.digest && !untag.has(o.annotations?.[ANNOTATION_REF_NAME] ?? ''));
      if (!stillListed && isManifestMediaType(e.mediaType) && (await read(e))?.subject) after.push({ ...e, annotations: {} });
      continue;
    }
    after.push(e);
  }
  const reachableAfter = await walk(after, deleted, read, options);

  const report: UnreachableReport = { manifests: [], blobs: [], bytes: 0, orphanedReferrers: [], danglingParents: [] };
  for (const [digest, desc] of before) {
    if (reachableAfter.has(digest) || deleted.has(digest)) continue;
    (isManifestMediaType(desc.mediaType) ? report.manifests : report.blobs).push(desc);
    report.bytes += desc.size;
  }
  for (const desc of reachableAfter.values()) {
    const content = isManifestMediaType(desc.mediaType) ? contents.get(desc.digest) : undefined;
    if (!content) continue;
    const subject = content.subject?.digest;
    if (subject && before.has(subject) && !reachableAfter.has(subject)) report.orphanedReferrers.push(desc);
    if ([...content.manifests, ...content.layers, ...(content.config ? [content.config] : [])].some((c) => deleted.has(c.digest))) {
      report.danglingParents.push(desc);
    }
  }
  return report;
}

/** Every descriptor reachable from `roots` through index children, configs and layers, keyed by digest. */
async function walk(
  roots: readonly Descriptor[],
  skip: ReadonlySet<string>,
  read: (desc: Descriptor) => Promise<ManifestContent | null>,
  options: OpOptions,
): Promise<Map<string, Descriptor>> {
  const seen = new Map<string, Descriptor>();
  const queue = [...roots];
  while (queue.length > 0) {
    options.signal?.throwIfAborted();
    const desc = queue.pop()!;
    if (skip.has(desc.digest) || seen.has(desc.digest)) continue;
    seen.set(desc.digest, desc);
    if (!isManifestMediaType(desc.mediaType)) continue;
    const content = await read(desc);
    if (!content) continue;
    queue.push(...content.manifests, ...content.layers);
    if (content.config) queue.push(content.config);
  }
  return seen;
}
