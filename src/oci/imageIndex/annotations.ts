import { OciError } from '../errors';

export interface AnnotationChanges {
  set: Record<string, string>;
  remove: string[];
}

const FORMAT_HINT = 'use --annotation "key=value" (or "key-" to remove a key, on update)';

/** Parses `key=value` flags as oras does: the first `=` splits, a repeated key is an error. */
export function parseAnnotations(args: readonly string[]): Record<string, string> {
  const { set, remove } = parseAnnotationChanges(args, { allowRemove: false });
  void remove;
  return set;
}

/** Parses `key=value` (set) and `key-` (remove) flags, the update grammar (kubectl's). */
export function parseAnnotationChanges(args: readonly string[], options: { allowRemove?: boolean } = { allowRemove: true }): AnnotationChanges {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    let key: string;
    if (eq !== -1) {
      key = arg.slice(0, eq);
      set[key] = arg.slice(eq + 1);
    } else if (options.allowRemove && arg.endsWith('-') && arg.length > 1) {
      key = arg.slice(0, -1);
      remove.push(key);
    } else {
      throw new OciError('INVALID_ARGUMENT', `annotation value doesn't match the required format: ${JSON.stringify(arg)}; ${FORMAT_HINT}`);
    }
    if (key === '') throw new OciError('INVALID_ARGUMENT', `annotation ${JSON.stringify(arg)} has an empty key`);
    if (seen.has(key)) throw new OciError('INVALID_ARGUMENT', `duplicate annotation key: ${key}`);
    seen.add(key);
  }
  return { set, remove };
}
