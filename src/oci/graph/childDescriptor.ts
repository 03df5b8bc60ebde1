import type { Descriptor, ImageConfig, ImageIndex, ImageManifest, Platform } from '../descriptor';
import { OciError } from '../errors';
import { isImageIndex, isImageManifest, isManifestMediaType, otherKindDeclared } from '../mediaType';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { isJsonObject } from '../jsonObject';
import { parseManifestStrict, parseText, unusableDescriptor } from '../validate';
import { asDeclaredKind } from './declaredKind';

/** oras does not read configs over 4 MiB for a platform. */
const MAX_CONFIG_SIZE = 4 * 1024 * 1024;

export interface FetchedManifest {
  desc: Descriptor;
  raw: Buffer;
  json: ImageManifest | ImageIndex;
}

/** Resolves a tag or digest and fetches the manifest it names, refusing blobs that are not manifests. */
export async function fetchManifest(target: ReadOnlyTarget, source: string, what: 'manifest' | 'index', options: OpOptions = {}): Promise<FetchedManifest> {
  let desc: Descriptor;
  try {
    desc = await target.resolve(source, options);
  } catch (err) {
    if (err instanceof OciError && err.code === 'NOT_FOUND') {
      throw new OciError('NOT_FOUND', `could not find the ${what} ${source}: not found`, { cause: err });
    }
    throw err;
  }
  if (!isManifestMediaType(desc.mediaType)) throw new OciError('INVALID_ARGUMENT', `${source} is not a manifest`);
  const raw = await target.fetchBytes(desc, options);
  // Decoded and parsed once, for its kind and for the strict check below (index create of 1,000 sources: 1,000
  // decodings and parses fewer).
  const parsed = parseText(raw);
  // The kind is the document's (verified by digest): an index listed under an image manifest type is updated as the
  // index it is, and its tag then lists it truly; an image listed under an index type is no index, said with both types.
  const listed = desc.mediaType;
  if (parsed && isJsonObject(parsed.json)) desc = asDeclaredKind(desc, parsed.json);
  if (what === 'index' && !isImageIndex(desc.mediaType)) {
    const why = listed === desc.mediaType ? '' : ` (it is listed as ${listed}, but its document is an image manifest: it declares ${desc.mediaType})`;
    throw new OciError('INVALID_ARGUMENT', `${source} is not an index${why}`);
  }
  // Structure is checked before use, so a malformed child is named with its JSON path, never half-read.
  const doc = parseManifestStrict(raw, what === 'index' ? 'index' : undefined, `${source} (${desc.digest})`, parsed);
  const json = doc.kind === 'index' ? doc.index! : doc.manifest!;
  return { desc, raw, json };
}

/**
 * The descriptor an index lists for a child, as oras builds it: media type, digest and size, the platform
 * read from an image's config, and the artifact type of the manifest itself.
 */
export async function childDescriptor(target: ReadOnlyTarget, fetched: FetchedManifest, options: OpOptions = {}): Promise<Descriptor> {
  const { desc, json } = fetched;
  // A manifest listed as the other kind (an image under an index type in a layout's index.json) is listed as its
  // document declares: the new index would otherwise pass the wrong kind on.
  const mediaType = otherKindDeclared(desc.mediaType, json) ?? desc.mediaType;
  const child: Descriptor = { mediaType, digest: desc.digest, size: desc.size };
  if (isImageManifest(mediaType)) {
    const platform = await platformFromConfig(target, json as ImageManifest, options);
    if (platform) child.platform = platform;
  }
  const artifactType = (json as { artifactType?: unknown }).artifactType;
  if (typeof artifactType === 'string' && artifactType !== '') child.artifactType = artifactType;
  return child;
}

/** The platform an image's config declares, or undefined for configs without one (artifacts, non-JSON configs). */
export async function platformFromConfig(target: ReadOnlyTarget, manifest: ImageManifest, options: OpOptions = {}): Promise<Platform | undefined> {
  const config = manifest.config;
  if (!config || typeof config.digest !== 'string') return undefined;
  // Read leniently (a listing describes what other tools wrote): a size that is no number is named, not read as one.
  const problem = unusableDescriptor(config, ['config']);
  if (problem) throw new OciError('INVALID_MANIFEST', problem);
  if (config.size > MAX_CONFIG_SIZE) {
    throw new OciError('INVALID_MANIFEST', `config ${config.digest} is ${config.size} bytes, over the ${MAX_CONFIG_SIZE} bytes read for a platform`);
  }
  const raw = await target.fetchBytes(config, options);
  let parsed: ImageConfig;
  try {
    parsed = JSON.parse(raw.toString('utf8')) as ImageConfig;
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const arch = str(parsed.architecture);
  const os = str(parsed.os);
  if (!arch && !os) return undefined;
  const platform: Platform = { architecture: arch ?? '', os: os ?? '' };
  const osVersion = str(parsed['os.version']);
  if (osVersion) platform['os.version'] = osVersion;
  const osFeatures = parsed['os.features'];
  if (Array.isArray(osFeatures) && osFeatures.length > 0 && osFeatures.every((f) => typeof f === 'string')) platform['os.features'] = osFeatures;
  const variant = str(parsed.variant);
  if (variant) platform.variant = variant;
  return platform;
}

/**
 * A single image as its config declares its platform, for its label (`linux/amd64`: coverage's row of it, verify's),
 * from its document `doc`; as is when it has a platform already, is an index, or its config says none or cannot be read.
 */
export async function withOwnPlatform(target: ReadOnlyTarget, doc: object | undefined, desc: Descriptor, options: OpOptions = {}): Promise<Descriptor> {
  if (desc.platform || isImageIndex(desc.mediaType) || !doc) return desc;
  const platform = await platformFromConfig(target, doc as ImageManifest, options).catch(() => undefined);
  return platform ? { ...desc, platform } : desc;
}
