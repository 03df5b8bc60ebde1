import { lenientDescriptor, stringValues, type Descriptor } from '../descriptor';
import { isImageIndex, isImageManifest } from '../mediaType';
import { isJsonObject } from '../jsonObject';
import { referencesOf, type References } from './references';

/** What the layout needs to know of a stored manifest or index: its type, children, subject and labels. */
export interface ManifestFacts {
  mediaType?: string;
  kind: 'index' | 'manifest';
  artifactType?: string;
  configMediaType?: string;
  children: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
  /** What prune follows from it (kept so a check's count of garbage need not read it again). */
  references: References;
}

/**
 * Reads what the store needs from manifest bytes, or undefined when they are not a manifest.
 * Lenient on purpose: used while walking content other tools wrote.
 */
export function manifestFacts(raw: Buffer): ManifestFacts | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
  return factsOf(doc);
}

/** manifestFacts of a document already parsed (by checkManifestBytes, say): the same facts without a second parse. */
export function factsOf(doc: unknown): ManifestFacts | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const o = doc as Record<string, unknown>;
  const mediaType = typeof o.mediaType === 'string' ? o.mediaType : undefined;
  let kind: ManifestFacts['kind'] | undefined;
  if (isImageIndex(mediaType) || (mediaType === undefined && Array.isArray(o.manifests))) kind = 'index';
  else if (isImageManifest(mediaType) || (mediaType === undefined && isJsonObject(o.config) && Array.isArray(o.layers))) kind = 'manifest';
  if (!kind) return undefined;
  const facts: ManifestFacts = { kind, children: [], references: referencesOf(o) };
  if (mediaType) facts.mediaType = mediaType;
  if (typeof o.artifactType === 'string' && o.artifactType) facts.artifactType = o.artifactType;
  // Read leniently (other tools' documents): descriptors keep only fields of their spec'd type (lenientDescriptor).
  if (kind === 'index' && Array.isArray(o.manifests)) facts.children = o.manifests.map(lenientDescriptor).filter((d): d is Descriptor => d !== undefined);
  if (kind === 'manifest' && isJsonObject(o.config) && typeof o.config.mediaType === 'string') facts.configMediaType = o.config.mediaType;
  const subject = lenientDescriptor(o.subject);
  if (subject) facts.subject = subject;
  const annotations = stringValues(o.annotations);
  if (annotations) facts.annotations = annotations;
  return facts;
}

// The checks a manifest gets before it is stored live with the validator, so a copy runs them before it sends a blob.
export { checkManifestBytes } from '../validate';

/** The artifact type a referrer is listed with (distribution-spec: artifactType, else the config's mediaType). */
export function referrerArtifactType(facts: ManifestFacts): string | undefined {
  return facts.artifactType ?? facts.configMediaType;
}
