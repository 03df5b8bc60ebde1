import * as l10n from '@vscode/l10n';
import { checkRegistry, isValidRepository } from '../../oci/registry';
import { isValidTag } from '../../oci/reference';

/** A destination typed for Copy to Registry: `registry/repository[:tag]`, split without throwing. */
export interface Destination {
  registry: string;
  repository: string;
  tag?: string;
}

/**
 * What is wrong with a typed destination, in the extension's words (the core's reference parser speaks of the
 * CLI's flags), or the destination it names. `sourceTag` is reused when no tag is typed.
 */
export function parseDestination(value: string, sourceTag: string | undefined): { destination?: Destination; problem?: string } {
  const text = value.trim();
  if (text === '') return { problem: l10n.t('Type registry/repository:tag, for example 127.0.0.1:5000/team/app:v1.') };
  if (/^https?:\/\//i.test(text)) return { problem: l10n.t('Leave out {0}: type registry/repository:tag.', text.slice(0, text.indexOf('//') + 2)) };
  const slash = text.indexOf('/');
  if (slash <= 0) return { problem: l10n.t('Name the repository after the registry: {0}/repository:tag.', text) };
  const registry = text.slice(0, slash);
  try {
    checkRegistry(registry);
  } catch {
    return { problem: l10n.t('"{0}" is not a registry: a host name or address, with an optional :port.', registry) };
  }
  const rest = text.slice(slash + 1);
  if (rest.includes('@')) return { problem: l10n.t('Name a tag after ":", not a digest: the copy is tagged at the destination.') };
  const colon = rest.lastIndexOf(':');
  const repository = colon === -1 ? rest : rest.slice(0, colon);
  const tag = colon === -1 ? undefined : rest.slice(colon + 1);
  if (!isValidRepository(repository)) {
    return { problem: l10n.t('"{0}" is not a repository name: lowercase letters and digits, separated by ".", "_", "-" or "/".', repository) };
  }
  if (tag !== undefined && !isValidTag(tag)) {
    return { problem: l10n.t('"{0}" is not a tag: up to 128 letters, digits, "_", "." or "-", not starting with "." or "-".', tag) };
  }
  if (tag === undefined && !sourceTag) return { problem: l10n.t('Add :tag at the end: the source has no tag to reuse.') };
  return { destination: { registry, repository, tag: tag ?? sourceTag } };
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

/**
 * The items of the destination pick for what is typed: the typed text first, as a new destination or with what is
 * wrong with it, then each added repository (the source's tag reused) and each added registry with none.
 */
export function destinationItems(known: readonly KnownRegistry[], typed: string, sourceTag: string | undefined): DestinationItem[] {
  const items: DestinationItem[] = [];
  const text = typed.trim();
  const repos = known.flatMap((r) => r.repositories.map((repo) => `${r.host}/${repo}`));
  if (text !== '' && !repos.includes(text)) {
    const { destination, problem } = parseDestination(text, sourceTag);
    items.push(
      destination
        ? { label: text, description: l10n.t('new destination'), value: `${destination.registry}/${destination.repository}:${destination.tag}`, alwaysShow: true }
        : { label: text, description: l10n.t('not a destination yet'), detail: problem, alwaysShow: true },
    );
  }
  for (const repo of repos) {
    const { destination, problem } = parseDestination(repo, sourceTag);
    items.push({
      label: repo,
      description: sourceTag ? `:${sourceTag}` : l10n.t('added repository'),
      detail: problem,
      value: destination && `${destination.registry}/${destination.repository}:${destination.tag}`,
      fill: destination ? undefined : `${repo}:`,
    });
  }
  for (const r of known.filter((r) => r.repositories.length === 0)) {
    items.push({ label: `${r.host}/`, description: l10n.t('added registry: type the repository'), fill: `${r.host}/` });
  }
  return items;
}
