import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { manifestName } from '../present/format';
import { checkLayoutEntryTypes } from '../../oci/check';
import { shortDigest } from '../../oci/reference';
import { sourceKey } from '../present/sourceRef';
import type { Services } from '../services';
import { checkWithProgress } from '../ui/checkProgress';
import { storedIndexOf } from '../documents/storedIndexOf';
import { sourceManifestFrom } from './args';
import { finish, whereText, type CheckOutcome } from './checkRun';

/**
 * `manifold.checkImage`: everything an image or artifact is made of read and verified (each manifest, config and
 * layer, and the referrers), under a cancellable notification; each problem goes to the Problems panel on the
 * read-only document it is in, at its JSON path. Arguments: a tag or manifest node of either view,
 * `{ layout, reference }` or `{ registry, repository, reference }`, or the URI of an index editor's document; from the
 * palette, a layout's tag picked.
 */
export async function checkImage(services: Services, arg?: unknown): Promise<CheckOutcome> {
  const title = l10n.t('Check Image');
  // From the index editor's title bar: the index it shows, as stored.
  if (arg instanceof vscode.Uri) {
    const stored = await storedIndexOf(services, arg);
    arg = { layout: (stored.ref as { path: string }).path, reference: stored.reference };
  }
  const m = await sourceManifestFrom(services, arg, title);
  const label = m.tag ?? shortDigest(m.desc.digest);
  // What the progress and the summary call it; `label` stays the name itself (the documents' names start with it).
  const shown = manifestName(m.tag, m.desc.digest);
  // Keyed by the tag: checked again once the tag names a fixed image, the old results go.
  const { report, seen } = await checkWithProgress(l10n.t('Checking {0}', shown), m.target, whereText(m.ref), async (check) => {
    await check.add(m.desc, label);
    // In a layout, its entries in index.json: one whose mediaType disagrees with the document is marked there.
    if (m.ref.kind === 'layout') await checkLayoutEntryTypes(m.target, check, (d) => d.digest === m.desc.digest);
  });
  return finish(services, `${sourceKey(m.ref)} ${label}`, m.ref, shown, report, seen);
}
