import type { Descriptor, ImageIndex, ImageManifest } from '../descriptor';
import { isImageIndex } from '../mediaType';
import { OciError } from '../errors';
import { parseDocument, type ParsedText } from './parse';
import type { Problem } from './problems';

export interface StrictDocument {
  raw: Buffer;
  kind: 'index' | 'manifest';
  index?: ImageIndex;
  manifest?: ImageManifest;
  /** What passed but deserves a look (a missing mediaType, ...). */
  warnings: Problem[];
}

// A message naming a thousand broken children helps nobody; the first few locate the damage.
const MAX_LISTED = 10;

/**
 * Parses an index or manifest that must be valid, for code that goes on to use it (the layout store, index
 * operations). Throws INVALID_MANIFEST listing each error with its path: `<where>: manifests[2].digest: ...`.
 * `parsed`: raw already decoded and parsed by the caller (see ParseOptions).
 */
export function parseManifestStrict(raw: Buffer | string, expectedKind?: 'index' | 'manifest', where = 'document', parsed?: ParsedText): StrictDocument {
  const doc = parseDocument(raw, { expect: expectedKind, parsed });
  const errors = doc.problems.filter((p) => p.severity === 'error');
  if (doc.kind === 'unknown' || errors.length > 0) {
    const listed = errors.slice(0, MAX_LISTED).map((p) => (p.path === '' ? p.message : `${p.path}: ${p.message}`));
    if (errors.length > MAX_LISTED) listed.push(`and ${errors.length - MAX_LISTED} more`);
    const head = doc.kind === 'unknown' ? `${where} is not a manifest or an index: ` : `${where}: `;
    throw new OciError('INVALID_MANIFEST', head + listed.join('; '));
  }
  const warnings = doc.problems.filter((p) => p.severity === 'warning');
  if (doc.kind === 'index') return { raw: doc.raw, kind: 'index', index: doc.json as ImageIndex, warnings };
  return { raw: doc.raw, kind: 'manifest', manifest: doc.json as ImageManifest, warnings };
}

/**
 * The checks a manifest gets before it is stored: the strict validator (shape, kind, descriptors), and a mediaType
 * that agrees with the descriptor it is pushed under. Returns the parsed document. The layout store runs them on
 * push; a copy runs them on every manifest of its graph before it sends anything, whatever the destination.
 */
export function checkManifestBytes(raw: Buffer, desc: Descriptor, where: string): unknown {
  const doc = parseManifestStrict(raw, isImageIndex(desc.mediaType) ? 'index' : 'manifest', where);
  const mediaType = doc.index?.mediaType ?? doc.manifest?.mediaType;
  if (mediaType !== undefined && mediaType !== desc.mediaType) {
    throw new OciError('INVALID_MANIFEST', `${where}: mediaType ${JSON.stringify(mediaType)} differs from the descriptor's ${desc.mediaType}`);
  }
  return doc.index ?? doc.manifest;
}
