// The Layouts view's own nodes: a layout folder (or archive) and its untagged manifests. The nodes both views
// share are in ../tree/nodes.
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import type { Descriptor } from '../../oci/descriptor';
import { listTags, readManifestContent, untaggedEntries } from '../../oci/graph';
import { isDigestTag } from '../../oci/referrers';
import type { DamagedEntry, OciLayoutStore } from '../../oci/layout';
import type { ReadOnlyTarget } from '../../oci/target';
import { layoutItem, untaggedItem, type Access, type ItemSpec } from '../present/items';
import type { SourceRef } from '../present/sourceRef';
import { describeWithin, ManifestNode, MessageNode, Node, SourceNode, TagNode, type TreeContext } from '../tree/nodes';
import { layoutName, type LayoutFolder, type LayoutFolders } from './layoutFolders';
import { unreadableLayoutNode } from './unreadableLayout';

/** What the Layouts view's nodes are given on top of what every node is: the layout folders, which open the stores. */
export interface LayoutsContext extends TreeContext {
  layouts: LayoutFolders;
}

export class LayoutNode extends SourceNode {
  readonly parent = undefined;
  readonly id: string;
  /** index.json's stamp when the tags were read: the watcher's check compares against it. */
  stamp: string | undefined;

  constructor(public folder: LayoutFolder) {
    super();
    this.id = `layout:${folder.path}`;
  }

  get path(): string {
    return this.folder.path;
  }

  get ref(): SourceRef {
    return { kind: 'layout', path: this.folder.path };
  }

  get access(): Access {
    return this.folder.readOnly ? 'readonly' : undefined;
  }

  target(ctx: TreeContext): Promise<ReadOnlyTarget> {
    return this.store(ctx);
  }

  spec(): ItemSpec {
    // The label is the folder's name; the description says where it is (the workspace folder's name
    // only helps to tell folders apart in a multi-root workspace).
    const rel = vscode.workspace.asRelativePath(this.folder.path, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
    const parent = dirname(rel);
    return layoutItem({
      path: this.folder.path,
      name: layoutName(this.folder.path),
      where: parent === '.' ? '' : parent,
      readOnly: this.folder.readOnly,
      added: this.folder.added,
    });
  }

  store(ctx: TreeContext): Promise<OciLayoutStore> {
    return (ctx as LayoutsContext).layouts.open(this.folder.path);
  }

  /** A layout that cannot be read: a row that says why and, where it can, what to do (see unreadableLayout). */
  protected override failed(err: unknown, ctx: TreeContext): Promise<Node> {
    return unreadableLayoutNode(this, err, ctx);
  }

  protected async load(ctx: TreeContext): Promise<Node[]> {
    this.stamp = this.folder.readOnly ? undefined : await indexStamp(this.path);
    const store = await this.store(ctx);
    const entries = await store.entries();
    // Digest tags (referrer fallback and cosign's) name what shows under the manifest they are for: not tag rows.
    const all = ctx.showFallbackTags();
    const listings = listTags(entries, { all }).filter((l) => all || !isDigestTag(l.tag));
    await describeWithin(ctx, this, store, listings, (ctx as LayoutsContext).layouts.summaries(this.path));
    const nodes: Node[] = listings.map((l) => new TagNode(this, l));
    // A damaged index.json entry is one error row; the other tags still show. The tooltip has the whole path.
    for (const d of await store.damagedEntries()) nodes.push(damagedEntryNode(this, d, ctx));
    const untagged = untaggedEntries(entries);
    if (untagged.length > 0) nodes.push(new UntaggedNode(this, untagged));
    if (nodes.length === 0) nodes.push(new MessageNode(this, 'info', l10n.t('No tags yet')));
    return nodes;
  }
}

/** A damaged index.json entry's row: a click opens index.json with the entry selected (a layout .tar's only says so). */
function damagedEntryNode(parent: LayoutNode, d: DamagedEntry, ctx: TreeContext): MessageNode {
  const message = `${l10n.t('index.json {0}: {1}', d.place, d.problem)}\n${d.error.message}`;
  const file = join(parent.path, 'index.json');
  if (d.file !== file) {
    // Inside an archive there is no file to open: the log gets the message the row's click shows.
    ctx.log.warn(d.error.message);
    return new MessageNode(parent, 'error', message);
  }
  const options: vscode.TextDocumentShowOptions = { preview: true };
  if (d.span) options.selection = new vscode.Range(d.span.start.line, d.span.start.character, d.span.end.line, d.span.end.character);
  return new MessageNode(parent, 'error', message, { command: 'vscode.open', title: l10n.t('Open index.json at this entry'), arguments: [vscode.Uri.file(file), options] });
}

/** What changes when a layout's index.json is rewritten (replaced by a rename: the inode changes too). */
export async function indexStamp(layout: string): Promise<string | undefined> {
  try {
    const st = await stat(join(layout, 'index.json'));
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

export class UntaggedNode extends Node {
  readonly id: string;

  constructor(
    readonly parent: LayoutNode,
    readonly entries: Descriptor[],
  ) {
    super();
    this.id = `${parent.id}/untagged`;
  }

  spec(): ItemSpec {
    return untaggedItem(this.entries.length);
  }

  override async children(ctx: TreeContext): Promise<Node[]> {
    const store = await this.parent.store(ctx);
    const nodes: Node[] = [];
    for (const entry of this.entries) {
      // index.json entries rarely carry the artifact type; the manifest does, and it is what tells these apart.
      let desc = entry;
      try {
        const content = await readManifestContent(store, entry);
        desc = { ...entry, ...(content.artifactType ? { artifactType: content.artifactType } : {}), annotations: { ...(content.annotations ?? {}), ...(entry.annotations ?? {}) } };
      } catch {
        // listed but unreadable: shown as listed; expanding it shows the error
      }
      nodes.push(new ManifestNode(this, desc, 'untagged'));
    }
    return nodes;
  }
}
