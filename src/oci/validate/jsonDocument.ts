import { OciError, type OciErrorCode } from '../errors';
import { malformedJson } from './textFindings';

/**
 * Parses a stored document (a manifest, an index, a config, index.json) or a user's file as JSON. Text that is
 * not JSON is an OciError naming `where`, the line and column where it stops being JSON, and why; a bare
 * SyntaxError names neither the document nor the place.
 */
export function parseJson(raw: Buffer | string, where: string, code: OciErrorCode = 'INVALID_MANIFEST'): unknown {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new OciError(code, `${where}: ${malformedJson(text, err)}`, { cause: err });
  }
}

/** parseJson, for a document that must be a JSON object (a manifest, an index, a config). */
export function parseJsonObject(raw: Buffer | string, where: string, code: OciErrorCode = 'INVALID_MANIFEST'): Record<string, unknown> {
  const doc = parseJson(raw, where, code);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new OciError(code, `${where}: not a JSON object`);
  return doc as Record<string, unknown>;
}
