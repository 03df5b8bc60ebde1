// QuickPicks of the workspace's layouts and of a layout's tags, for commands invoked from the palette.
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Descriptor } from '../../oci/descriptor';
import { listTagsWithSummaries } from '../../oci/graph';
import { isImageIndex } from '../../oci/mediaType';
import type { OciLayoutStore } from '../../oci/layout';
import { shortDigest } from '../../oci/reference';
import type { Services } from '../services';
import { shownName } from '../../oci/shownName';
import { Cancelled, pickOne } from './prompts';

/** A layout folder opened for a command: where it is and its store. */
export interface ResolvedLayout {
  path: string;
  store: OciLayoutStore;
}

export async function pickLayout(services: Services, title: string): Promise<string> {
  const folders = services.layouts.folders.length > 0 ? services.layouts.folders : await services.layouts.discover();
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

interface TagItem extends vscode.QuickPickItem {
  tag: string;
  desc: Descriptor;
}

/** The layout's tags with their platforms, for QuickPicks. */
export async function tagItems(services: Services, layout: ResolvedLayout, filter?: (d: Descriptor) => boolean): Promise<TagItem[]> {
  const entries = await layout.store.entries();
  const listings = await listTagsWithSummaries(layout.store, entries, { cache: services.layouts.summaries(layout.path) });
  return listings
    .filter((l) => !filter || filter(l.desc))
    .map((l) => ({ label: shownName(l.tag), description: l.summary?.description ?? l.error?.message, detail: shortDigest(l.desc.digest), tag: l.tag, desc: l.desc }));
}

export async function pickTag(services: Services, layout: ResolvedLayout, title: string, indexOnly?: boolean): Promise<string> {
  const items = await tagItems(services, layout, indexOnly ? (d) => isImageIndex(d.mediaType) : undefined);
  if (items.length === 0) {
    void vscode.window.showInformationMessage(indexOnly ? l10n.t('This layout has no tagged index.') : l10n.t('This layout has no tags.'));
    throw new Cancelled();
  }
  return (await pickOne(items, { title, placeHolder: indexOnly ? l10n.t('Pick an index') : l10n.t('Pick a tag'), matchOnDescription: true })).tag;
}
