import * as l10n from '@vscode/l10n';
import { parseAnnotationChanges } from '../../oci/imageIndex';

/**
 * What is wrong with one more annotation entry, in the prompt's own words (the core's parser, shared with the CLI,
 * speaks of its flags): the same rules, so what passes here passes the parser.
 */
export function annotationProblem(entries: readonly string[], entry: string, allowRemove: boolean): string | undefined {
  try {
    parseAnnotationChanges([...entries, entry], { allowRemove });
    return undefined;
  } catch {
    const eq = entry.indexOf('=');
    const key = eq !== -1 ? entry.slice(0, eq) : allowRemove && entry.endsWith('-') ? entry.slice(0, -1) : undefined;
    if (key === undefined) return allowRemove ? l10n.t('Write key=value to set an annotation, or key- to remove one.') : l10n.t('Write key=value.');
    if (key === '') return l10n.t('The key before "=" is empty.');
    return l10n.t('{0} is already given above.', key);
  }
}
