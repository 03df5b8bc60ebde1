// Where content lives: a layout folder (or `.tar`) or a repository on a registry. One string form
// (`layout:/path`, `registry:host/repo`) names it in document URIs and node ids.
import * as l10n from '@vscode/l10n';
import { formatRegistryReference } from '../../oci/registry/registryReference';
import { formatLayoutReference } from '../../oci/reference';

export type SourceRef = { kind: 'layout'; path: string } | { kind: 'registry'; registry: string; repository: string };

export function sourceKey(ref: SourceRef): string {
  return ref.kind === 'layout' ? `layout:${ref.path}` : `registry:${ref.registry}/${ref.repository}`;
}

export function parseSourceKey(key: string): SourceRef {
  if (key.startsWith('layout:') && key.length > 'layout:'.length) return { kind: 'layout', path: key.slice('layout:'.length) };
  if (key.startsWith('registry:')) {
    const rest = key.slice('registry:'.length);
    const slash = rest.indexOf('/');
    if (slash > 0 && slash < rest.length - 1) return { kind: 'registry', registry: rest.slice(0, slash), repository: rest.slice(slash + 1) };
  }
  throw new Error(l10n.t('not a Manifold source: {0}', key));
}

/** `dir:tag`, `dir@digest`, `host/repo:tag`: as the CLI takes references. */
export function sourceReference(ref: SourceRef, reference?: string): string {
  return ref.kind === 'layout' ? formatLayoutReference(ref.path, reference) : formatRegistryReference(ref.registry, ref.repository, reference);
}

/** A short name: the layout folder's, or the repository's. */
export function sourceName(ref: SourceRef): string {
  if (ref.kind === 'registry') return ref.repository.split('/').pop()!;
  const parts = ref.path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? ref.path;
}
