import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Services } from '../services';
import { layoutFrom } from './args';
import { openInIndexEditor } from '../indexEditor';

/**
 * `manifold.openLayoutIndex`: a layout's own index.json (its tags and entries) in the index editor. Arguments: a
 * layout node, a layout folder URI, or `{ layout }`. Returns the URI opened.
 */
export async function openLayoutIndex(services: Services, arg?: unknown): Promise<string> {
  const layout = await layoutFrom(services, arg, l10n.t('Open index.json in Index Editor'));
  return openInIndexEditor(services, vscode.Uri.file(join(layout.path, 'index.json')));
}
