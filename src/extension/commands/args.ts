// How commands find what to act on. Each takes its subject from, in order: a tree node (context menus,
// inline buttons), a plain object (`{ layout, reference }`: tests and other extensions), an Explorer URI,
// or, when invoked from the palette, a prompt.
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Descriptor } from '../../oci/descriptor';
import { isDigest } from '../../oci/digest';
import type { OciLayoutStore } from '../../oci/layout';
import { formatLayoutReference, isValidTag } from '../../oci/reference';
import { ManifestLikeNode, Node, TagNode } from '../tree/nodes';
import { sourceReference, type SourceRef } from '../present/sourceRef';
import type { Target } from '../../oci/target';
import type { Services } from '../services';
import { pickLayout, pickTag, type ResolvedLayout } from '../ui/pickers';

export type { ResolvedLayout } from '../ui/pickers';

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

/**
 * The plain-object fields of `arg`, and of `answers`: after a node, `executeCommand(id, node, { tags, confirmed })`
 * answers what the command would ask. The tree passes its selection (an array) in that place: not answers.
 */
export function plainArgs(arg: unknown, answers?: unknown): PlainArgs {
  const plain = (a: unknown) => Boolean(a) && typeof a === 'object' && !Array.isArray(a) && !(a instanceof Node) && !(a instanceof vscode.Uri);
  const own = plain(arg) ? (arg as PlainArgs) : {};
  return plain(answers) ? { ...own, ...(answers as PlainArgs) } : own;
}

export async function layoutFrom(services: Services, arg: unknown, title: string): Promise<ResolvedLayout> {
  let path: string | undefined;
  if (arg instanceof Node && !arg.layout) throw new Error(l10n.t('{0} works on layouts; this is on a registry.', title));
  if (arg instanceof Node) path = arg.layout?.path;
  else if (arg instanceof vscode.Uri) path = services.layouts.layoutOf(arg.fsPath)?.path ?? arg.fsPath;
  else if (typeof arg === 'string') path = arg;
  else if (typeof plainArgs(arg).layout === 'string') path = plainArgs(arg).layout;
  if (!path) path = await pickLayout(services, title);
  return { path, store: await services.layouts.open(path) };
}

/** The manifest a command acts on; `indexOnly` keeps the prompt to indexes (update, annotate). */
export async function manifestFrom(services: Services, arg: unknown, title: string, options: { indexOnly?: boolean; key?: string } = {}): Promise<ResolvedManifest> {
  const layout = await layoutFrom(services, arg, title);
  if (arg instanceof TagNode) return { layout, desc: arg.desc, reference: arg.tag, tag: arg.tag, node: arg };
  if (arg instanceof ManifestLikeNode) return { layout, desc: arg.desc, reference: arg.desc.digest, node: arg };
  const plain = plainArgs(arg);
  let reference = [options.key, 'reference'].map((k) => (k ? plain[k] : undefined)).find((v): v is string => typeof v === 'string');
  if (!reference) reference = await pickTag(services, layout, title, options.indexOnly);
  const desc = await layout.store.resolve(reference);
  // A name in index.json may hold a colon (`example.com/app:1.0`): only a digest is not a tag.
  return { layout, desc, reference, tag: isDigest(reference) ? undefined : reference };
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
export async function sourceManifestFrom(services: Services, arg: unknown, title: string, options: { indexOnly?: boolean; key?: string } = {}): Promise<SourceManifest> {
  const plain = plainArgs(arg);
  let ref: SourceRef | undefined;
  if (arg instanceof Node && arg.source) ref = arg.source.ref;
  else if (typeof plain.registry === 'string' && typeof plain.repository === 'string') ref = { kind: 'registry', registry: plain.registry, repository: plain.repository };
  if (!ref || ref.kind === 'layout') {
    const m = await manifestFrom(services, arg, title, options);
    return { ref: { kind: 'layout', path: m.layout.path }, target: m.layout.store, desc: m.desc, reference: m.reference, tag: m.tag };
  }
  const target = await services.sources.open(ref);
  if (arg instanceof TagNode) return { ref, target, desc: arg.desc, reference: arg.tag, tag: arg.tag };
  if (arg instanceof ManifestLikeNode) return { ref, target, desc: arg.desc, reference: arg.desc.digest };
  const reference = [options.key, 'reference'].map((k) => (k ? plain[k] : undefined)).find((v): v is string => typeof v === 'string');
  if (!reference) throw new Error(l10n.t('{0}: give a reference (a tag or digest)', title));
  return { ref, target, desc: await target.resolve(reference), reference, tag: isDigest(reference) ? undefined : reference };
}

export function sourceReferenceText(manifest: SourceManifest): string {
  return sourceReference(manifest.ref, cliTag(manifest.tag) ?? manifest.desc.digest);
}

/** `dir:tag` or `dir@digest`, as the CLI takes it. */
export function referenceText(manifest: ResolvedManifest): string {
  return formatLayoutReference(manifest.layout.path, cliTag(manifest.tag) ?? manifest.desc.digest);
}

/**
 * The tag as a reference can carry it: a name another tool wrote into index.json (`example.com/app:1.0`) is none,
 * and `dir:example.com/app:1.0` would read as the folder `dir:example.com/app` and the tag `1.0`: the digest says it.
 */
function cliTag(tag: string | undefined): string | undefined {
  return tag !== undefined && isValidTag(tag) ? tag : undefined;
}
