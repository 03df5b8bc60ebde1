// Where content lives: a layout folder (or `.tar`) or a repository on a registry. One type for both faces: the
// extension keys its nodes and documents by it, the CLI prints oras's `[oci-layout] dir:tag` lines from it.
import { formatLayoutReference } from './reference';
import { formatRegistryReference } from './registry/registryReference';

export type SourceRef = { kind: 'layout'; path: string } | { kind: 'registry'; registry: string; repository: string };

/** One string form, `layout:/path` or `registry:host/repo`, for URIs and ids. */
export function sourceKey(ref: SourceRef): string {
  return ref.kind === 'layout' ? `layout:${ref.path}` : `registry:${ref.registry}/${ref.repository}`;
}

/** `dir:tag`, `dir@digest`, `host/repo:tag`: as the CLI takes references. */
export function sourceReference(ref: SourceRef, reference?: string): string {
  return ref.kind === 'layout' ? formatLayoutReference(ref.path, reference) : formatRegistryReference(ref.registry, ref.repository, reference);
}

/** `dir` or `host/repo`: what a reference's `:tag` or `@digest` follows. */
export function sourcePath(ref: SourceRef): string {
  return ref.kind === 'layout' ? ref.path : `${ref.registry}/${ref.repository}`;
}

/** oras's word for the kind of place, in `Pushed [oci-layout] dir:tag` and its other output lines. */
export function sourceLabel(ref: SourceRef): 'oci-layout' | 'registry' {
  return ref.kind === 'layout' ? 'oci-layout' : 'registry';
}

/** A short name: the layout folder's, or the repository's. */
export function sourceName(ref: SourceRef): string {
  if (ref.kind === 'registry') return ref.repository.split('/').pop()!;
  const parts = ref.path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? ref.path;
}
