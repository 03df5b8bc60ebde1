import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { pruneLayout as prune, type PruneReport } from '../../oci/layout/prune';
import type { Services } from '../services';
import { layoutFrom, plainArgs } from './args';
import { layoutChanged, reportDone } from '../ui/report';
import { askModal } from '../ui/confirm';
import { pruneFigureLines, prunedText, pruneUntaggedLines, pruneYoungLine } from '../present/lifecycleText';

/**
 * `manifold.pruneLayout`: removes what nothing in the layout's index.json reaches (blobs, leftover temp files, stale
 * locks), after a modal that shows the dry run's figures; a second button also drops the untagged manifests nothing
 * needs, with their count and platforms. Arguments: a layout node, or `{ layout, untagged?, confirmed? }`.
 */
export async function pruneLayout(services: Services, arg?: unknown): Promise<PruneReport | undefined> {
  const title = l10n.t('Prune Layout');
  const layout = await layoutFrom(services, arg, title);
  if (layout.store.readOnly) throw new Error(l10n.t('{0} is a layout archive (.tar): it cannot be pruned.', layout.path));
  const plain = plainArgs(arg);
  const name = vscode.workspace.asRelativePath(layout.path);
  let untagged = plain.untagged === true;
  if (plain.confirmed !== true) {
    // Both dry runs first, so the question has the figures for either answer.
    const [plainRun, withUntagged] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: l10n.t('Looking for unreachable content in {0}…', name) }, () =>
      Promise.all([prune(layout.path, { dryRun: true }), prune(layout.path, { dryRun: true, untagged: true })]),
    );
    if (plainRun.removed.length === 0 && withUntagged.untagged.length === 0) {
      const nothing = [l10n.t('Nothing to prune in {0}: index.json reaches every blob.', name), pruneYoungLine(plainRun)].filter(Boolean).join(' ');
      void vscode.window.showInformationMessage(nothing);
      return plainRun;
    }
    const extra = pruneUntaggedLines(withUntagged, plainRun);
    const detail = [...pruneFigureLines(plainRun), ...(extra.length ? ['', ...extra] : [])].join('\n');
    const action = l10n.t('Prune');
    const withUntaggedAction = l10n.t('Prune with Untagged');
    const answer = await askModal(l10n.t('Prune {0}?', name), detail, withUntagged.untagged.length > 0 ? [action, withUntaggedAction] : [action]);
    untagged = answer === withUntaggedAction;
  }
  const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: l10n.t('Pruning {0}…', name) }, () => prune(layout.path, { untagged }));
  // Prune removed files behind the open store's back: what it remembers of them (manifests read, referrers walked) goes too.
  services.layouts.forget(layout.path);
  layoutChanged(services, layout.path);
  reportDone(services, prunedText(name, report), { layout: layout.path });
  return report;
}
