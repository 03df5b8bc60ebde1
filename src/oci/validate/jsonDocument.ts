import { OciError, type OciErrorCode } from '../errors';
import { malformedJsonAt, placeOfJsonError, type JsonSyntaxPlace } from './textFindings';

/**
 * A document that is not JSON, with where it stops being JSON as fields (the message says it in words): a face
 * can put the cursor there (the Layouts view opens a broken index.json at that place) without reading the message.
 */
export class MalformedJsonError extends OciError {
  constructor(
    code: OciErrorCode,
    message: string,
    /** The document as named in the message: a file's path, or a manifest's reference or digest. */
    readonly where: string,
    readonly place: JsonSyntaxPlace,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/**
 * Parses a stored document (a manifest, an index, a config, index.json) or a user's file as JSON. Text that is
 * not JSON is a MalformedJsonError naming `where`, the line and column where it stops being JSON, and why; a bare
 * SyntaxError names neither the document nor the place.
 */
export function parseJson(raw: Buffer | string, where: string, code: OciErrorCode = 'INVALID_MANIFEST'): unknown {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const place = placeOfJsonError(text, err);
    throw new MalformedJsonError(code, `${where}: ${malformedJsonAt(place)}`, where, place, { cause: err });
  }
}

/** parseJson, for a document that must be a JSON object (a manifest, an index, a config). */
export function parseJsonObject(raw: Buffer | string, where: string, code: OciErrorCode = 'INVALID_MANIFEST'): Record<string, unknown> {
  const doc = parseJson(raw, where, code);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new OciError(code, `${where}: not a JSON object`);
  return doc as Record<string, unknown>;
}
