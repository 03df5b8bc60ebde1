import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Descriptor } from '../../oci/descriptor';
import { childDescriptor, fetchManifest } from '../../oci/graph';
import { applyIntent as intentApplied, editsFor, indexModel, type EditIntent } from '../../oci/indexDocument';
import { parsePlatform } from '../../oci/platform';
import { isFallbackTag } from '../../oci/reference';
import { pickLayout, tagItems } from '../ui/pickers';
import { withProgress } from '../ui/progress';
import { pickMany } from '../ui/prompts';
import { LayoutFinder, roleOf } from '../documents/documentRole';
import type { Services } from '../services';
import type { TableEdit } from '../../shared/indexEditorProtocol';
import { tagEditProblem } from './tagEdit';

/** A table edit as the core's edit intent; a platform typed as text is parsed as the CLI's --platform is. */
export function intentOf(edit: TableEdit): EditIntent {
  switch (edit.type) {
    case 'setPlatform': {
      const text = edit.text.trim();
      return { type: 'setPlatform', row: edit.row, platform: text === '' ? undefined : parsePlatform(text) };
    }
    case 'setAnnotation':
      return { type: 'setAnnotation', row: edit.row, key: edit.key.trim(), value: edit.value };
    default:
      return edit;
  }
}

/** A table edit as the intents that carry it out: a renamed annotation key is the old key removed, the new one set. */
export function intentsOf(edit: TableEdit): EditIntent[] {
  if (edit.type === 'setAnnotation' && edit.replaces !== undefined && edit.replaces !== edit.key.trim()) {
    return [{ type: 'removeAnnotation', row: edit.row, key: edit.replaces }, intentOf(edit)];
  }
  return [intentOf(edit)];
}

/**
 * Refuses a table edit that would write what Manifold's own commands refuse: in a layout's index.json, a tag the
 * Tag command would not write, or one another entry has (see tagEdit).
 */
export async function checkTableEdit(document: vscode.TextDocument, edit: TableEdit): Promise<void> {
  if (edit.type !== 'setAnnotation') return;
  const role = await roleOf(document.uri, new LayoutFinder());
  if (!role?.layoutIndex) return;
  const problem = tagEditProblem(indexModel(document.getText()), edit);
  if (problem) throw new Error(problem);
}

/** Several intents as one WorkspaceEdit (one undo step): the span of text between what they leave unchanged. */
export async function applyIntents(document: vscode.TextDocument, intents: readonly EditIntent[]): Promise<boolean> {
  if (intents.length === 1) return applyIntent(document, intents[0]!);
  const before = document.getText();
  const after = intents.reduce(intentApplied, before);
  if (after === before) return true;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(start), document.positionAt(before.length - end)), after.slice(start, after.length - end));
  return vscode.workspace.applyEdit(edit);
}

/**
 * Applies an intent as a WorkspaceEdit of the few ranges it changes (never the whole text), so undo, redo,
 * dirty state and save work as for typing. Returns false when VS Code refused it (a read-only document).
 */
export async function applyIntent(document: vscode.TextDocument, intent: EditIntent): Promise<boolean> {
  const edits = editsFor(document.getText(), intent);
  if (edits.length === 0) return true;
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.content);
  return vscode.workspace.applyEdit(edit);
}

/** The layout a document's digests refer to: its own (stored index, file in a layout folder), else one picked. */
export async function layoutForDocument(services: Services, uri: vscode.Uri, title: string): Promise<string> {
  const role = await roleOf(uri, new LayoutFinder());
  return role?.layout ?? (await pickLayout(services, title));
}

/**
 * Adds manifests to the index document: the given references (tags or digests), or those picked from the
 * layout's tags. Each becomes the descriptor oras would write (platform and artifact type read from the
 * manifest and its config), added in one edit. Returns the descriptors added.
 */
export async function addManifests(services: Services, document: vscode.TextDocument, references?: readonly string[]): Promise<Descriptor[]> {
  const title = l10n.t('Add Manifests to Index');
  const layout = await layoutForDocument(services, document.uri, title);
  const store = await services.layouts.open(layout);
  let refs = references;
  if (!refs || refs.length === 0) {
    const listed = new Set(indexModel(document.getText()).rows.map((r) => r.digest));
    const items = (await tagItems(services, { path: layout, store })).filter((i) => !isFallbackTag(i.tag));
    for (const i of items) if (listed.has(i.desc.digest)) i.detail = l10n.t('{0} · already in this index', i.detail ?? '');
    if (items.length === 0) throw new Error(l10n.t('The layout {0} has no tags to add.', layout));
    refs = (await pickMany(items, { title, placeHolder: l10n.t('Pick the manifests to add (their platform comes from each config)'), matchOnDescription: true })).map((i) => i.tag);
  }
  const picked = refs;
  const descriptors = await withProgress(title, async (signal, progress) => {
    const out: Descriptor[] = [];
    for (const ref of picked) {
      progress.report({ message: ref });
      out.push(await childDescriptor(store, await fetchManifest(store, ref, 'manifest', { signal }), { signal }));
    }
    return out;
  });
  if (!(await applyIntent(document, { type: 'addManifests', descriptors }))) throw new Error(l10n.t('The document cannot be changed (it is read-only).'));
  return descriptors;
}
