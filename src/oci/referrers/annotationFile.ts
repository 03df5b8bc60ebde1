import { promises as fs } from 'node:fs';
import { OciError } from '../errors';
import { malformedJson } from '../validate';
import { isJsonObject } from '../jsonObject';

/** The keys oras's annotation file reserves for the manifest and the config; every other key names a file. */
export const ANNOTATION_FILE_MANIFEST = '$manifest';
export const ANNOTATION_FILE_CONFIG = '$config';

/** An annotation file as oras reads it: `{"$manifest": {...}, "$config": {...}, "<file path>": {...}}`. */
export interface AnnotationFile {
  manifest: Record<string, string>;
  config: Record<string, string>;
  /** Layer annotations by file path, as the path is written on the command line. */
  files: Record<string, Record<string, string>>;
}

/** Parses the JSON of an annotation file: an object of objects of strings, nothing else. */
export function parseAnnotationFile(text: string, where: string): AnnotationFile {
  const invalid = (detail: string, cause?: unknown) =>
    new OciError('INVALID_ARGUMENT', `invalid annotation json file: failed to load annotations from ${where}: ${detail}`, { cause });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw invalid(malformedJson(text, err), err);
  }
  const out: AnnotationFile = { manifest: {}, config: {}, files: {} };
  // null where a map belongs is an empty map, as Go's decoder (oras) reads it; a null value is refused below: Go
  // would write it as "", an annotation nobody wrote.
  if (doc === null) return out;
  if (!isJsonObject(doc)) throw invalid('expected a JSON object of annotation maps');
  for (const [key, value] of Object.entries(doc)) {
    if (value === null) continue;
    if (!isJsonObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
      throw invalid(`${JSON.stringify(key)} must map annotation keys to string values`);
    }
    const map = { ...(value as Record<string, string>) };
    if (key === ANNOTATION_FILE_MANIFEST) out.manifest = map;
    else if (key === ANNOTATION_FILE_CONFIG) out.config = map;
    else out.files[key] = map;
  }
  return out;
}

export async function readAnnotationFile(path: string): Promise<AnnotationFile> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (err) {
    throw new OciError('NOT_FOUND', `invalid annotation json file: failed to load annotations from ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseAnnotationFile(text, path);
}

