import { lenientDescriptor, type Descriptor } from '../descriptor';
import { OciError } from '../errors';
import { isConfigMediaType, isImageIndex, isImageManifest, MediaType } from '../mediaType';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { malformedJson } from '../validate';
import { isJsonObject } from '../jsonObject';

/** A stored manifest or index, parsed into the edges a browser follows: children, config, layers, subject. */
export interface ManifestContent {
  desc: Descriptor;
  kind: 'index' | 'manifest';
  /** The exact bytes (digests are over these). */
  raw: Buffer;
  mediaType?: string;
  /** The manifest's artifactType, else a config media type that is not an image config (artifacts of older tools). */
  artifactType?: string;
  config?: Descriptor;
  layers: Descriptor[];
  /** An index's children. */
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/**
 * Fetches and parses `desc`. Lenient about what other tools write (a missing mediaType is told from the
 * shape), strict about what is not a manifest at all: that is an INVALID_MANIFEST error naming the digest.
 */
export async function readManifestContent(target: ReadOnlyTarget, desc: Descriptor, options: OpOptions = {}): Promise<ManifestContent> {
  const raw = await target.fetchBytes(desc, options);
  return parseManifestContent(desc, raw);
}

export function parseManifestContent(desc: Descriptor, raw: Buffer): ManifestContent {
  const text = raw.toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new OciError('INVALID_MANIFEST', `${desc.digest}: is not a manifest (${malformedJson(text, err)})`, { cause: err });
  }
  if (!isJsonObject(doc)) throw new OciError('INVALID_MANIFEST', `${desc.digest}: is not a manifest (not a JSON object)`);
  const mediaType = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const declared = mediaType ?? desc.mediaType;
  let kind: ManifestContent['kind'];
  if (isImageIndex(declared) || (!isImageManifest(declared) && Array.isArray(doc.manifests))) kind = 'index';
  else if (isImageManifest(declared) || (isJsonObject(doc.config) && Array.isArray(doc.layers))) kind = 'manifest';
  else throw new OciError('INVALID_MANIFEST', `${desc.digest}: is not a manifest (media type ${declared || 'missing'})`);

  const out: ManifestContent = { desc, kind, raw, layers: [], manifests: [] };
  if (mediaType) out.mediaType = mediaType;
  if (kind === 'index') out.manifests = descriptorsOf(doc.manifests);
  else {
    const config = lenientDescriptor(doc.config);
    if (config) out.config = config;
    out.layers = descriptorsOf(doc.layers);
  }
  if (typeof doc.artifactType === 'string' && doc.artifactType !== '') out.artifactType = doc.artifactType;
  else if (out.config && !isConfigMediaType(out.config.mediaType) && out.config.mediaType !== MediaType.Empty) out.artifactType = out.config.mediaType;
  const subject = lenientDescriptor(doc.subject);
  if (subject) out.subject = subject;
  if (isStringMap(doc.annotations) && Object.keys(doc.annotations).length > 0) out.annotations = doc.annotations;
  return out;
}

function descriptorsOf(v: unknown): Descriptor[] {
  return Array.isArray(v) ? v.map(lenientDescriptor).filter((d): d is Descriptor => d !== undefined) : [];
}

function isStringMap(v: unknown): v is Record<string, string> {
  return isJsonObject(v) && Object.values(v).every((x) => typeof x === 'string');
}
