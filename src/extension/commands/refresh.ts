import { Node } from '../tree/nodes';
import type { Services } from '../services';
import { plainArgs } from './args';

/**
 * `manifold.refresh`: one layout (a node or `{ layout }`), one registry or repository node, or, with no
 * argument, both views from scratch (layouts found again).
 */
export async function refresh(services: Services, arg?: unknown): Promise<void> {
  if (arg instanceof Node && !arg.layout) {
    // A node of the Registries view: reload it and what is below it.
    const reloadable = arg as Node & { invalidate?: () => void };
    reloadable.invalidate?.();
    services.registriesTree.redraw(arg);
    return;
  }
  const path = arg instanceof Node ? arg.layout?.path : plainArgs(arg).layout;
  if (!path || !services.tree.refreshLayout(path)) services.tree.refreshAll();
  if (!path) services.registriesTree.refreshAll();
  if (path) services.documents.layoutChanged(path);
  if (path) services.referrers.layoutChanged(path);
  else services.referrers.refresh();
  // Resolve once the tree has the new state, so callers (tests) can read it right away.
  await services.tree.layouts();
}
