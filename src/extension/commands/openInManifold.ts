import vscode = require('vscode');
import type { Services } from '../services';
import { plainArgs } from './args';
import { revealInTree } from '../ui/report';

/** `manifold.openInManifold`: from the Explorer, shows a layout folder in the Layouts view. */
export async function openInManifold(services: Services, arg?: unknown): Promise<void> {
  const path = arg instanceof vscode.Uri ? arg.fsPath : (plainArgs(arg).layout as string | undefined);
  const layout = path ? (services.layouts.layoutOf(path)?.path ?? path) : undefined;
  if (!layout) return;
  if (!services.layouts.layoutOf(layout)) {
    await services.layouts.addFolder(layout);
    services.tree.refreshAll();
  }
  await revealInTree(services, layout);
}
