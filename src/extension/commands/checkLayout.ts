import * as l10n from '@vscode/l10n';
import { checkLayoutEntries } from '../../oci/check';
import { sourceKey, sourceName, type SourceRef } from '../present/sourceRef';
import type { Services } from '../services';
import { checkWithProgress } from '../ui/checkProgress';
import { layoutFrom } from './args';
import { finish, whereText, type CheckOutcome } from './checkRun';

/**
 * `manifold.checkLayout`: every image and artifact the layout's index.json lists, checked as Check Image checks one;
 * the entries index.json cannot use are problems of index.json itself. Arguments: a layout node, its path, or
 * `{ layout }`; from the palette, a layout picked.
 */
export async function checkLayout(services: Services, arg?: unknown): Promise<CheckOutcome> {
  const layout = await layoutFrom(services, arg, l10n.t('Check Layout'));
  const ref: SourceRef = { kind: 'layout', path: layout.path };
  const name = sourceName(ref);
  const { report, seen } = await checkWithProgress(l10n.t('Checking {0}', name), layout.store, whereText(ref), (check) =>
    // A folder's blobs index.json does not reach are said too (a referrer it lost, garbage); the store tells them.
    checkLayoutEntries(layout.store, check, layout.path),
  );
  // A blob nothing index.json reaches was read by no walk: its document needs its media type and size to open.
  for (const p of report.problems) {
    if (!p.digest || seen.has(p.digest)) continue;
    const desc = await layout.store.resolve(p.digest).catch(() => undefined);
    if (desc) seen.set(p.digest, desc);
  }
  return finish(services, sourceKey(ref), ref, name, report, seen);
}
