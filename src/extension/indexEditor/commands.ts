// The index editor's commands. The webview's buttons and these commands share one path (documentEdits), so the
// palette, keybindings, other extensions and the host tests edit an index exactly as the table does.
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Descriptor } from '../../oci/descriptor';
import { indexModel } from '../../oci/indexDocument';
import { isImageIndex } from '../../oci/mediaType';
import { shortDigest } from '../../oci/reference';
import { shownName } from '../../oci/shownName';
import { manifestFrom, plainArgs } from '../commands/args';
import { Cancelled, input, pickOne } from '../ui/prompts';
import type { Services } from '../services';
import { addManifests, applyIntents, checkTableEdit, intentsOf } from './documentEdits';
import { INDEX_EDITOR_VIEW_TYPE } from './indexEditorProvider';
import { storedIndexUri } from '../documents/indexUri';
import type { TableEdit } from '../../shared/indexEditorProtocol';

const isJson = (document: vscode.TextDocument | undefined) => document !== undefined && (document.languageId === 'json' || document.languageId === 'jsonc');

/**
 * `manifold.openInIndexEditor`: a stored index (a tree node, or `{ layout, reference }`: saving stores a new blob
 * and moves the tag), a JSON file (its URI), or from the palette the active JSON editor's document, else a
 * picked index. Returns the URI opened.
 */
export async function openInIndexEditor(services: Services, arg?: unknown): Promise<string> {
  let uri: vscode.Uri;
  const active = vscode.window.activeTextEditor?.document;
  if (arg instanceof vscode.Uri) uri = arg;
  else if (arg === undefined && isJson(active)) uri = active!.uri;
  else {
    const m = await manifestFrom(services, arg, l10n.t('Open in Index Editor'), { indexOnly: true });
    if (!isImageIndex(m.desc.mediaType)) throw new Error(l10n.t('{0} is not an image index.', m.reference));
    uri = storedIndexUri({ layout: m.layout.path, reference: m.tag ?? m.desc.digest });
  }
  await vscode.commands.executeCommand('vscode.openWith', uri, INDEX_EDITOR_VIEW_TYPE);
  return uri.toString();
}

/** The document a command acts on: `uri` in the arguments, else the active index editor, else the active JSON editor. */
async function targetDocument(arg: unknown): Promise<vscode.TextDocument> {
  const given = plainArgs(arg).uri;
  if (given instanceof vscode.Uri || typeof given === 'string') {
    return vscode.workspace.openTextDocument(typeof given === 'string' ? vscode.Uri.parse(given) : given);
  }
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (tab instanceof vscode.TabInputCustom && tab.viewType === INDEX_EDITOR_VIEW_TYPE) return vscode.workspace.openTextDocument(tab.uri);
  const active = vscode.window.activeTextEditor?.document;
  if (isJson(active)) return active!;
  void vscode.window.showInformationMessage(l10n.t('Open an image index in the index editor first.'));
  throw new Cancelled();
}

/**
 * `manifold.addToIndex`: adds manifests to an index document, with their platforms from their configs.
 * Arguments: `{ uri?, references? }` (tags or digests of the document's layout); without references, a pick.
 * Returns the descriptors added.
 */
export async function addToIndex(services: Services, arg?: unknown): Promise<Descriptor[]> {
  const document = await targetDocument(arg);
  const refs = plainArgs(arg).references;
  return addManifests(services, document, Array.isArray(refs) ? refs.map(String) : undefined);
}

/**
 * `manifold.editIndex`: one change to an index document, as a text edit. Arguments: `{ uri?, edit }` with `edit` a
 * table edit (`{ type: 'removeRow', row }`, `moveRow`, `setPlatform`, `setAnnotation`, `removeAnnotation`); from
 * the palette, picked: an entry (or the index itself), then what to do. Returns the document's new text.
 */
export async function editIndex(_s: Services, arg?: unknown): Promise<string> {
  const document = await targetDocument(arg);
  const edit = (plainArgs(arg).edit as TableEdit | undefined) ?? (await askEdit(document));
  await checkTableEdit(document, edit);
  if (!(await applyIntents(document, intentsOf(edit)))) throw new Error(l10n.t('The document cannot be changed (it is read-only).'));
  return document.getText();
}

async function askEdit(document: vscode.TextDocument): Promise<TableEdit> {
  const title = l10n.t('Edit Index');
  const model = indexModel(document.getText());
  if (model.kind !== 'index') throw new Error(l10n.t('This document is not an image index.'));
  const target = await pickOne(
    [
      { label: l10n.t('The index itself'), description: l10n.t('its annotations'), row: undefined as number | undefined },
      ...model.rows.map((r) => ({ label: `${r.index}: ${r.platformText !== undefined ? shownName(r.platformText) : r.artifactType !== undefined ? shownName(r.artifactType) : l10n.t('no platform')}`, description: r.digest ? shortDigest(r.digest) : '', row: r.index as number | undefined })),
    ],
    { title, placeHolder: l10n.t('Pick an entry of manifests, or the index') },
  );
  const row = target.row;
  const rowView = row === undefined ? undefined : model.rows[row];
  const annotations = row === undefined ? model.annotations : rowView!.annotations;
  type Action = vscode.QuickPickItem & { run: () => Promise<TableEdit> };
  const actions: Action[] = [];
  if (row !== undefined) {
    actions.push({ label: l10n.t('Remove from the index'), run: async () => ({ type: 'removeRow', row }) });
    if (row > 0) actions.push({ label: l10n.t('Move up'), run: async () => ({ type: 'moveRow', from: row, to: row - 1 }) });
    if (row < model.rows.length - 1) actions.push({ label: l10n.t('Move down'), run: async () => ({ type: 'moveRow', from: row, to: row + 1 }) });
    actions.push({
      label: l10n.t('Set platform…'),
      run: async () => ({ type: 'setPlatform', row, text: await input({ title, prompt: l10n.t('os/arch[/variant][:os.version]; empty removes it'), value: rowView!.platformText ?? '' }) }),
    });
  }
  actions.push({
    label: l10n.t('Set an annotation…'),
    run: async () => {
      const entry = await input({ title, prompt: 'key=value', validateInput: (v) => (/^[^=]+=/.test(v) ? undefined : l10n.t('key=value')) });
      const eq = entry.indexOf('=');
      return { type: 'setAnnotation', row, key: entry.slice(0, eq), value: entry.slice(eq + 1) };
    },
  });
  for (const key of Object.keys(annotations)) actions.push({ label: l10n.t('Remove annotation {0}', shownName(key)), run: async () => ({ type: 'removeAnnotation', row, key }) });
  return (await pickOne(actions, { title })).run();
}
