// Reading the values of plain-object command arguments; no `vscode` here, so it is unit-tested in Node.
import * as l10n from '@vscode/l10n';
import { parseAnnotationChanges, type AnnotationChanges } from '../../oci/imageIndex';
import { OciError } from '../../oci/errors';

/** `['a', 'b']`, `'a, b'`, `'a b'` -> ['a', 'b']; undefined when absent. */
export function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  throw new OciError('INVALID_ARGUMENT', l10n.t('{0}: expected a list of strings', name));
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
