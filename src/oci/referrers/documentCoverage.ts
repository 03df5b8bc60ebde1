import type { Readable } from 'node:stream';
import { stream } from '../nodeStream';
import type { Descriptor } from '../descriptor';
import { digestOf } from '../digest';
import { MediaType } from '../mediaType';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { coverageGaps, referrerCoverage, type CoverageOptions, type CoverageReport } from './coverage';

/** The kinds one entry of an index document carries, and those it lacks that a sibling (or the index) has. */
export interface EntryCoverage {
  digest: string;
  /** Artifacts per kind id (every column, plus `other`). */
  counts: Record<string, number>;
  gaps: string[];
}

export interface DocumentCoverage {
  report: CoverageReport;
  /** Per entry of `manifests`, in order; undefined for an entry that is no platform (a BuildKit attestation, not a manifest). */
  entries: Array<EntryCoverage | undefined>;
}

/**
 * A target that also holds one index document that may not be stored (the text in an editor, unsaved): looked up by
 * its digest it is that text, everything else comes from `base`.
 */
class WithDocument implements ReadOnlyTarget {
  constructor(
    private readonly base: ReadOnlyTarget,
    private readonly desc: Descriptor,
    private readonly bytes: Buffer,
  ) {}

  private mine(desc: Descriptor): boolean {
    return desc.digest === this.desc.digest;
  }

  resolve(reference: string, options?: OpOptions): Promise<Descriptor> {
    return reference === this.desc.digest ? Promise.resolve(this.desc) : this.base.resolve(reference, options);
  }

  resolveBlob(digest: string, options?: OpOptions): Promise<Descriptor> {
    return this.base.resolveBlob(digest, options);
  }

  exists(desc: Descriptor, options?: OpOptions): Promise<boolean> {
    return this.mine(desc) ? Promise.resolve(true) : this.base.exists(desc, options);
  }

  fetch(desc: Descriptor, options?: OpOptions): Promise<Readable> {
    return this.mine(desc) ? Promise.resolve(stream().Readable.from([this.bytes])) : this.base.fetch(desc, options);
  }

  fetchBytes(desc: Descriptor, options?: OpOptions): Promise<Buffer> {
    return this.mine(desc) ? Promise.resolve(this.bytes) : this.base.fetchBytes(desc, options);
  }

  tags(options?: OpOptions): AsyncIterable<string> {
    return this.base.tags(options);
  }

  referrers(desc: Descriptor, options?: OpOptions & { artifactType?: string }): AsyncIterable<Descriptor> {
    return this.base.referrers(desc, options);
  }
}

/**
 * Referrer coverage of an index document as it is written now (saved or not) against the target its digests
 * point into: each entry's kinds, read the way `referrerCoverage` reads a stored index (BuildKit attestation
 * entries count for the platform they name, cosign tags too), and the gaps among siblings.
 */
export async function documentCoverage(target: ReadOnlyTarget, text: string, options: CoverageOptions = {}): Promise<DocumentCoverage> {
  const bytes = Buffer.from(text, 'utf8');
  const json = JSON.parse(text) as { mediaType?: unknown; manifests?: unknown };
  const mediaType = typeof json.mediaType === 'string' ? json.mediaType : MediaType.ImageIndex;
  const desc: Descriptor = { mediaType, digest: digestOf(bytes), size: bytes.length };
  const report = await referrerCoverage(new WithDocument(target, desc, bytes), desc.digest, options);
  const gaps = coverageGaps(report);
  const byDigest = new Map(report.rows.filter((r) => r.position.length === 1).map((r) => [r.desc.digest, r]));
  const manifests = Array.isArray(json.manifests) ? (json.manifests as Array<{ digest?: unknown }>) : [];
  const entries = manifests.map((m) => {
    const row = m && typeof m.digest === 'string' ? byDigest.get(m.digest) : undefined;
    return row ? { digest: row.desc.digest, counts: row.counts, gaps: gaps.get(row.desc.digest) ?? [] } : undefined;
  });
  return { report, entries };
}
