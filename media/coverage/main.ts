// The referrer coverage page: the matrix of an image's manifests (the index, each platform) by kind of referrer,
// drawn from the model the extension sends. Each cell says what it is in words as well as colour; a count opens
// what it counts; a button per kind attaches to the platforms lacking it. The page holds no state of its own.
import * as l10n from '@vscode/l10n';
import type { CoverageCellView, CoverageColumnView, CoverageModel, CoverageRowView, EndOfLifeView, FromWebview, ToWebview } from '../../src/shared/coverageProtocol';
import { button, h } from '../shared/dom';
import { shownName } from '../shared/shownName';
import { connect, shortDigest as short } from '../shared/webview';

const { send, root } = connect<FromWebview, ToWebview>(received);

let model: CoverageModel | undefined;
let loading = true;
let error: string | undefined;


function header(m: CoverageModel | undefined): HTMLElement {
  return h(
    'header',
    {},
    h(
      'div',
      { class: 'title' },
      h('h1', {}, l10n.t('Referrer coverage')),
      m && h('span', { class: 'badge', title: `${shownName(m.reference)}\n${m.digest}` }, shownName(m.name)),
      h('span', { class: 'spacer' }),
      loading ? h('span', { class: 'busy', role: 'status' }, l10n.t('Reading the referrers…')) : undefined,
      button(l10n.t('Refresh'), l10n.t('Read the referrers again'), () => send({ type: 'refresh' }), 'secondary'),
    ),
    h('p', { class: 'lead' }, l10n.t('Which kinds of artifact are attached to the index and to each platform manifest. Consumers resolve a platform: what sits on the index alone, they never see.')),
  );
}

function banners(m: CoverageModel | undefined): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (error) out.push(h('div', { class: 'banner error', role: 'alert' }, error, button('✕', l10n.t('Dismiss'), () => ((error = undefined), render()))));
  if (!m) return out;
  const platforms = m.rows.filter((r) => !r.index).length;
  if (m.gaps > 0) {
    const text = m.gaps === 1 ? l10n.t('1 gap: a platform lacks a kind that another manifest of this image carries.') : l10n.t('{0} gaps: platforms lack kinds that another manifest of this image carries.', m.gaps);
    out.push(h('div', { class: 'banner warning summary', 'data-gaps': String(m.gaps) }, h('span', { class: 'glyph', 'aria-hidden': 'true' }, '⚠'), text));
  } else if (platforms > 0) {
    out.push(h('div', { class: 'banner ok summary', 'data-gaps': '0' }, h('span', { class: 'glyph', 'aria-hidden': 'true' }, '✓'), l10n.t('Complete: every platform carries every kind that a manifest of this image carries.')));
  }
  // Signatures and attestations the keys and identities set do not verify: counted apart from the gaps (they are
  // there, they prove nothing). Keys and identities named as what they are: a key signs, a certificate is for an identity.
  if (m.unverified) {
    const trusted = [...(m.keys ?? []).map((k) => l10n.t('key {0}', k)), ...(m.identities ?? []).map((i) => l10n.t('a certificate for {0}', i))];
    const by = trusted.length === 1 ? trusted[0]! : l10n.t('any of {0}', trusted.join(', '));
    const text = m.unverified === 1 ? l10n.t('1 cell is not verified: no signature or attestation in it is signed by {0}.', by) : l10n.t('{0} cells are not verified: no signature or attestation in them is signed by {1}.', m.unverified, by);
    out.push(h('div', { class: 'banner warning unverified', 'data-unverified': String(m.unverified) }, h('span', { class: 'glyph', 'aria-hidden': 'true' }, '⚠'), text));
  }
  // An end of life that has passed, named in words above the matrix as in its cells: what a release engineer looks for first.
  const passed = m.rows.flatMap((r) => r.cells.filter((c) => c.endOfLife?.state === 'passed').map((c) => `${shownName(r.label)} (${c.endOfLife!.date!.slice(0, 10)})`));
  if (passed.length > 0) {
    out.push(h('div', { class: 'banner warning eol-passed', 'data-passed': String(passed.length) }, h('span', { class: 'glyph', 'aria-hidden': 'true' }, '⚠'), l10n.t('End of life passed: {0}.', passed.join(', '))));
  }
  if (m.verifyProblem) out.push(h('div', { class: 'banner error verify-problem' }, m.verifyProblem));
  if (m.attachBlocked) out.push(h('div', { class: 'banner info' }, m.attachBlocked));
  return out;
}

/** After an end-of-life count: `passed 2020-01-31`, `soon 2099-01-02`, `ends 2099-12-31`, `bad date`, `no date` (the CLI's words). */
function endOfLifeWords(e: EndOfLifeView): string {
  const day = e.date?.slice(0, 10) ?? '';
  const said =
    e.state === 'passed' ? l10n.t('passed {0}', day) : e.state === 'soon' ? l10n.t('soon {0}', day) : e.state === 'later' ? l10n.t('ends {0}', day) : e.state === 'unreadable' ? l10n.t('bad date') : l10n.t('no date');
  return e.date && e.unreadable ? `${said} + ${l10n.t('bad date')}` : said;
}

/** The end-of-life dates in full, for a cell's title: the date as written and where it stands, the values that are none. */
function endOfLifeTitle(e: EndOfLifeView): string {
  const lines: string[] = [];
  if (e.state === 'passed') lines.push(l10n.t('End of life {0}: passed', e.date!));
  else if (e.state === 'soon') lines.push(l10n.t('End of life {0}: within 30 days', e.date!));
  else if (e.state === 'later') lines.push(l10n.t('End of life {0}', e.date!));
  else if (e.state === 'none') lines.push(l10n.t('No end-of-life date in its annotations'));
  if (e.unreadable) lines.push(l10n.t('Not a date (YYYY-MM-DD or an RFC 3339 time): {0}', e.unreadable.join(', ')));
  return lines.join('\n');
}

function cellTitle(c: CoverageCellView, column: CoverageColumnView, row: CoverageRowView): string {
  const said = stateTitle(c, column, row);
  return c.endOfLife ? `${said}\n${endOfLifeTitle(c.endOfLife)}` : said;
}

function stateTitle(c: CoverageCellView, column: CoverageColumnView, row: CoverageRowView): string {
  const label = shownName(row.label);
  const kind = shownName(column.title);
  switch (c.state) {
    case 'present':
      if (c.verified?.valid) return l10n.t('{0}, verified by {1}: open it', c.count === 1 ? l10n.t('1 {0} attached to {1}', kind, label) : l10n.t('{0} {1} attached to {2}', c.count, kind, label), c.verified.keys.join(', '));
      if (c.verified) return l10n.t('{0}, none verified by the keys or identities set (manifold.signatureKeys, manifold.signatureIdentities): open it', c.count === 1 ? l10n.t('1 {0} attached to {1}', kind, label) : l10n.t('{0} {1} attached to {2}', c.count, kind, label));
      // Keys or identities set, but no cosign signature or attestation here (an OCI referrer, a buildx attestation).
      if (c.nothingToVerify) return l10n.t('{0}; no cosign attestation here: nothing to verify with the keys or identities set: open it', c.count === 1 ? l10n.t('1 {0} attached to {1}', kind, label) : l10n.t('{0} {1} attached to {2}', c.count, kind, label));
      return c.count === 1 ? l10n.t('1 {0} attached to {1}: open it', kind, label) : l10n.t('{0} {1} attached to {2}: pick one to open', c.count, kind, label);
    case 'gap':
      return l10n.t('Missing: {0} has no {1}, while another manifest of this image has one', label, kind);
    case 'index':
      return l10n.t('None on the index (not required: consumers resolve a platform)');
    case 'none':
      return l10n.t('None: no manifest of this image has one');
  }
}

function cell(c: CoverageCellView, column: CoverageColumnView, row: CoverageRowView, rowIndex: number): HTMLElement {
  const title = cellTitle(c, column, row);
  const td = h('td', { class: `cell ${c.state}`, 'data-kind': c.kind, 'data-state': c.state, title });
  if (c.state === 'present') {
    // A signature or attestation cell verified with the keys or identities set: `1 ✓`, or `1 ✗ not verified`.
    const mark = c.verified ? (c.verified.valid ? ' ✓' : ' ✗') : '';
    td.append(button(`${c.count}${mark}`, title, () => send({ type: 'open', row: rowIndex, kind: c.kind }), 'count'));
    if (c.verified) td.setAttribute('data-verified', String(c.verified.valid));
    if (c.verified && !c.verified.valid) td.append(' ', h('span', { class: 'unverified' }, l10n.t('not verified')));
    // An end-of-life count says what its dates say in words (`1 · passed 2020-01-31`), the warning colour only besides.
    if (c.endOfLife) {
      td.setAttribute('data-eol', c.endOfLife.state);
      td.append(' ', h('span', { class: `eol ${c.endOfLife.state}` }, `· ${endOfLifeWords(c.endOfLife)}`));
    }
  } else if (c.state === 'gap') {
    td.append(h('span', { class: 'glyph', 'aria-hidden': 'true' }, '✗'), ' ', l10n.t('missing'));
  } else {
    td.append(h('span', { 'aria-hidden': 'true' }, '–'), h('span', { class: 'sr-only' }, l10n.t('none')));
  }
  return td;
}

function signLabel(n: number): string {
  return n === 1 ? l10n.t('Sign the 1 platform missing it') : l10n.t('Sign the {0} platforms missing it', n);
}

function attachLabel(n: number): string {
  return n === 1 ? l10n.t('Attach to the 1 platform missing it') : l10n.t('Attach to the {0} platforms missing it', n);
}

function matrix(m: CoverageModel): HTMLElement {
  // A kind's title may be the user's (the setting manifold.referrerKinds): escaped if it holds what cannot be seen.
  const head = h('tr', {}, h('th', { scope: 'col' }, l10n.t('Manifest')), ...m.columns.map((c) => h('th', { scope: 'col', 'data-kind': c.id }, shownName(c.title))));
  const body = h(
    'tbody',
    {},
    ...m.rows.map((r, i) =>
      h(
        'tr',
        { class: r.index ? 'index' : 'platform', 'data-label': r.label, 'data-digest': r.digest },
        // The label from what the manifests say (a platform another tool wrote): escaped if it holds what cannot be seen.
        h('th', { scope: 'row' }, h('span', { class: 'label' }, shownName(r.label)), ' ', h('code', { title: r.digest }, short(r.digest))),
        ...r.cells.map((c, k) => cell(c, m.columns[k]!, r, i)),
      ),
    ),
  );
  const fixes = m.columns.map((c) => {
    const td = h('td', { class: 'fix', 'data-kind': c.id });
    if (c.attachable && c.missing.length > 0 && !m.attachBlocked) {
      const label = attachLabel(c.missing.length);
      const b = button(label, `${label} (${shownName(c.title)}): ${c.missing.map(shownName).join(', ')}`, () => send({ type: 'attach', kind: c.id }), 'primary attach');
      b.dataset.kind = c.id;
      td.append(b);
    }
    // A signature is made, not attached from a file: Sign Image… on the gaps (a registry's too).
    if (c.id === 'signature' && c.missing.length > 0 && m.signable) {
      const label = signLabel(c.missing.length);
      td.append(' ', button(label, `${label}: ${c.missing.map(shownName).join(', ')}`, () => send({ type: 'sign' }), 'primary sign'));
    }
    return td;
  });
  const foot = fixes.some((f) => f.childNodes.length > 0) ? h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, l10n.t('Fill the gaps')), ...fixes)) : undefined;
  return h('div', { class: 'table-wrap' }, h('table', { class: 'matrix' }, h('caption', { class: 'sr-only' }, l10n.t('Referrers of {0} by kind', shownName(m.reference))), h('thead', {}, head), body, foot));
}

function legend(m: CoverageModel): HTMLElement {
  // With keys or identities set, what the marks of a verified cell say.
  const verifiedKeys = m.keys
    ? [h('span', { class: 'key present' }, '1 ✓'), ' ' + l10n.t('verified by a key or identity set') + '  ', h('span', { class: 'key present', 'data-verified': 'false' }, '1 ✗'), ' ' + l10n.t('not verified') + '  ']
    : [];
  return h(
    'p',
    { class: 'legend' },
    ...verifiedKeys,
    h('span', { class: 'key present' }, '1'),
    ' ' + l10n.t('attached (click to open)') + '  ',
    h('span', { class: 'key gap' }, '✗ ' + l10n.t('missing')),
    ' ' + l10n.t('others of this image carry it') + '  ',
    h('span', { class: 'key none' }, '–'),
    ' ' + l10n.t('none anywhere, or on the index (not required)'),
  );
}

function render(): void {
  const sections: Array<HTMLElement | undefined> = [header(model), ...banners(model)];
  if (model) sections.push(matrix(model), legend(model));
  else if (loading) sections.push(h('p', { class: 'empty-note' }, l10n.t('Reading the referrers…')));
  root.replaceChildren(...sections.filter((x): x is HTMLElement => x !== undefined));
}

function received(message: ToWebview): void {
  switch (message.type) {
    case 'model':
      model = message.model;
      loading = false;
      error = undefined;
      break;
    case 'loading':
      loading = true;
      break;
    case 'error':
      error = message.message;
      loading = false;
      break;
  }
  render();
}

render();
send({ type: 'ready' });
