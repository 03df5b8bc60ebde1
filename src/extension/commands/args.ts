// How commands find what to act on. Each takes its subject from, in order: a tree node (context menus,
// inline buttons), a plain object (`{ layout, reference }`: tests and other extensions), an Explorer URI,
// or, when invoked from the palette, a prompt.
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Descriptor } from '../../oci/descriptor';
import { listTagsWithSummaries } from '../../oci/graph';
import type { OciLayoutStore } from '../../oci/layout';
import { isImageIndex } from '../../oci/mediaType';
import { formatLayoutReference, shortDigest } from '../../oci/reference';
import { ManifestLikeNode, Node, TagNode } from '../tree/nodes';
import { sourceReference, type SourceRef } from '../present/sourceRef';
import type { Target } from '../../oci/target';
import type { Services } from '../services';
import { Cancelled, pickOne } from '../ui/prompts';

export interface ResolvedLayout {
  path: string;
  store: OciLayoutStore;
}

export interface ResolvedManifest {
  layout: ResolvedLayout;
  desc: Descriptor;
  /** The tag when the manifest was named by one, else the digest. */
  reference: string;
  tag?: string;
  node?: Node;
}

/** Fields a plain-object argument may carry; every command documents which it reads. */
export interface PlainArgs {
  layout?: string;
  reference?: string;
  confirmed?: boolean;
  [key: string]: unknown;
}

export function plainArgs(arg: unknown): PlainArgs {
  if (arg && typeof arg === 'object' && !(arg instanceof Node) && !(arg instanceof vscode.Uri)) return arg as PlainArgs;
  return {};
}

export async function layoutFrom(s: Services, arg: unknown, title: string): Promise<ResolvedLayout> {
  let path: string | undefined;
  if (arg instanceof Node && !arg.layout) throw new Error(l10n.t('{0} works on layouts; this is on a registry.', title));
  if (arg instanceof Node) path = arg.layout?.path;
  else if (arg instanceof vscode.Uri) path = s.registry.layoutOf(arg.fsPath)?.path ?? arg.fsPath;
  else if (typeof arg === 'string') path = arg;
  else if (typeof plainArgs(arg).layout === 'string') path = plainArgs(arg).layout;
  if (!path) path = await pickLayout(s, title);
  return { path, store: await s.registry.open(path) };
}

export async function pickLayout(s: Services, title: string): Promise<string> {
  const folders = s.registry.folders.length > 0 ? s.registry.folders : await s.registry.discover();
  if (folders.length === 1) return folders[0]!.path;
  if (folders.length === 0) {
    void vscode.window.showInformationMessage(l10n.t('No OCI image layout is open: create one or add a layout folder first.'));
    throw new Cancelled();
  }
  const picked = await pickOne(
    folders.map((f) => ({ label: vscode.workspace.asRelativePath(f.path, true), description: f.readOnly ? l10n.t('read-only') : undefined, path: f.path })),
    { title, placeHolder: l10n.t('Pick a layout') },
  );
  return picked.path;
}

/** The manifest a command acts on; `indexOnly` keeps the prompt to indexes (update, annotate). */
export async function manifestFrom(s: Services, arg: unknown, title: string, options: { indexOnly?: boolean; key?: string } = {}): Promise<ResolvedManifest> {
  const layout = await layoutFrom(s, arg, title);
  if (arg instanceof TagNode) return { layout, desc: arg.desc, reference: arg.tag, tag: arg.tag, node: arg };
  if (arg instanceof ManifestLikeNode) return { layout, desc: arg.desc, reference: arg.desc.digest, node: arg };
  const plain = plainArgs(arg);
  let reference = [options.key, 'reference'].map((k) => (k ? plain[k] : undefined)).find((v): v is string => typeof v === 'string');
  if (!reference) reference = await pickTag(s, layout, title, options.indexOnly);
  const desc = await layout.store.resolve(reference);
  return { layout, desc, reference, tag: reference.includes(':') ? undefined : reference };
}

interface TagItem extends vscode.QuickPickItem {
  tag: string;
  desc: Descriptor;
}

/** The layout's tags with their platforms, for QuickPicks. */
export async function tagItems(s: Services, layout: ResolvedLayout, filter?: (d: Descriptor) => boolean): Promise<TagItem[]> {
  const entries = await layout.store.entries();
  const listings = await listTagsWithSummaries(layout.store, entries, { cache: s.registry.summaries(layout.path) });
  return listings
    .filter((l) => !filter || filter(l.desc))
    .map((l) => ({ label: l.tag, description: l.summary?.description ?? l.error?.message, detail: shortDigest(l.desc.digest), tag: l.tag, desc: l.desc }));
}

async function pickTag(s: Services, layout: ResolvedLayout, title: string, indexOnly?: boolean): Promise<string> {
  const items = await tagItems(s, layout, indexOnly ? (d) => isImageIndex(d.mediaType) : undefined);
  if (items.length === 0) {
    void vscode.window.showInformationMessage(indexOnly ? l10n.t('This layout has no tagged index.') : l10n.t('This layout has no tags.'));
    throw new Cancelled();
  }
  return (await pickOne(items, { title, placeHolder: indexOnly ? l10n.t('Pick an index') : l10n.t('Pick a tag'), matchOnDescription: true })).tag;
}

/** A manifest in a layout or on a registry: what the read-only commands (open, copy, referrers) act on. */
export interface SourceManifest {
  ref: SourceRef;
  target: Target;
  desc: Descriptor;
  reference: string;
  tag?: string;
}

/**
 * Like manifestFrom, for layouts and registries alike: a node of either view, `{ layout, reference }`,
 * or `{ registry, repository, reference }`.
 */
export async function sourceManifestFrom(s: Services, arg: unknown, title: string): Promise<SourceManifest> {
  const plain = plainArgs(arg);
  let ref: SourceRef | undefined;
  if (arg instanceof Node && arg.source) ref = arg.source.ref;
  else if (typeof plain.registry === 'string' && typeof plain.repository === 'string') ref = { kind: 'registry', registry: plain.registry, repository: plain.repository };
  if (!ref || ref.kind === 'layout') {
    const m = await manifestFrom(s, arg, title);
    return { ref: { kind: 'layout', path: m.layout.path }, target: m.layout.store, desc: m.desc, reference: m.reference, tag: m.tag };
  }
  const target = await s.sources.open(ref);
  if (arg instanceof TagNode) return { ref, target, desc: arg.desc, reference: arg.tag, tag: arg.tag };
  if (arg instanceof ManifestLikeNode) return { ref, target, desc: arg.desc, reference: arg.desc.digest };
  const reference = typeof plain.reference === 'string' ? plain.reference : undefined;
  if (!reference) throw new Error(l10n.t('{0}: give a reference (a tag or digest)', title));
  return { ref, target, desc: await target.resolve(reference), reference, tag: reference.includes(':') ? undefined : reference };
}

export function sourceReferenceText(m: SourceManifest): string {
  return sourceReference(m.ref, m.tag ?? m.desc.digest);
}

/** `dir:tag` or `dir@digest`, as the CLI takes it. */
export function referenceText(m: ResolvedManifest): string {
  return formatLayoutReference(m.layout.path, m.tag ?? m.desc.digest);
}

/** Runs `work` under a cancellable notification; cancelling aborts the core operation. */
export function withProgress<T>(title: string, work: (signal: AbortSignal, progress: vscode.Progress<{ message?: string; increment?: number }>) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return work(abort.signal, progress);
  });
}

/** After a write: refresh the layout's tree and documents now rather than when the watcher fires. */
export function layoutChanged(s: Services, path: string): void {
  s.tree.refreshLayout(path);
  s.documents.layoutChanged(path);
}

/**
 * Tells the user what was done, with the digest and a "Reveal" action; not awaited, so a command (and a
 * test running it) finishes without waiting for someone to close the notification.
 */
export function reportDone(s: Services, message: string, where: { layout: string; tag?: string; digest?: string }): void {
  s.log.info(message);
  const reveal = l10n.t('Reveal');
  const copy = l10n.t('Copy Digest');
  void vscode.window.showInformationMessage(message, ...(where.digest ? [reveal, copy] : [reveal])).then(async (action) => {
    if (action === copy && where.digest) await vscode.env.clipboard.writeText(where.digest);
    if (action === reveal) await revealInTree(s, where.layout, where.tag);
  });
}

export async function revealInTree(s: Services, layout: string, tag?: string): Promise<void> {
  const layoutNode = await s.tree.findLayout(layout);
  if (!layoutNode) return;
  let target: Node = layoutNode;
  if (tag) {
    const children = await layoutNode.children(s.tree.ctx);
    target = children.find((c) => c instanceof TagNode && c.tag === tag) ?? layoutNode;
  }
  await s.treeView.reveal(target, { select: true, focus: true, expand: target === layoutNode });
}
