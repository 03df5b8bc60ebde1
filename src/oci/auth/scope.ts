/** Token scopes (distribution token auth): `repository:<name>:<action>[,<action>...]`, `registry:catalog:*`. */

export function repositoryScope(repository: string, ...actions: string[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

export const CATALOG_SCOPE = 'registry:catalog:*';

/**
 * Merges scopes on the same resource (`repository:a:pull` + `repository:a:push` is `repository:a:pull,push`),
 * sorts resources and actions, and drops duplicates, so equal needs give equal cache keys. `*` absorbs the rest.
 */
export function normalizeScopes(scopes: Iterable<string>): string[] {
  const byResource = new Map<string, Set<string>>();
  const opaque = new Set<string>();
  for (const scope of scopes) {
    for (const one of scope.split(' ')) {
      if (!one) continue;
      const last = one.lastIndexOf(':');
      const first = one.indexOf(':');
      if (first === -1 || first === last) {
        opaque.add(one);
        continue;
      }
      const resource = one.slice(0, last);
      const actions = byResource.get(resource) ?? new Set<string>();
      for (const a of one.slice(last + 1).split(',')) if (a) actions.add(a);
      byResource.set(resource, actions);
    }
  }
  const out = [...opaque];
  for (const [resource, actions] of byResource) {
    const list = actions.has('*') ? ['*'] : [...actions].sort();
    if (list.length) out.push(`${resource}:${list.join(',')}`);
  }
  return out.sort();
}
