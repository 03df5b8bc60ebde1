// The core's SourceRef (src/oci/sourceRef.ts) and, for the extension, reading its string form back with a
// localized error.
import * as l10n from '@vscode/l10n';
import type { SourceRef } from '../../oci/sourceRef';

export { sourceKey, sourceName, sourceReference, type SourceRef } from '../../oci/sourceRef';

export function parseSourceKey(key: string): SourceRef {
  if (key.startsWith('layout:') && key.length > 'layout:'.length) return { kind: 'layout', path: key.slice('layout:'.length) };
  if (key.startsWith('registry:')) {
    const rest = key.slice('registry:'.length);
    const slash = rest.indexOf('/');
    if (slash > 0 && slash < rest.length - 1) return { kind: 'registry', registry: rest.slice(0, slash), repository: rest.slice(slash + 1) };
  }
  throw new Error(l10n.t('not a Manifold source: {0}', key));
}
