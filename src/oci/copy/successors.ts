import type { Descriptor } from '../descriptor';
import { parseJsonObject } from '../validate';
import { isImageIndex, isManifestMediaType } from '../mediaType';

/**
 * What must exist before a manifest may be stored, as oras-go's content.Successors: the subject (a
 * referrer is copied with what it refers to), then an index's children, or an image's config and layers.
 */
export function successors(desc: Descriptor, bytes: Buffer): Descriptor[] {
  const doc = parseJsonObject(bytes, `manifest ${desc.digest}`);
  const out: Descriptor[] = [];
  if (isDescriptor(doc.subject)) out.push(doc.subject);
  if (isImageIndex(desc.mediaType) || (!isManifestMediaType(desc.mediaType) && Array.isArray(doc.manifests))) {
    for (const m of Array.isArray(doc.manifests) ? doc.manifests : []) if (isDescriptor(m)) out.push(m);
  } else {
    if (isDescriptor(doc.config)) out.push(doc.config);
    for (const l of Array.isArray(doc.layers) ? doc.layers : []) if (isDescriptor(l)) out.push(l);
  }
  return out;
}

function isDescriptor(v: unknown): v is Descriptor {
  const d = v as Descriptor | null;
  return typeof d === 'object' && d !== null && typeof d.digest === 'string' && typeof d.mediaType === 'string' && typeof d.size === 'number';
}
