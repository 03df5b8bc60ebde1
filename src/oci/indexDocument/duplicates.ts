/**
 * Entries an index lists twice: the same manifest (digest) again, or a second manifest for a platform already
 * listed. Neither breaks the spec, but clients pick the first match, so the later entry is dead weight or hides
 * an image; `manifest index update --merge` (oras's as ours) produces them without a word.
 */
import type { Platform } from '../descriptor';
import { formatPlatform, normalizePlatform } from '../platform';
import { Section } from '../validate';
import { shownShort } from '../validate/shownValue';
import type { DuplicateCode, Finding } from './layoutChecks';

export interface DuplicateEntry {
  code: DuplicateCode;
  /** The later entry: the one to remove. */
  row: number;
  /** The first entry with the same digest or platform. */
  first: number;
  digest: string;
  /** `linux/arm64/v8` for a duplicate platform. */
  platform?: string;
}

// BuildKit's attestation entries (`unknown/unknown`) describe a sibling: they are not platforms of the image.
const DOCKER_REFERENCE_TYPE = 'vnd.docker.reference.type';
const REF_NAME = 'org.opencontainers.image.ref.name';

function platformKey(p: unknown): string | undefined {
  if (!p || typeof p !== 'object') return undefined;
  const platform = p as Platform;
  if (typeof platform.os !== 'string' || typeof platform.architecture !== 'string' || platform.os === '' || platform.architecture === '') return undefined;
  if (platform.os === 'unknown' && platform.architecture === 'unknown') return undefined;
  // A variant or os.version of another type (a number, a list nested thousands deep) is the validator's to report:
  // such an entry is not compared (formatPlatform would write it as JSON, which recurses).
  if ((platform.variant !== undefined && typeof platform.variant !== 'string') || (platform['os.version'] !== undefined && typeof platform['os.version'] !== 'string')) return undefined;
  // Hand-edited text may hold anything there ("os.features": {}): the validator reports it; only strings count here.
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((f): f is string => typeof f === 'string') : []);
  const features = [...strings(platform['os.features']), ...strings(platform.features)];
  const base = formatPlatform(normalizePlatform(platform));
  return features.length > 0 ? `${base} [${[...features].sort().join(',')}]` : base;
}

/**
 * The entries of `manifests` that repeat an earlier one, in order: a digest listed again (whatever its
 * platform), else a platform listed again with another digest. Entries that are not descriptors are skipped
 * (the validator reports them).
 */
export function duplicateEntries(manifests: unknown): DuplicateEntry[] {
  if (!Array.isArray(manifests)) return [];
  const byDigest = new Map<string, number>();
  const byPlatform = new Map<string, number>();
  const out: DuplicateEntry[] = [];
  manifests.forEach((entry: unknown, row) => {
    if (!entry || typeof entry !== 'object') return;
    const d = entry as { digest?: unknown; platform?: unknown; annotations?: Record<string, unknown> };
    if (typeof d.digest !== 'string') return;
    // An entry named by a tag (an index laid out as a layout's index.json) is told apart by its tag.
    if (d.annotations && typeof d.annotations === 'object' && typeof d.annotations[REF_NAME] === 'string') return;
    const firstDigest = byDigest.get(d.digest);
    if (firstDigest !== undefined) {
      out.push({ code: 'duplicate-digest', row, first: firstDigest, digest: d.digest });
      return;
    }
    byDigest.set(d.digest, row);
    if (d.annotations && typeof d.annotations === 'object' && typeof d.annotations[DOCKER_REFERENCE_TYPE] === 'string') return;
    const key = platformKey(d.platform);
    if (key === undefined) return;
    const firstPlatform = byPlatform.get(key);
    if (firstPlatform !== undefined) out.push({ code: 'duplicate-platform', row, first: firstPlatform, digest: d.digest, platform: key });
    else byPlatform.set(key, row);
  });
  return out;
}

// Entries are compared as written: a digest or platform that holds a character one cannot see is shown quoted, escaped.
const short = (digest: string) => (/^[a-z0-9]+:[a-f0-9]{12,}$/.test(digest) ? digest.slice(0, digest.indexOf(':') + 13) : shownShort(digest));

/** The duplicates of an image index as warnings, each with the fix that removes the later entry. */
export function duplicateFindings(index: unknown): Finding[] {
  if (!index || typeof index !== 'object') return [];
  return duplicateEntries((index as { manifests?: unknown }).manifests).map((dup) => {
    const title = `Remove the duplicate entry manifests[${dup.row}]`;
    const fix = { title, intent: { type: 'removeRow' as const, row: dup.row } };
    if (dup.code === 'duplicate-digest') {
      return {
        path: `manifests[${dup.row}].digest`,
        segments: ['manifests', dup.row, 'digest'],
        code: dup.code,
        severity: 'warning' as const,
        message: `manifests[${dup.row}] lists ${short(dup.digest)} again (as manifests[${dup.first}] does): clients use the first, the second is only weight`,
        link: Section.index,
        fix,
      };
    }
    return {
      path: `manifests[${dup.row}].platform`,
      segments: ['manifests', dup.row, 'platform'],
      code: dup.code,
      severity: 'warning' as const,
      message: `manifests[${dup.row}] is a second image for ${shownShort(dup.platform!)} (manifests[${dup.first}] is the first): clients pulling ${shownShort(dup.platform!)} get manifests[${dup.first}], never this one`,
      link: Section.index,
      fix,
    };
  });
}

/** The entries of `incoming` whose digest `current` (or an earlier entry of `incoming`) already lists: what a merge would list twice. */
export function listedAgain<T extends { digest: string }>(current: readonly T[], incoming: readonly T[]): T[] {
  const seen = new Set(current.map((d) => d.digest));
  return incoming.filter((d) => seen.has(d.digest) || (seen.add(d.digest), false));
}
