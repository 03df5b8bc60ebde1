// The index editor's webview: renders the table the extension sends and sends back what the user asks for. It
// holds no document state of its own: every change goes to the extension as an edit of the text, and the table
// is drawn again from the state that comes back.
import * as l10n from '@vscode/l10n';
import type { BlobState, EditorState, FromWebview, RowKinds, RowView, TableEdit, ToWebview } from '../../src/shared/indexEditorProtocol';
import { button, h, inlineInput } from '../shared/dom';
import { quotedText, shownName } from '../shared/shownName';
import { connect, shortDigest as short } from '../shared/webview';

const { send, root } = connect<FromWebview, ToWebview>(received);

let state: EditorState | undefined;
let blobs: BlobState[] = [];
let kinds: { digest: string; rows: Array<RowKinds | undefined> } | undefined;
let error: string | undefined;
// While a field is being edited a new state waits, so redrawing does not take the field away.
let editing = false;
let pending = false;

const MEDIA_TYPES: Record<string, string> = {
  'application/vnd.oci.image.manifest.v1+json': l10n.t('OCI manifest'),
  'application/vnd.oci.image.index.v1+json': l10n.t('OCI index'),
  'application/vnd.docker.distribution.manifest.v2+json': l10n.t('Docker manifest'),
  'application/vnd.docker.distribution.manifest.list.v2+json': l10n.t('Docker manifest list'),
};

const REF_NAME = 'org.opencontainers.image.ref.name';
const bytes = (n: number) => `${n.toLocaleString('en-US')} B`;


function edit(e: TableEdit): void {
  if (!state || state.readOnly || state.syntaxError) return;
  error = undefined;
  send({ type: 'edit', version: state.version, edit: e });
}

/**
 * An inline field over `anchor`, started from the control `from` (which gets the focus back when it closes, even
 * after the table is drawn again: by its data-key).
 */
function startEditing(anchor: HTMLElement, from: HTMLElement, value: string, placeholder: string, commit: (value: string) => void): void {
  if (editing || !writable()) return;
  editing = true;
  // Enter on a value left as it was changes nothing: a commit would re-read it (trim, split) and could alter a name
  // that holds what is trimmed (a no-break space), though the user typed nothing.
  const changed = (typed: string) => {
    if (typed !== value) commit(typed);
  };
  inlineInput(anchor, value, placeholder, changed, () => {
    editing = false;
    if (pending) render();
    refocus(from.dataset.key);
  });
}

/** Focuses the control with this data-key, if it is on the page. */
function refocus(key: string | undefined): void {
  if (!key) return;
  const el = [...root.querySelectorAll<HTMLElement>('[data-key]')].find((e) => e.dataset.key === key);
  el?.focus();
}

/** `key=value` (the value may hold `=`); undefined when there is no key. */
function splitAnnotation(text: string): { key: string; value: string } | undefined {
  const eq = text.indexOf('=');
  if (eq <= 0 || text.slice(0, eq).trim() === '') return undefined;
  return { key: text.slice(0, eq).trim(), value: text.slice(eq + 1) };
}

function writable(): boolean {
  return !!state && !state.readOnly && !state.syntaxError;
}

function header(s: EditorState): HTMLElement {
  const title = s.kind === 'index' ? l10n.t('Image index') : s.kind === 'manifest' ? l10n.t('Image manifest') : l10n.t('JSON document');
  const badges = [
    s.layoutName && h('span', { class: 'badge', title: l10n.t('The layout whose blobs this document points at') }, l10n.t('layout: {0}', shownName(s.layoutName))),
    s.storedAs && h('span', { class: 'badge', title: l10n.t('Saving stores a new index and moves this tag to it') }, l10n.t('tag: {0}', shownName(s.storedAs))),
  ];
  const digestLine = h(
    'p',
    { class: 'digest' },
    l10n.t('Digest') + ' ',
    h('code', { title: s.digest }, short(s.digest)),
    ` · ${bytes(s.size)}`,
    s.dirty ? h('span', { class: 'dirty' }, ' · ' + (s.savedDigest ? l10n.t('unsaved (saved: {0})', short(s.savedDigest)) : l10n.t('unsaved'))) : undefined,
  );
  const { errors, warnings } = s.problems;
  const problems =
    errors + warnings > 0
      ? h(
          'p',
          { class: errors > 0 ? 'problems error' : 'problems warning' },
          l10n.t('{0}, {1} (see the Problems panel)', errors === 1 ? l10n.t('1 error') : l10n.t('{0} errors', errors), warnings === 1 ? l10n.t('1 warning') : l10n.t('{0} warnings', warnings)),
        )
      : undefined;
  return h(
    'header',
    {},
    h(
      'div',
      { class: 'title' },
      h('h1', {}, title),
      ...badges,
      h('span', { class: 'spacer' }),
      s.storedAs
        ? button(l10n.t('Show text'), l10n.t('Open the text beside the table, formatted and read-only (the stored index is one line)'), () => send({ type: 'showText' }), 'secondary')
        : button(l10n.t('Show text'), l10n.t('Open the text beside the table'), () => send({ type: 'showText' }), 'secondary'),
      s.storedAs && !s.readOnly
        ? button(l10n.t('Edit text'), l10n.t('Open the stored text itself to edit it (one line, as stored: formatting it changes its digest)'), () => send({ type: 'showText', editable: true }), 'secondary')
        : undefined,
    ),
    digestLine,
    problems,
  );
}

function banners(s: EditorState): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (error) out.push(h('div', { class: 'banner error', role: 'alert' }, error, button('✕', l10n.t('Dismiss'), () => ((error = undefined), render()))));
  if (s.syntaxError) out.push(h('div', { class: 'banner error' }, l10n.t('The text is not valid JSON: the table shows what it can read, and waits for the text to be fixed before it changes anything.')));
  if (s.readOnly) out.push(h('div', { class: 'banner info' }, s.readOnly));
  if (s.formattingOnly && s.savedDigest) {
    const where = s.storedAs
      ? l10n.t('Only the formatting differs from the stored index, yet the digest is the bytes: saving stores a new index {0} and moves {1} to it. Undo to keep {2}.', short(s.digest), shownName(s.storedAs), short(s.savedDigest))
      : l10n.t('Only the formatting differs from the saved file, yet the digest is the bytes: {0} now, {1} as saved.', short(s.digest), short(s.savedDigest));
    out.push(h('div', { class: 'banner warning', role: 'status' }, where));
  }
  if (s.kind !== 'index') out.push(h('div', { class: 'banner info' }, l10n.t('This document is not an image index: the index editor edits the manifests of an index. Open the text to edit it.')));
  return out;
}

function platformCell(r: RowView): HTMLElement {
  const cell = td('platform', l10n.t('Platform'));
  const text = h(
    'button',
    { class: r.platform ? 'cell-edit' : 'cell-edit empty', title: l10n.t('Edit the platform (os/arch[/variant])'), label: l10n.t('Platform of entry {0}', r.index), 'data-key': `platform:${r.index}` },
    r.platform ? shownName(r.platform) : '—',
  );
  text.type = 'button';
  text.addEventListener('click', () => startEditing(cell, text, r.platform ?? '', l10n.t('linux/arm64/v8 (empty removes it)'), (v) => edit({ type: 'setPlatform', row: r.index, text: v })));
  cell.append(text);
  return cell;
}

/**
 * Annotations as chips, each read and edited as `key=value` (as "+" adds one): a changed key renames the
 * annotation, an empty field removes it; ✕ removes it too. The whole text is each chip's tooltip.
 */
function annotationList(entries: Array<[string, string]>, row: number | undefined): HTMLElement {
  const list = h('div', { class: 'chips' });
  const owner = row === undefined ? 'index' : String(row);
  const commitText = (typed: string, replaces?: string) => {
    if (typed.trim() === '' && replaces !== undefined) return edit({ type: 'removeAnnotation', row, key: replaces });
    const parsed = splitAnnotation(typed);
    if (!parsed) {
      // Never dropped silently: the banner keeps what was typed.
      error = l10n.t('Not changed: {0} is not key=value.', quotedText(typed));
      render();
      return;
    }
    edit({ type: 'setAnnotation', row, key: parsed.key, value: parsed.value, replaces });
  };
  for (const [key, value] of entries) {
    const full = `${key}=${value}`;
    // Shown with what cannot be seen escaped; edited as it is, so that what is saved is what was there.
    const fullShown = `${shownName(key)}=${shownName(value)}`;
    const chip = h('span', { class: 'chip' });
    const val = h(
      'button',
      { class: 'chip-value', title: writable() ? l10n.t('{0} (click to edit)', fullShown) : fullShown, label: l10n.t('Edit annotation {0}', shownName(key)), 'data-key': `chip:${owner}:${key}` },
      h('span', { class: 'key' }, shownName(key)),
      '=',
      shownName(value),
    );
    val.type = 'button';
    val.addEventListener('click', () => startEditing(chip, val, full, l10n.t('key=value (empty removes it)'), (v) => commitText(v, key)));
    chip.append(val, button('✕', l10n.t('Remove annotation {0}', shownName(key)), () => edit({ type: 'removeAnnotation', row, key })));
    list.append(chip);
  }
  const add = h('span', { class: 'chip add' });
  const plus = button('+', row === undefined ? l10n.t('Add an annotation to the index') : l10n.t('Add an annotation to entry {0}', row), () =>
    startEditing(add, plus, '', 'key=value', (v) => {
      if (v.trim() !== '') commitText(v);
    }),
  );
  plus.dataset.key = `add:${owner}`;
  add.append(plus);
  list.append(add);
  return list;
}

/** A cell with its column's name, which the stacked layout of a narrow editor shows before it. */
function td(className: string, label: string, ...children: Array<Node | string | undefined>): HTMLTableCellElement {
  return h('td', { class: className, 'data-label': label }, ...children);
}

/** What is attached to the entry (`signed · SBOM`), and what it lacks that a sibling or the index has. */
function kindsCell(r: RowView, s: EditorState): HTMLElement {
  const cell = td('kinds', l10n.t('Referrers'));
  const shown = kinds?.digest === s.digest ? kinds.rows : undefined;
  if (!shown) {
    cell.append(h('span', { class: 'empty', title: l10n.t('Looking for referrers…') }, '…'));
    return cell;
  }
  const k = shown[r.index];
  if (!k) return cell;
  if (k.carried.length === 0 && k.gaps.length === 0) cell.append(h('span', { class: 'empty', title: l10n.t('Nothing is attached to this entry') }, '—'));
  // A user's kind comes by its title as written (the setting manifold.referrerKinds): escaped as names are.
  const carried = k.carried.map(shownName);
  const gaps = k.gaps.map(shownName).join(', ');
  if (carried.length > 0) cell.append(h('span', { class: 'carried' }, carried.join(' · ')));
  if (k.gaps.length > 0) {
    const gap = h('span', { class: 'gap', title: l10n.t('Attached to another entry or the index, not to this one: {0}', gaps) }, '⚠ ' + l10n.t('no {0}', gaps));
    cell.append(k.carried.length > 0 ? ' ' : '', gap);
  }
  return cell;
}

function blobCell(state: BlobState | undefined): HTMLElement {
  const label = l10n.t('Blob');
  if (state === 'present') return h('td', { class: 'blob present', title: l10n.t('The blob is in the layout'), 'data-label': label }, '✓');
  if (state === 'missing') return h('td', { class: 'blob missing', title: l10n.t('The blob is not in the layout'), 'data-label': label }, '✗ ' + l10n.t('missing'));
  return h('td', { class: 'blob unknown', title: l10n.t('Not known (no layout, or not a digest)'), 'data-label': label }, '–');
}

let dragFrom: number | undefined;

function rowElement(r: RowView, s: EditorState): HTMLTableRowElement {
  const count = s.rows.length;
  const tr = h('tr', { class: r.problems ? 'has-problems' : undefined, 'data-row': String(r.index) });
  const canEdit = writable();
  if (canEdit) {
    tr.draggable = true;
    tr.addEventListener('dragstart', (e) => {
      dragFrom = r.index;
      e.dataTransfer?.setData('text/plain', String(r.index));
      tr.classList.add('dragging');
    });
    tr.addEventListener('dragend', () => tr.classList.remove('dragging'));
    tr.addEventListener('dragover', (e) => {
      if (dragFrom === undefined) return;
      e.preventDefault();
      tr.classList.add('drop');
    });
    tr.addEventListener('dragleave', () => tr.classList.remove('drop'));
    tr.addEventListener('drop', (e) => {
      e.preventDefault();
      tr.classList.remove('drop');
      if (dragFrom !== undefined && dragFrom !== r.index) edit({ type: 'moveRow', from: dragFrom, to: r.index });
      dragFrom = undefined;
    });
  }
  const order = td('order', '#', h('span', { class: 'handle', title: canEdit ? l10n.t('Drag to reorder') : undefined }, String(r.index)));
  if (canEdit) {
    if (r.index > 0) order.append(button('↑', l10n.t('Move entry {0} up', r.index), () => edit({ type: 'moveRow', from: r.index, to: r.index - 1 })));
    if (r.index < count - 1) order.append(button('↓', l10n.t('Move entry {0} down', r.index), () => edit({ type: 'moveRow', from: r.index, to: r.index + 1 })));
  }
  const mediaType = td(r.mediaType ? 'media-type' : 'media-type empty', l10n.t('Media type'), r.mediaType ? MEDIA_TYPES[r.mediaType] ?? shownName(r.mediaType) : l10n.t('missing'));
  if (r.mediaType) mediaType.title = shownName(r.mediaType);
  // The short form in the wide table; the whole digest where the entries stack (a line of its own has the room).
  const digest = td(
    'digest-cell',
    l10n.t('Digest'),
    ...(r.digest ? [h('code', { title: shownName(r.digest), class: 'short' }, shownName(short(r.digest))), h('code', { class: 'full' }, shownName(r.digest))] : [h('span', { class: 'empty' }, l10n.t('missing'))]),
  );
  const size = td('size', l10n.t('Size'), r.size === undefined ? '—' : bytes(r.size));
  if (r.size !== undefined) size.title = l10n.t('{0} bytes', r.size);
  const actions = td('actions', '', button('{ }', l10n.t('Show entry {0} in the text', r.index), () => send({ type: 'showText', row: r.index })));
  if (canEdit) actions.append(button('✕', l10n.t('Remove entry {0} from the index', r.index), () => edit({ type: 'removeRow', row: r.index })));
  // In a layout's index.json the tag has its own column, so its chip is not shown twice.
  const annotations = s.tagColumn ? r.annotations.filter(([k]) => k !== REF_NAME) : r.annotations;
  tr.append(
    order,
    ...(s.tagColumn ? [tagCell(r)] : []),
    platformCell(r),
    mediaType,
    digest,
    blobCell(blobs[r.index]),
    size,
    // Images have none: the column is there only when an entry has one.
    ...(s.rows.some((x) => x.artifactType) ? [td(r.artifactType ? 'artifact-type' : 'artifact-type none', l10n.t('Artifact type'), r.artifactType ? shownName(r.artifactType) : '')] : []),
    ...(s.kindsColumn ? [kindsCell(r, s)] : []),
    td(annotations.length > 0 ? 'annotations' : 'annotations none', l10n.t('Annotations'), annotationList(annotations, r.index)),
    actions,
  );
  if (r.problems) tr.title = r.problems.join('\n');
  return tr;
}

/** The tag a layout's index.json gives the entry; click to rename it, empty to untag (the entry stays listed). */
function tagCell(r: RowView): HTMLElement {
  const tag = r.annotations.find(([k]) => k === REF_NAME)?.[1];
  const cell = td('tag', l10n.t('Tag'));
  const shown = h(
    'button',
    { class: tag === undefined ? 'cell-edit empty' : 'cell-edit', title: l10n.t('Rename the tag (empty untags the entry; it stays listed)'), label: l10n.t('Tag of entry {0}', r.index), 'data-key': `tag:${r.index}` },
    // Shown escaped when it holds what cannot be seen (`"v1\u202e3.0.1"`); the field edits the name itself.
    tag === undefined ? l10n.t('untagged') : shownName(tag),
  );
  shown.type = 'button';
  shown.addEventListener('click', () =>
    startEditing(cell, shown, tag ?? '', l10n.t('tag (empty untags the entry)'), (typed) => {
      const value = typed.trim();
      if (value === (tag ?? '')) return;
      if (value === '') edit({ type: 'removeAnnotation', row: r.index, key: REF_NAME });
      else edit({ type: 'setAnnotation', row: r.index, key: REF_NAME, value });
    }),
  );
  cell.append(shown);
  return cell;
}

function manifests(s: EditorState): HTMLElement {
  const columns = ['#', ...(s.tagColumn ? [l10n.t('Tag')] : []), l10n.t('Platform'), l10n.t('Media type'), l10n.t('Digest'), l10n.t('Blob'), l10n.t('Size'), ...(s.rows.some((r) => r.artifactType) ? [l10n.t('Artifact type')] : []), ...(s.kindsColumn ? [l10n.t('Referrers')] : []), l10n.t('Annotations'), ''];
  const head = h('tr', {}, ...columns.map((t) => h('th', { scope: 'col' }, t)));
  const body = h('tbody', {}, ...s.rows.map((r) => rowElement(r, s)));
  const add = writable() ? button(l10n.t('Add manifests…'), l10n.t("Add manifests from the layout's tags (the platform comes from each config)"), () => send({ type: 'addManifests', version: s.version }), 'primary') : undefined;
  return h(
    'section',
    { class: 'manifests' },
    h('div', { class: 'section-title' }, h('h2', {}, l10n.t('Manifests ({0})', s.rows.length)), h('span', { class: 'spacer' }), add),
    s.rows.length === 0 ? h('p', { class: 'empty-note' }, l10n.t('No manifests yet.')) : h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, head), body)),
  );
}

function render(): void {
  pending = false;
  if (!state) return;
  if (editing) {
    pending = true;
    return;
  }
  const s = state;
  const sections: Array<HTMLElement | undefined> = [header(s), ...banners(s)];
  if (s.kind === 'index') {
    sections.push(manifests(s));
    sections.push(h('section', { class: 'index-annotations' }, h('h2', {}, l10n.t('Index annotations')), annotationList(s.annotations, undefined)));
  }
  root.classList.toggle('read-only', !writable());
  // Drawing again must not take the focus from the control the user is on (a chip just edited, a button).
  const focused = document.activeElement instanceof HTMLElement && root.contains(document.activeElement) ? document.activeElement.dataset.key : undefined;
  root.replaceChildren(...sections.filter((x): x is HTMLElement => x !== undefined));
  refocus(focused);
}

function received(message: ToWebview): void {
  switch (message.type) {
    case 'state':
      if (state?.version !== message.state.version) blobs = [];
      state = message.state;
      break;
    case 'blobs':
      if (state?.version !== message.version) return;
      blobs = message.blobs;
      break;
    case 'kinds':
      kinds = { digest: message.digest, rows: message.rows };
      break;
    case 'error':
      error = message.message;
      break;
  }
  render();
}

send({ type: 'ready' });
