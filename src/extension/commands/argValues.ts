// Reading the values of plain-object command arguments; no `vscode` here, so it is unit-tested in Node.
import * as l10n from '@vscode/l10n';
import { parseAnnotationChanges, type AnnotationChanges } from '../../oci/imageIndex';
import { OciError } from '../../oci/errors';
import { checkTag } from '../../oci/reference';

/** `['a', 'b']`, `'a, b'`, `'a b'` -> ['a', 'b']; undefined when absent. */
export function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  throw new OciError('INVALID_ARGUMENT', l10n.t('{0}: expected a list of strings', name));
}

/**
 * Tags given as an argument (`tags: ['v1', 'latest']`, or `'v1, latest'`): undefined when absent (the command asks).
 * An empty list is refused, naming the argument, as is a name that is no tag: asked interactively, every command
 * that stores something takes at least one tag, so a script's `[]` is a list that came out empty by mistake, not a
 * wish to store something no tag names (in a layout, hard to find; an index there untagged is not even listed).
 */
export function tagList(value: unknown, name: string): string[] | undefined {
  const tags = stringList(value, name);
  if (!tags) return undefined;
  if (tags.length === 0) throw new OciError('INVALID_ARGUMENT', l10n.t('{0} is empty: give at least one tag', name));
  tags.forEach((tag, i) => {
    try {
      checkTag(tag);
    } catch (err) {
      throw new OciError('INVALID_ARGUMENT', l10n.t('{0}[{1}]: {2}', name, i, (err as Error).message));
    }
  });
  return tags;
}

/** `concurrency: 2`: how many tags a copy copies at a time, a positive integer; undefined otherwise (the command's own). */
export function concurrencyArg(value: unknown): number | undefined {
  return Number.isSafeInteger(value) && (value as number) > 0 ? (value as number) : undefined;
}

/**
 * Annotation changes from `['k=v', 'k2-']` (the CLI's grammar) or `{ set: {...}, remove: [...] }` or a plain
 * `{ k: v }` map (set only).
 */
export function annotationChanges(value: unknown, allowRemove: boolean): AnnotationChanges | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) || typeof value === 'string') {
    return parseAnnotationChanges(stringList(value, 'annotations') ?? [], { allowRemove });
  }
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (isStringMap(o.set) || Array.isArray(o.remove)) {
      const remove = stringList(o.remove, 'annotations.remove') ?? [];
      if (remove.length > 0 && !allowRemove) throw new OciError('INVALID_ARGUMENT', l10n.t('annotations: removing is not possible here'));
      return { set: isStringMap(o.set) ? { ...o.set } : {}, remove };
    }
    if (isStringMap(o)) return { set: { ...o }, remove: [] };
  }
  throw new OciError('INVALID_ARGUMENT', l10n.t('annotations: expected ["key=value", ...] or {0}', '{ key: value }'));
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((x) => typeof x === 'string');
}
