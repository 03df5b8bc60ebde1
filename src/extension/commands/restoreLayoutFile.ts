import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { lostLayoutFile } from '../../oci/layout/lostLayoutFile';
import type { Services } from '../services';
import { Node } from '../tree/nodes';
import { layoutChanged } from '../ui/report';
import { plainArgs } from './args';

/**
 * `manifold.restoreLayoutFile`: writes back the `oci-layout` file a layout folder lost (its index.json is still
 * there), as any write to it would, then shows its tags. The Layouts view's row for such a folder runs it.
 * Arguments: a node of the layout, or `{ layout }`. Returns the file written, or undefined when it was there.
 */
export async function restoreLayoutFile(services: Services, arg?: unknown): Promise<string | undefined> {
  const path = arg instanceof Node ? arg.layout?.path : plainArgs(arg).layout;
  if (typeof path !== 'string') throw new Error(l10n.t('Restore the oci-layout file works on a layout folder of the Layouts view.'));
  if (services.layouts.layoutOf(path)?.readOnly) throw new Error(l10n.t('{0} is a layout archive (.tar): nothing in it can be restored.', path));
  const lost = await lostLayoutFile(path);
  if (lost) {
    await lost.restore();
    services.log.info(`restored ${lost.file} (it was missing; index.json was there)`);
    vscode.window.setStatusBarMessage(l10n.t('Restored {0}', lost.file), 5000);
  }
  layoutChanged(services, path);
  await services.tree.layouts();
  return lost?.file;
}
