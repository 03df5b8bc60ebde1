// After a command has written to a layout: the views brought up to date, and a notification of what was done.
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { SourceRef } from '../present/sourceRef';
import type { Services } from '../services';
import { TagNode, type Node } from '../tree/nodes';

/** After a write: refresh the layout's tree and documents now rather than when the watcher fires. */
export function layoutChanged(services: Services, path: string): void {
  services.tree.refreshLayout(path);
  services.documents.layoutChanged(path);
  services.referrers.layoutChanged(path);
}

/**
 * Tells the user what was done, with the digest and a "Reveal" action; not awaited, so a command (and a
 * test running it) finishes without waiting for someone to close the notification.
 */
export function reportDone(services: Services, message: string, where: { layout: string; tag?: string; digest?: string }): void {
  services.log.info(message);
  const reveal = l10n.t('Reveal');
  const copy = l10n.t('Copy Digest');
  void vscode.window.showInformationMessage(message, ...(where.digest ? [reveal, copy] : [reveal])).then(async (action) => {
    if (action === copy && where.digest) await vscode.env.clipboard.writeText(where.digest);
    if (action === reveal) await revealInTree(services, where.layout, where.tag);
  });
}

/**
 * After a command wrote beside a manifest of a layout or a registry (a signature, an attestation): the views brought
 * up to date, and the notification (a layout's with Reveal and Copy Digest).
 */
export function reportWrittenBeside(services: Services, m: { ref: SourceRef; tag?: string; desc: { digest: string } }, message: string): void {
  if (m.ref.kind === 'layout') {
    layoutChanged(services, m.ref.path);
    reportDone(services, message, { layout: m.ref.path, tag: m.tag, digest: m.desc.digest });
    return;
  }
  services.registriesTree.refreshAll();
  services.log.info(message);
  void vscode.window.showInformationMessage(message);
}

export async function revealInTree(services: Services, layout: string, tag?: string): Promise<void> {
  const layoutNode = await services.tree.findLayout(layout);
  if (!layoutNode) return;
  let target: Node = layoutNode;
  if (tag) {
    const children = await layoutNode.children(services.tree.ctx);
    target = children.find((c) => c instanceof TagNode && c.tag === tag) ?? layoutNode;
  }
  await services.treeView.reveal(target, { select: true, focus: true, expand: target === layoutNode });
}
