/**
 * Checks of a document against the layout it lives in, which the validator cannot make from the text alone: a
 * child whose blob is missing, a size or media type that differs from the blob's, a platform that contradicts the
 * child's config. Each finding carries the certain fix when there is one (the blob says what the value must be).
 */
import type { Descriptor, Platform } from '../descriptor';
import { isDigest } from '../digest';
import { isOciError } from '../errors';
import { platformFromConfig } from '../graph/childDescriptor';
import { isImageIndex, isImageManifest, isManifestMediaType, MediaType } from '../mediaType';
import { formatPlatform, normalizePlatform } from '../platform';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { formatPath, Section, type PathSegment, type ProblemCode, type Severity } from '../validate';
import { shownShort } from '../validate/shownValue';
import type { ImageManifest } from '../descriptor';
import { platformOver, type EditIntent } from './intents';
import { readPlatform } from './indexModel';
import { isJsonObject } from '../jsonObject';

export type LayoutProblemCode =
  | 'blob-missing' // a descriptor whose blob is not in the layout
  | 'size-mismatch' // a size that differs from the blob's
  | 'blob-media-type-mismatch' // a descriptor mediaType that differs from the one the blob declares, or names the other kind
  | 'blob-media-type-flavor' // a descriptor mediaType of the blob's kind, in another flavor (Docker for OCI, or back; warning)
  | 'platform-mismatch' // a platform that contradicts the child's config
  | 'missing-platform' // an image in an index listed without the platform its config declares (warning)
  | 'blob-unreadable'; // a blob that is there but cannot be read as its digest says (corrupt)

/** An entry of an index listed again (duplicates.ts). */
export type DuplicateCode = 'duplicate-digest' | 'duplicate-platform';

export interface QuickFix {
  title: string;
  intent: EditIntent;
}

/** A validator problem or a layout finding, with where it is in the text and the fix when one is certain. */
export interface Finding {
  path: string;
  segments: PathSegment[];
  code: ProblemCode | LayoutProblemCode | DuplicateCode;
  severity: Severity;
  message: string;
  link: string;
  /** Where in the text (characters), once located. */
  offset?: number;
  length?: number;
  fix?: QuickFix;
}

/** What a stored blob says about itself; keyed by digest, so it never goes stale. */
export interface BlobFacts {
  /** The mediaType field of a manifest or index blob. */
  mediaType?: string;
  kind?: 'index' | 'manifest';
  /** The platform its config declares (images only); null when it declares none. */
  platform?: Platform | null;
}

export interface LayoutCheckOptions extends OpOptions {
  /** The document is the layout's own index.json: its entries are tags, where a platform is not expected. */
  layoutIndex?: boolean;
  /** Facts of blobs already read, kept across runs by the caller. */
  cache?: Map<string, BlobFacts>;
  /** How many blobs are read at once. */
  concurrency?: number;
  /** The layout's name for messages. */
  layoutName?: string;
  /** Where the blobs are, for messages, when not a layout: `in localhost:5000/app`. */
  where?: string;
  /**
   * Read the blobs too (media type and platform checks), not just their sizes; default true. Background checks
   * of large layouts turn it off: a stat per blob is cheap, reading 10,000 manifests and configs is not.
   */
  deep?: boolean;
}

const BLOBS_LINK = 'https://github.com/opencontainers/image-spec/blob/v1.1.0/image-layout.md#blobs';
// A manifest or index blob larger than registries accept is not read for its facts.
const MAX_MANIFEST_BYTES = 4 << 20;


function finding(segments: PathSegment[], code: LayoutProblemCode | ProblemCode, severity: Severity, message: string, link: string, fix?: QuickFix): Finding {
  const f: Finding = { path: formatPath(segments), segments, code, severity, message, link };
  if (fix) f.fix = fix;
  return f;
}

/** The first field that differs, compared as containerd matches platforms; variant and os.version only when both name one. */
export function platformContradiction(listed: Platform, config: Platform): string | undefined {
  const a = normalizePlatform(listed);
  const b = normalizePlatform(config);
  if (a.os !== b.os) return 'os';
  if (a.architecture !== b.architecture) return 'architecture';
  if (listed.variant && config.variant && (a.variant ?? '') !== (b.variant ?? '')) return 'variant';
  if (listed['os.version'] && config['os.version'] && listed['os.version'] !== config['os.version']) return 'os.version';
  return undefined;
}

async function readFacts(target: ReadOnlyTarget, desc: Descriptor, options: LayoutCheckOptions): Promise<BlobFacts> {
  const cached = options.cache?.get(desc.digest);
  if (cached) return cached;
  const raw = await target.fetchBytes(desc, options);
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString('utf8'));
  } catch {
    doc = undefined;
  }
  const facts: BlobFacts = {};
  if (isJsonObject(doc)) {
    if (typeof doc.mediaType === 'string') facts.mediaType = doc.mediaType;
    if (isImageIndex(facts.mediaType) || (facts.mediaType === undefined && Array.isArray(doc.manifests))) facts.kind = 'index';
    else if (isImageManifest(facts.mediaType) || (facts.mediaType === undefined && isJsonObject(doc.config) && Array.isArray(doc.layers))) facts.kind = 'manifest';
    if (facts.kind === 'manifest' && isJsonObject(doc.config) && isImageConfig(doc.config.mediaType)) {
      try {
        facts.platform = (await platformFromConfig(target, doc as unknown as ImageManifest, options)) ?? null;
      } catch (err) {
        if (options.signal?.aborted) throw err;
        // A missing or unreadable config is reported where it is listed (in that manifest), not here.
        facts.platform = null;
      }
    }
  }
  options.cache?.set(desc.digest, facts);
  return facts;
}

function isImageConfig(mediaType: unknown): boolean {
  return mediaType === MediaType.ImageConfig || mediaType === MediaType.DockerConfig;
}

/** A descriptor with urls to fetch it from (image-spec descriptor.md), as foreign layers have. */
export function hasUrls(value: unknown): boolean {
  return isJsonObject(value) && Array.isArray(value.urls) && value.urls.length > 0;
}

/**
 * What is stored under `digest`. A registry keeps manifests apart from blobs (distribution answers a blob request
 * for a manifest with 404), so a manifest not found as a blob is looked for as a manifest; a layout has one store.
 */
async function storedDescriptor(target: ReadOnlyTarget, digest: string, manifest: boolean, options: OpOptions): Promise<Descriptor> {
  try {
    return await target.resolveBlob(digest, options);
  } catch (err) {
    if (!manifest || !isOciError(err, 'NOT_FOUND')) throw err;
    return target.resolve(digest, options);
  }
}

/** `an image index`, `an image manifest`. */
function kindName(kind: 'index' | 'manifest'): string {
  return `an image ${kind}`;
}

/**
 * How a descriptor's mediaType `listed` (at `at`, listing `digest`) disagrees with the document it lists: of the
 * other kind (an index type for a manifest) an error, as a client reads the bytes as the wrong kind of document; of
 * the same kind in another flavor (a Docker type for an OCI document, or the reverse) a warning, as the bytes are
 * right but a client that trusts the descriptor may refuse them. The fix sets what the document declares.
 */
export function listedTypeFinding(listed: string, facts: BlobFacts, digest: string, at: PathSegment[]): Finding | undefined {
  const declared = facts.mediaType;
  if (declared !== undefined && declared !== listed && isManifestMediaType(declared)) {
    const fix: QuickFix = { title: `Set mediaType to ${declared}`, intent: { type: 'setField', at, field: 'mediaType', value: declared } };
    const kind = isImageIndex(declared) ? 'index' : 'manifest';
    if (isManifestMediaType(listed) && isImageIndex(listed) === (kind === 'index')) {
      return finding([...at, 'mediaType'], 'blob-media-type-flavor', 'warning', `mediaType ${listed} differs from the ${declared} that ${digest} declares: both name ${kindName(kind)} and its bytes are right, but a client that trusts this descriptor may refuse the document`, Section.compatibility, fix);
    }
    if (isManifestMediaType(listed)) {
      return finding([...at, 'mediaType'], 'blob-media-type-mismatch', 'error', `mediaType ${listed} names ${kindName(isImageIndex(listed) ? 'index' : 'manifest')}, but ${digest} is ${kindName(kind)} (it declares ${declared}): a client reads it as the wrong kind of document`, Section.descriptor, fix);
    }
    return finding([...at, 'mediaType'], 'blob-media-type-mismatch', 'error', `mediaType ${shownShort(listed)} differs from the ${declared} that ${digest} declares`, Section.descriptor, fix);
  }
  if (declared === undefined && facts.kind !== undefined && isManifestMediaType(listed) && (facts.kind === 'index') !== isImageIndex(listed)) {
    return finding([...at, 'mediaType'], 'blob-media-type-mismatch', 'error', `mediaType ${listed} names ${kindName(isImageIndex(listed) ? 'index' : 'manifest')}, but ${digest} is ${kindName(facts.kind)} (it declares no mediaType): a client reads it as the wrong kind of document`, Section.descriptor);
  }
  return undefined;
}

/** Checks one descriptor of the document; `child` is an entry of an index (whose platform matters). */
async function checkDescriptor(target: ReadOnlyTarget, value: unknown, at: PathSegment[], child: boolean, options: LayoutCheckOptions): Promise<Finding[]> {
  if (!isJsonObject(value) || typeof value.digest !== 'string' || !isDigest(value.digest)) return [];
  const digest = value.digest;
  const where = options.where ? ` ${options.where}` : options.layoutName ? ` in the layout ${options.layoutName}` : ' in the layout';
  let stored: Descriptor;
  try {
    stored = await storedDescriptor(target, digest, child || isManifestMediaType(value.mediaType as string | undefined), options);
  } catch (err) {
    // A foreign layer (Windows base layers) is fetched from its urls: stores and copies leave it out.
    if (isOciError(err, 'NOT_FOUND') && hasUrls(value)) return [];
    if (isOciError(err, 'NOT_FOUND')) return [finding([...at, 'digest'], 'blob-missing', 'error', `blob ${digest} is not${where}`, BLOBS_LINK)];
    throw err;
  }
  const out: Finding[] = [];
  const size = value.size;
  if (typeof size === 'number' && size !== stored.size) {
    out.push(
      finding([...at, 'size'], 'size-mismatch', 'error', `size ${size} differs from the blob's ${stored.size} bytes${where}`, Section.descriptor, {
        title: `Set size to ${stored.size}`,
        intent: { type: 'setField', at, field: 'size', value: stored.size },
      }),
    );
  }
  const mediaType = typeof value.mediaType === 'string' ? value.mediaType : undefined;
  if (options.deep === false) return out;
  // Only blobs that may be manifests are read: layers can be gigabytes.
  if (!child && !(mediaType === undefined || isManifestMediaType(mediaType))) return out;
  if (stored.size > MAX_MANIFEST_BYTES) return out;
  let facts: BlobFacts;
  try {
    facts = await readFacts(target, { mediaType: mediaType ?? MediaType.ImageManifest, digest, size: stored.size }, options);
  } catch (err) {
    if (options.signal?.aborted) throw err;
    out.push(finding([...at, 'digest'], 'blob-unreadable', 'error', `blob ${digest}${where} cannot be read: ${(err as Error).message}`, Section.digests));
    return out;
  }
  if (mediaType === undefined) {
    if (facts.mediaType !== undefined) {
      // The validator reports the missing field; this finding only brings the fix (merged with it).
      out.push(
        finding([...at, 'mediaType'], 'missing-field', 'error', 'mediaType is required', Section.descriptor, {
          title: `Add mediaType ${facts.mediaType}`,
          intent: { type: 'setField', at, field: 'mediaType', value: facts.mediaType },
        }),
      );
    }
  } else {
    const disagreement = listedTypeFinding(mediaType, facts, digest, at);
    if (disagreement) out.push(disagreement);
  }
  if (child && facts.platform) {
    const fix: QuickFix = {
      title: `Set platform to ${shownShort(formatPlatform(facts.platform))} (from the config)`,
      // What the config says replaces; what it does not say (features, unknown fields) stays as written.
      intent: { type: 'setField', at, field: 'platform', value: platformOver(value.platform, facts.platform) },
    };
    if (value.platform === undefined) {
      if (!options.layoutIndex) {
        out.push(finding(at, 'missing-platform', 'warning', `this image is for ${shownShort(formatPlatform(facts.platform))} (its config says so), but no platform is listed: clients cannot select it`, Section.platform, fix));
      }
    } else {
      const listed = readPlatform(value.platform);
      const field = listed && platformContradiction(listed, facts.platform);
      if (field) {
        out.push(finding([...at, 'platform'], 'platform-mismatch', 'error', `platform ${shownShort(formatPlatform(listed!))} contradicts the image's config (${shownShort(formatPlatform(facts.platform))}): the ${field} differs`, Section.platform, fix));
      }
    }
  }
  return out;
}

/**
 * Checks the descriptors of an index (its manifests) or of a manifest (config and layers) against the layout's
 * blobs. Takes the parsed JSON; returns nothing for anything else.
 */
export async function checkAgainstLayout(json: unknown, target: ReadOnlyTarget, options: LayoutCheckOptions = {}): Promise<Finding[]> {
  if (!isJsonObject(json)) return [];
  const jobs: Array<{ value: unknown; at: PathSegment[]; child: boolean }> = [];
  if (Array.isArray(json.manifests)) json.manifests.forEach((value, i) => jobs.push({ value, at: ['manifests', i], child: true }));
  if (isJsonObject(json.config)) jobs.push({ value: json.config, at: ['config'], child: false });
  if (Array.isArray(json.layers)) json.layers.forEach((value, i) => jobs.push({ value, at: ['layers', i], child: false }));
  const results: Finding[][] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      options.signal?.throwIfAborted();
      const job = jobs[i]!;
      results[i] = await checkDescriptor(target, job.value, job.at, job.child, options);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 16, jobs.length)) }, worker));
  return results.flat();
}
