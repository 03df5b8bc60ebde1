// The subject of a command that changes a manifest (tag, delete, attach, update) in a layout or on a registry:
// the core operations are written against Target, so the same command works on both once it knows which.
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Services } from '../services';
import { Node } from '../tree/nodes';
import { layoutChanged, reportDone } from '../ui/report';
import { tagItems, type ResolvedLayout } from '../ui/pickers';
import type { Descriptor } from '../../oci/descriptor';
import { describeTags, listTargetTags } from '../../oci/graph';
import { shortDigest } from '../../oci/reference';
import { manifestFrom, plainArgs, sourceManifestFrom, type SourceManifest } from './args';
import { shownName } from '../../oci/shownName';

export interface EditableManifest extends SourceManifest {
  /** Set when the manifest is in a layout (its index.json, watcher, tree); undefined on a registry. */
  layout?: ResolvedLayout;
}

/** Whether `arg` names something on a registry: a Registries view node, or `{ registry, repository, ... }`. */
export function onRegistry(arg: unknown): boolean {
  if (arg instanceof Node) return arg.source?.ref.kind === 'registry';
  const plain = plainArgs(arg);
  return typeof plain.registry === 'string' && typeof plain.repository === 'string';
}

/**
 * Like manifestFrom, for a registry too: a node of either view, `{ layout, reference }`, or
 * `{ registry, repository, reference }` (`options.key` names another field that may hold the reference).
 */
export async function editableManifestFrom(services: Services, arg: unknown, title: string, options: { indexOnly?: boolean; key?: string } = {}): Promise<EditableManifest> {
  if (onRegistry(arg)) return sourceManifestFrom(services, arg, title, options);
  const m = await manifestFrom(services, arg, title, options);
  return { ref: { kind: 'layout', path: m.layout.path }, target: m.layout.store, desc: m.desc, reference: m.reference, tag: m.tag, layout: m.layout };
}

/** What `m` is called in a question: `short` (a digest or tag) in a layout, prefixed with its repository on a registry. */
export function editableName(m: EditableManifest, short: string): string {
  return m.ref.kind === 'registry' ? `${m.ref.registry}/${m.ref.repository}@${short}` : short;
}

/** After a change: the view showing `m` brought up to date, and a notification of what was done. */
export function reportChanged(services: Services, m: EditableManifest, message: string, where: { tag?: string; digest?: string } = {}): void {
  if (m.layout) {
    layoutChanged(services, m.layout.path);
    reportDone(services, message, { layout: m.layout.path, ...where });
    return;
  }
  services.registriesTree.refreshAll();
  services.log.info(message);
  const copy = l10n.t('Copy Digest');
  void vscode.window.showInformationMessage(message, ...(where.digest ? [copy] : [])).then(async (action) => {
    if (action === copy && where.digest) await vscode.env.clipboard.writeText(where.digest);
  });
}

/**
 * The tags of `m`'s layout or repository with what they are, for QuickPicks (as tagItems for a layout). A name a
 * registry's tag list holds that is no valid tag is left out and passed to `onInvalid` (it is never sent back to the
 * registry); without `onInvalid`, it fails the listing.
 */
export async function editableTagItems(
  services: Services,
  m: EditableManifest,
  filter?: (d: Descriptor) => boolean,
  onInvalid?: (name: string) => void,
): Promise<Awaited<ReturnType<typeof tagItems>>> {
  if (m.layout) return tagItems(services, m.layout, filter);
  const listings = await listTargetTags(m.target, { onInvalid });
  await describeTags(m.target, listings);
  return listings
    .filter((l) => !filter || filter(l.desc))
    .map((l) => ({ label: shownName(l.tag), description: l.summary?.description ?? l.error?.message, detail: shortDigest(l.desc.digest), tag: l.tag, desc: l.desc }));
}
