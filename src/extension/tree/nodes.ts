// The nodes both views are made of (the Layouts view's own are in ../layouts/layoutNodes). Each has a stable id
// built from its path in the tree (the same manifest shows under several parents), a parent for reveal(), and
// children loaded when expanded and kept until the layout is refreshed. The look of each node comes from
// ../present/items (no vscode there).
import type * as vscode from 'vscode';
import type { Descriptor } from '../../oci/descriptor';
import { describeTags, readManifestContent, type SummaryCache, type TagListing } from '../../oci/graph';
import { COSIGN_TAG_KINDS, CosignTagLookup, splitIndexChildren, type CosignTagged, type KindTable } from '../../oci/referrers';
import type { ReadOnlyTarget } from '../../oci/target';
import { coverageTooltip, kindName, withCoverage, withKinds } from '../present/coverageItem';
import type { SourceRef } from '../present/sourceRef';
import {
  blobItem,
  descriptorTooltip,
  errorItem,
  infoItem,
  manifestItem,
  tagItem,
  type Access,
  type BlobRole,
  type ItemSpec,
  type ManifestRole,
} from '../present/items';
import * as l10n from '@vscode/l10n';
import type { LayoutNode } from '../layouts/layoutNodes';
import { IndexCoverage } from './indexCoverage';
import { shownName } from '../../oci/shownName';

export interface TreeContext {
  log: vscode.LogOutputChannel;
  showFallbackTags(): boolean;
  concurrency(): number;
  /** The kinds of referrer (built-in and the user's setting) the rows' coverage is told in. */
  kinds(): KindTable;
  /** Redraws a node whose look changed after it was shown (tag summaries that came in late). */
  changed(node: Node): void;
}

/** How long a layout's expansion waits for its tags' platforms before showing the tags without them. */
const DESCRIBE_BUDGET_MS = 200;
/** Past this many tags the expansion does not wait at all, and reading starts once the rows are drawn. */
const MANY_TAGS = 500;
const DRAW_FIRST_MS = 250;
const REDRAW_MS = 2000;

export abstract class Node {
  abstract readonly id: string;
  abstract readonly parent: Node | undefined;
  abstract spec(): ItemSpec;

  async children(_ctx: TreeContext): Promise<Node[]> {
    return [];
  }

  /** Extra tooltip text worth a read only when the user hovers. */
  async resolveTooltip(_ctx: TreeContext): Promise<string | undefined> {
    return undefined;
  }

  /** The layout or repository this node belongs to. */
  get source(): SourceNode | undefined {
    let n: Node | undefined = this;
    while (n && !(n instanceof SourceNode)) n = n.parent;
    return n;
  }

  /** The layout this node belongs to; undefined on a registry. */
  get layout(): LayoutNode | undefined {
    const source = this.source;
    // By its ref rather than instanceof, so this module does not load ../layouts/layoutNodes (which extends it).
    return source?.ref.kind === 'layout' ? (source as LayoutNode) : undefined;
  }
}

/** Children computed once, kept until invalidated; a failure becomes an error node rather than a pop-up. */
export abstract class CachingNode extends Node {
  private cached: Promise<Node[]> | undefined;

  protected abstract load(ctx: TreeContext): Promise<Node[]>;

  /** The item shown instead of the children when loading them failed (a layout's may look at the folder to say what to do). */
  protected failed(err: unknown, _ctx: TreeContext): Node | Promise<Node> {
    return new MessageNode(this, 'error', (err as Error)?.message ?? String(err));
  }

  override children(ctx: TreeContext): Promise<Node[]> {
    if (!this.cached) {
      this.cached = this.load(ctx).catch(async (err: unknown) => {
        ctx.log.error(`${this.id}: ${(err as Error).stack ?? err}`);
        this.cached = undefined; // try again on the next expand or refresh
        return [await this.failed(err, ctx)];
      });
    }
    return this.cached;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  get loaded(): boolean {
    return this.cached !== undefined;
  }
}

/** A node whose content comes from one Target: a layout, or a repository on a registry. */
export abstract class SourceNode extends CachingNode {
  abstract readonly ref: SourceRef;
  abstract readonly access: Access;
  abstract target(ctx: TreeContext): Promise<ReadOnlyTarget>;
  private cosignLookup: Promise<CosignTagLookup> | undefined;

  /**
   * cosign's tags of this source for the rows of its manifests, one lookup until a row of it is refreshed: expanding
   * many manifests lists the tags once instead of asking three names each (CosignTagLookup).
   */
  cosignTags(ctx: TreeContext): Promise<CosignTagLookup> {
    if (!this.cosignLookup) {
      const lookup = this.target(ctx).then((t) => new CosignTagLookup(t));
      this.cosignLookup = lookup;
      // A source that could not be opened is tried again at the next expansion.
      lookup.catch(() => (this.cosignLookup === lookup ? this.forgetCosignTags() : undefined));
    }
    return this.cosignLookup;
  }

  /** A refresh of it or of a row below it: cosign's tags are looked up anew (one may have been signed meanwhile). */
  forgetCosignTags(): void {
    this.cosignLookup = undefined;
  }

  override invalidate(): void {
    super.invalidate();
    this.forgetCosignTags();
  }
}

/**
 * Describes the tags, waiting at most a short budget: a big layout or repository (thousands of tags)
 * shows its tags at once and their platforms as they are read, then redraws `node`.
 */
export async function describeWithin(ctx: TreeContext, node: Node, target: ReadOnlyTarget, listings: TagListing[], cache: SummaryCache): Promise<void> {
  if (listings.length > MANY_TAGS) {
    // Reading thousands of manifests would hold up the rows themselves (and the budget's timer): later.
    setTimeout(() => {
      let drawn = Date.now();
      const onProgress = () => {
        // Redrawing thousands of rows costs too: show what came in every couple of seconds.
        if (Date.now() - drawn < REDRAW_MS) return;
        drawn = Date.now();
        ctx.changed(node);
      };
      describeTags(target, listings, { cache, concurrency: ctx.concurrency(), onProgress }).then(
        () => ctx.changed(node),
        (err: unknown) => ctx.log.error(`${node.id}: describing tags: ${(err as Error).stack ?? err}`),
      );
    }, DRAW_FIRST_MS);
    return;
  }
  let late = false;
  const described = describeTags(target, listings, { cache, concurrency: ctx.concurrency() }).then(
    () => {
      if (late) ctx.changed(node);
    },
    (err: unknown) => ctx.log.error(`${node.id}: describing tags: ${(err as Error).stack ?? err}`),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([described, new Promise<void>((resolve) => (timer = setTimeout(resolve, DESCRIBE_BUDGET_MS)))]);
  clearTimeout(timer);
  late = listings.some((l) => !l.summary && !l.error);
}

/** Whatever points at a manifest: a tag, an index's child, a referrer, an untagged entry. */
export abstract class ManifestLikeNode extends CachingNode {
  abstract readonly desc: Descriptor;
  /** An index's coverage walk, started when it is expanded; what its platform rows say they carry and lack. */
  coverage: IndexCoverage | undefined;
  /** The buildx attestation entries of the index above that describe this manifest. */
  attestations: readonly Descriptor[] = [];

  /** Whether the config and layers are rows below it (the Referrers view shows only what is attached). */
  protected readonly showsBlobs: boolean = true;

  /** The row of one platform of this index. */
  protected platformRow(desc: Descriptor): ManifestLikeNode {
    return new ManifestNode(this, desc, 'child');
  }

  protected async load(ctx: TreeContext): Promise<Node[]> {
    const store = await this.source!.target(ctx);
    const content = await readManifestContent(store, this.desc);
    const nodes: Node[] = [];
    // Buildx attestation entries (platform unknown/unknown) are shown under the platform they describe, not as platforms.
    const { platforms, references } = splitIndexChildren(content.manifests);
    for (const { desc } of platforms) {
      const child = this.platformRow(desc);
      child.attestations = references.get(desc.digest) ?? [];
      references.delete(desc.digest);
      nodes.push(child);
    }
    // Those describing a manifest that is not in this index stay here, still as attestations.
    for (const entries of references.values()) for (const entry of entries) nodes.push(new ManifestNode(this, entry, 'attestation'));
    for (const entry of this.attestations) nodes.push(new ManifestNode(this, entry, 'attestation'));
    if (this.showsBlobs) {
      if (content.config) nodes.push(new BlobNode(this, content.config, 'config', 0));
      content.layers.forEach((layer, i) => nodes.push(new BlobNode(this, layer, 'layer', i)));
    }
    // cosign's tags (`sha256-<hex>.sig`, `.att`, `.sbom`) name what the referrers API does not list: shown beside
    // the referrers, a manifest found both ways once. Looked up with the referrers, through the source's one lookup.
    const [referrers, cosign] = await Promise.all([collect(store.referrers(this.desc)), this.cosignTagged(ctx)]);
    const byTag = new Map(cosign.map((t) => [t.desc.digest, t]));
    for (const referrer of referrers) {
      nodes.push(new ManifestNode(this, referrer, 'referrer', byTag.get(referrer.digest)));
      byTag.delete(referrer.digest);
    }
    for (const t of byTag.values()) nodes.push(new ManifestNode(this, t.desc, 'referrer', t));
    if (content.kind === 'index') {
      this.coverage = new IndexCoverage(ctx, this, store, this.desc);
      await this.coverage.within(() => ctx.changed(this));
    }
    return distinctIds(nodes);
  }

  override invalidate(): void {
    super.invalidate();
    this.coverage = undefined;
    this.source?.forgetCosignTags();
  }

  /** The manifests cosign's tags name for this one; none when they cannot be looked up (logged: the rest still shows). */
  private async cosignTagged(ctx: TreeContext): Promise<CosignTagged[]> {
    try {
      return await (await this.source!.cosignTags(ctx)).find(this.desc.digest);
    } catch (err) {
      ctx.log.warn(`${this.id}: looking up cosign tags: ${(err as Error).message ?? err}`);
      return [];
    }
  }

  override async resolveTooltip(ctx: TreeContext): Promise<string | undefined> {
    const store = await this.source!.target(ctx);
    const content = await readManifestContent(store, this.desc);
    if (!content.annotations) return undefined;
    return this.tooltipWith(content.annotations);
  }

  protected abstract tooltipWith(annotations: Record<string, string>): string;
}

export class TagNode extends ManifestLikeNode {
  readonly id: string;

  constructor(
    readonly parent: SourceNode,
    readonly listing: TagListing,
  ) {
    super();
    this.id = `${parent.id}/tag:${listing.tag}`;
  }

  get desc(): Descriptor {
    return this.listing.desc;
  }

  get tag(): string {
    return this.listing.tag;
  }

  spec(): ItemSpec {
    return tagItem(this.listing, this.parent.access);
  }

  protected tooltipWith(annotations: Record<string, string>): string {
    const s = this.listing.summary;
    const extra: [string, string][] = s?.platforms.length ? [[l10n.t('Platforms'), s.platforms.join(', ')]] : [];
    return descriptorTooltip(`${shownName(this.tag)} — ${s?.description ?? ''}`, this.desc, extra, this.listing.error, annotations);
  }
}

export class ManifestNode extends ManifestLikeNode {
  /** By role and digest; a second row of one digest under the same parent gets `#2` (see distinctIds). */
  id: string;

  constructor(
    readonly parent: Node,
    readonly desc: Descriptor,
    readonly role: ManifestRole,
    /** The cosign tag (`sha256-<hex>.sig`) that names this manifest for its parent, when one does. */
    readonly cosignTag?: CosignTagged,
  ) {
    super();
    const prefix = role === 'referrer' ? 'ref' : role === 'child' ? 'child' : 'untagged';
    this.id = `${parent.id}/${prefix}:${desc.digest}`;
  }

  spec(): ItemSpec {
    const coverage = this.coverageAbove();
    const titles = coverage?.titles ?? new Map<string, string>();
    // A platform row of an index: what it carries and lacks, once the index's coverage walk is in.
    if (this.role === 'child') return withCoverage(manifestItem(this.desc, this.role, this.source?.access), coverage?.note(this.desc.digest), titles);
    // A referrer or attestation of the index or of one of its platforms: its kind, from the index's walk.
    const kinds = coverage?.kindsOf(this.desc.digest);
    if (this.cosignTag) return this.cosignSpec(kinds, titles);
    return withKinds(manifestItem(this.desc, this.role, this.source?.access), kinds, titles);
  }

  /**
   * A manifest a cosign tag names: its kind as the label (the coverage walk's when there is one, else the tag's
   * suffix's), and the tag it was found through first in the description (`cosign .sig`).
   */
  private cosignSpec(coverageKinds: readonly string[] | undefined, titles: ReadonlyMap<string, string>): ItemSpec {
    const t = this.cosignTag!;
    const kinds = coverageKinds?.length ? coverageKinds : [COSIGN_TAG_KINDS[t.suffix]];
    // A referrer with a name of its own (an artifact type) keeps it; cosign's tag manifests have none: named by kind.
    const spec = manifestItem(this.desc, this.role, this.source?.access, kindName(kinds[0]!, titles));
    const via = l10n.t('cosign .{0}', t.suffix);
    const tooltip = () => descriptorTooltip(spec.label, this.desc, [[l10n.t('cosign tag'), shownName(t.tag)]]);
    return withKinds({ ...spec, description: [via, spec.description].filter(Boolean).join(' · '), tooltip }, kinds, titles);
  }

  /** The coverage walk of the index this row belongs to: its parent's (an index), or, for an artifact of a platform, its grandparent's. */
  private coverageAbove(): IndexCoverage | undefined {
    const above = this.parent;
    if (!(above instanceof ManifestLikeNode)) return undefined;
    if (this.role === 'child') return above.coverage;
    return above.coverage ?? (above.parent instanceof ManifestLikeNode ? above.parent.coverage : undefined);
  }

  protected tooltipWith(annotations: Record<string, string>): string {
    const extra: [string, string][] = this.cosignTag ? [[l10n.t('cosign tag'), shownName(this.cosignTag.tag)]] : [];
    const own = descriptorTooltip(this.spec().label, this.desc, extra, undefined, annotations);
    const coverage = this.role === 'child' ? this.coverageAbove() : undefined;
    const note = coverage?.note(this.desc.digest);
    return note ? `${own}\n\n${coverageTooltip(note, coverage!.titles)}` : own;
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * The rows of one parent, each with an id of its own: an index may list one manifest twice (arm v6 and v7 served
 * by one image, or an entry pasted twice), and VS Code needs every row's id unique in its tree.
 */
function distinctIds(nodes: Node[]): Node[] {
  const seen = new Map<string, number>();
  for (const node of nodes) {
    if (!(node instanceof ManifestNode)) continue;
    const count = (seen.get(node.id) ?? 0) + 1;
    seen.set(node.id, count);
    if (count > 1) node.id = `${node.id}#${count}`;
  }
  return nodes;
}

export class BlobNode extends Node {
  readonly id: string;

  constructor(
    readonly parent: ManifestLikeNode,
    readonly desc: Descriptor,
    readonly role: BlobRole,
    readonly position: number,
  ) {
    super();
    this.id = role === 'config' ? `${parent.id}/config` : `${parent.id}/layer:${position}`;
  }

  spec(): ItemSpec {
    return blobItem(this.desc, this.role, this.position);
  }
}

export class MessageNode extends Node {
  readonly id: string;

  constructor(
    readonly parent: Node | undefined,
    readonly severity: 'error' | 'info',
    readonly message: string,
    /** What clicking it does; errors show the log by default. */
    readonly action?: vscode.Command,
    /** What the row offers as an inline action too (its contextValue token). */
    readonly offer?: 'restore',
  ) {
    super();
    this.id = `${parent?.id ?? 'root'}/${severity}:${message.slice(0, 60)}`;
  }

  spec(): ItemSpec {
    return this.severity === 'error' ? errorItem(this.message, this.action?.title, this.offer) : infoItem(this.message);
  }
}
