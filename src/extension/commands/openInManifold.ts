import vscode = require('vscode');
import type { Services } from '../services';
import { plainArgs } from './args';
import { revealInTree } from '../ui/report';

/** `manifold.openInManifold`: from the Explorer, shows a layout folder in the Layouts view. */
export async function openInManifold(s: Services, arg?: unknown): Promise<void> {
  const path = arg instanceof vscode.Uri ? arg.fsPath : (plainArgs(arg).layout as string | undefined);
  const layout = path ? (s.layouts.layoutOf(path)?.path ?? path) : undefined;
  if (!layout) return;
  if (!s.layouts.layoutOf(layout)) {
    await s.layouts.addFolder(layout);
    s.tree.refreshAll();
  }
  await revealInTree(s, layout);
}
