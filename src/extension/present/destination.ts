import * as l10n from '@vscode/l10n';
import { parseDigest } from '../../oci/digest';
import { checkRegistry, isValidRepository } from '../../oci/registry';
import { isValidTag } from '../../oci/reference';

/**
 * What the pick asks for: `copy` a destination `registry/repository[:tag]` (Copy to Registry: the source's tag when
 * none is typed), `repository` only `registry/repository` (Copy Layout to Registry: every tag keeps its name),
 * `source` what to pull, `registry/repository:tag` or `@digest` (Pull into This Layout).
 */
export type DestinationKind = 'copy' | 'repository' | 'source';

/** A destination (or source) typed in the pick, split without throwing. */
export interface Destination {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** How the pick's value names it: `registry/repository`, then `:tag` or `@digest` when there is one. */
export function formatDestination(d: Destination): string {
  return `${d.registry}/${d.repository}${d.digest ? `@${d.digest}` : d.tag ? `:${d.tag}` : ''}`;
}

/** The shape to type, for the messages. */
function shape(kind: DestinationKind): string {
  return kind === 'repository' ? 'registry/repository' : 'registry/repository:tag';
}

/**
 * What is wrong with a typed destination, in the extension's words (the core's reference parser speaks of the
 * CLI's flags), or the destination it names. `sourceTag` is reused when no tag is typed (kind `copy`).
 */
export function parseDestination(value: string, sourceTag: string | undefined, kind: DestinationKind = 'copy'): { destination?: Destination; problem?: string } {
  const text = value.trim();
  if (text === '') {
    if (kind === 'repository') return { problem: l10n.t('Type registry/repository, for example 127.0.0.1:5000/team/app.') };
    return { problem: l10n.t('Type registry/repository:tag, for example 127.0.0.1:5000/team/app:v1.') };
  }
  if (/^https?:\/\//i.test(text)) return { problem: l10n.t('Leave out {0}: type {1}.', text.slice(0, text.indexOf('//') + 2), shape(kind)) };
  const slash = text.indexOf('/');
  if (slash <= 0) return { problem: l10n.t('Name the repository after the registry: {0}.', `${text}/${shape(kind).slice('registry/'.length)}`) };
  const registry = text.slice(0, slash);
  try {
    checkRegistry(registry);
  } catch {
    return { problem: l10n.t('"{0}" is not a registry: a host name or address, with an optional :port.', registry) };
  }
  let rest = text.slice(slash + 1);
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    if (kind === 'copy') return { problem: l10n.t('Name a tag after ":", not a digest: the copy is tagged at the destination.') };
    if (kind === 'repository') return { problem: l10n.t('Name only the repository: every tag keeps its name.') };
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    try {
      parseDigest(digest);
    } catch {
      return { problem: l10n.t('"{0}" is not a digest: algorithm:hex, for example sha256: and 64 hex digits.', digest) };
    }
  }
  const colon = digest === undefined ? rest.lastIndexOf(':') : -1;
  const repository = colon === -1 ? rest : rest.slice(0, colon);
  const tag = colon === -1 ? undefined : rest.slice(colon + 1);
  if (!isValidRepository(repository)) {
    return { problem: l10n.t('"{0}" is not a repository name: lowercase letters and digits, separated by ".", "_", "-" or "/".', repository) };
  }
  if (kind === 'repository' && tag !== undefined) return { problem: l10n.t('Name only the repository: every tag keeps its name.') };
  if (tag === '') return { problem: l10n.t('Type the tag after ":".') };
  if (tag !== undefined && !isValidTag(tag)) {
    return { problem: l10n.t('"{0}" is not a tag: up to 128 letters, digits, "_", "." or "-", not starting with "." or "-".', tag) };
  }
  if (kind === 'source' && tag === undefined && digest === undefined) return { problem: l10n.t('Add :tag (or @digest): the tag to pull.') };
  if (kind === 'copy' && tag === undefined && !sourceTag) return { problem: l10n.t('Add :tag at the end: the source has no tag to reuse.') };
  const named = kind === 'copy' ? (tag ?? sourceTag) : tag;
  return { destination: { registry, repository, ...(named !== undefined ? { tag: named } : {}), ...(digest !== undefined ? { digest } : {}) } };
}

/** An added registry and its added repositories. */
export interface KnownRegistry {
  host: string;
  repositories: readonly string[];
}

/** A row of the destination pick (a QuickPickItem). */
export interface DestinationItem {
  label: string;
  description?: string;
  detail?: string;
  alwaysShow?: boolean;
  /** What accepting it copies to (undefined: it cannot be accepted as it is). */
  value?: string;
  /** Put into the input instead of accepting: a registry with no repository yet. */
  fill?: string;
}

/** The tags of an added repository, once listed for a `source` pick (or why they could not be). */
export interface RepositoryTags {
  tags: readonly string[];
  problem?: string;
}

/**
 * The items of the destination pick for what is typed: the typed text first, as a new destination or with what is
 * wrong with it, then each added repository (the source's tag reused, for `copy`) and each added registry with none.
 * For `source`, a repository is filled in to take a tag, and once its tags are listed (`tags`, by registry/repository)
 * each is an item of its own.
 */
export function destinationItems(
  known: readonly KnownRegistry[],
  typed: string,
  sourceTag: string | undefined,
  kind: DestinationKind = 'copy',
  tags: ReadonlyMap<string, RepositoryTags> = new Map(),
): DestinationItem[] {
  const rows: DestinationItem[] = [];
  const text = typed.trim();
  const repos = known.flatMap((r) => r.repositories.map((repo) => `${r.host}/${repo}`));
  for (const repo of repos) {
    const listed = kind === 'source' ? tags.get(repo) : undefined;
    if (kind === 'source') {
      rows.push({ label: repo, description: l10n.t('added repository: pick or type a tag'), detail: listed?.problem, fill: `${repo}:` });
      for (const tag of listed?.tags ?? []) rows.push({ label: `${repo}:${tag}`, description: l10n.t('tag'), value: `${repo}:${tag}` });
      continue;
    }
    const { destination, problem } = parseDestination(repo, sourceTag, kind);
    rows.push({
      label: repo,
      description: kind === 'copy' && sourceTag ? `:${sourceTag}` : l10n.t('added repository'),
      detail: problem,
      value: destination && formatDestination(destination),
      fill: destination ? undefined : `${repo}:`,
    });
  }
  for (const r of known.filter((r) => r.repositories.length === 0)) {
    rows.push({ label: `${r.host}/`, description: l10n.t('added registry: type the repository'), fill: `${r.host}/` });
  }
  // A repository filled in (`host/repo:`, waiting for its tag) is not a row of its own: its tags are.
  if (text === '' || rows.some((r) => r.label === text || (kind === 'source' && r.fill === text))) return rows;
  const { destination, problem } = parseDestination(text, sourceTag, kind);
  const typedRow: DestinationItem = destination
    ? { label: text, description: kind === 'source' ? l10n.t('pull this') : l10n.t('new destination'), value: formatDestination(destination), alwaysShow: true }
    : { label: text, description: kind === 'source' ? l10n.t('not a source yet') : l10n.t('not a destination yet'), detail: problem, alwaysShow: true };
  return [typedRow, ...rows];
}
