import { Node } from '../layouts/nodes';
import type { Services } from '../services';
import { plainArgs } from './args';

/** `manifold.refresh`: one layout (a node or `{ layout }`), or finds every layout again. */
export async function refresh(s: Services, arg?: unknown): Promise<void> {
  const path = arg instanceof Node ? arg.layout?.path : plainArgs(arg).layout;
  if (!path || !s.tree.refreshLayout(path)) s.tree.refreshAll();
  if (path) s.documents.layoutChanged(path);
  // Resolve once the tree has the new state, so callers (tests) can read it right away.
  await s.tree.layouts();
}
