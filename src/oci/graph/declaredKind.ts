import type { Descriptor } from '../descriptor';
import { isImageIndex, isManifestMediaType, otherKindDeclared } from '../mediaType';
import { withFetchBytes, type OpOptions, type ReadOnlyTarget } from '../target';
import { parseJsonObject } from '../validate';

/**
 * `desc` under the type its document `doc` declares when that is of the other kind than the one it is listed by (an
 * index listed under an image manifest type, or the reverse: see otherKindDeclared); else `desc` itself. The
 * document is verified by its digest, so it is the truth; `check` reports the listing.
 */
export function asDeclaredKind(desc: Descriptor, doc: { mediaType?: unknown } | null | undefined): Descriptor {
  const own = otherKindDeclared(desc.mediaType, doc);
  return own === undefined ? desc : { ...desc, mediaType: own };
}

/** asDeclaredKind of a document's bytes, read leniently: bytes that are no JSON object leave `desc` as it is (their reader names them). */
export function asDeclaredKindOf(desc: Descriptor, bytes: Buffer): Descriptor {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return desc;
  }
  return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? asDeclaredKind(desc, doc as { mediaType?: unknown }) : desc;
}

/** A manifest read to learn its kind: `desc` as its document declares it, `listed` the type it was listed by when that differs. */
export interface DeclaredDocument {
  desc: Descriptor;
  bytes: Buffer;
  /** The document; undefined for one listed as an image manifest whose bytes are no JSON object (its reader names that). */
  doc?: Record<string, unknown>;
  /** The listed type, when the document declares the other kind. */
  listed?: string;
}

/**
 * Reads the manifest `desc` names and gives it as its document declares: what acts on a tag (a platform picked from
 * it, its files, its referrers) acts on the document, not on an index.json entry or HEAD answer of the other kind.
 * One listed as an index must parse (named `index DIGEST`, as before); one listed as an image manifest is read
 * leniently, its reader naming what is wrong. A descriptor of no manifest type is not read (it may be a large blob):
 * undefined.
 */
export async function readDeclaredKind(target: ReadOnlyTarget, desc: Descriptor, options: OpOptions = {}): Promise<DeclaredDocument | undefined> {
  if (!isManifestMediaType(desc.mediaType)) return undefined;
  const bytes = await target.fetchBytes(desc, options);
  let doc: Record<string, unknown> | undefined;
  if (isImageIndex(desc.mediaType)) doc = parseJsonObject(bytes, `index ${desc.digest}`);
  else {
    try {
      doc = parseJsonObject(bytes, `manifest ${desc.digest}`);
    } catch {
      doc = undefined;
    }
  }
  const declared = asDeclaredKind(desc, doc);
  return declared === desc ? { desc, bytes, doc } : { desc: declared, bytes, doc, listed: desc.mediaType };
}

/**
 * `target` answering a fetch of the document `read` holds from its bytes: a walk that starts where readDeclaredKind
 * read (an index's children listed next) reads it once, as before it was read for its kind.
 */
export function withDocumentRead<T extends ReadOnlyTarget>(target: T, read: DeclaredDocument | undefined): T {
  if (!read) return target;
  return withFetchBytes(target, (d, o) => (d.digest === read.desc.digest ? Promise.resolve(read.bytes) : target.fetchBytes(d, o)));
}
