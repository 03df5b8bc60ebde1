import type { ImageIndex, ImageManifest } from '../descriptor';
import { OciError } from '../errors';
import { parseDocument } from './parse';
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
 */
export function parseManifestStrict(raw: Buffer | string, expectedKind?: 'index' | 'manifest', where = 'document'): StrictDocument {
  const doc = parseDocument(raw, { expect: expectedKind });
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
