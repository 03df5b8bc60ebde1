// UI test: "Show Referrer Coverage" on the demo layout's index, in code-server and chromium. The demo has an SBOM on
// the index and on linux/amd64 only (scripts/demoPlatformSbom.ts): the matrix shows linux/arm64/v8 lacking one, the
// column's "Attach to the 1 platform missing it" runs the attach flow with that platform already chosen (its
// questions answered here, the file picked in the workbench's file dialog), and the matrix comes back complete.
// What the page shows is checked against the files on disk. Last, the image attested with a key (the core's
// attestManifest) and that key set in the workspace: the Provenance cells say 1 ✓ (coverage-verified.png). Then an
// end-of-life date in 2020 attached to linux/arm64/v8: its cell says "1 · passed 2020-01-31" (coverage-end-of-life.png).
// Screenshots go to test-results/ (coverage-*.png).
// Run: node --test --test-concurrency=1 test/vscode/ui/coverage.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';
import { nls, openCoverage, openWorkbench, resizeSidebar, sequentialSteps } from './harness.mjs';
import { readLayout, referrersBySubject, REF_NAME } from './layoutOnDisk.mjs';
import { childrenOf, readRows, runFromContextMenu, viewPane } from './layoutsView.mjs';
import { answer, pickOne, waitForQuickInput, waitForQuickInputClosed, waitForTypedPath, acceptTypedPath } from './quickInput.mjs';
import { waitUntil } from './waits.mjs';

const SBOM = 'application/spdx+json';
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// v1 and each platform attested (SLSA provenance) as `cosign attest --key` writes it, by the core's attestManifest with
// a new key; its public key written to cosign.pub. A process of its own, as the signing script's (demoSignatures.ts).
const ATTEST = `
const { generateKeyPairSync } = require('node:crypto');
const { writeFileSync } = require('node:fs');
const { OciLayoutStore } = require('./src/oci/layout');
const { attestManifest } = require('./src/oci/attestations');
const { signKey } = require('./src/oci/signatures');
const [dir, publicFile] = process.argv.slice(1);
(async () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const store = await OciLayoutStore.open(dir);
  const predicate = Buffer.from(JSON.stringify({ builder: { id: 'https://example.com/builder@v1' }, buildType: 'https://example.com/make' }));
  for (const tag of ['v1', 'linux-amd64', 'linux-arm64']) await attestManifest(store, await store.resolve(tag), signKey('cosign.key', pair.privateKey), 'slsaprovenance', predicate, 'registry.example.com/app');
  writeFileSync(publicFile, pair.publicKey.export({ type: 'spki', format: 'pem' }));
})();
`;
// An end-of-life date long passed attached to linux/arm64/v8, as `oras attach --artifact-type ...lifecycle` would.
const END_OF_LIFE = `
const { OciLayoutStore } = require('./src/oci/layout');
const { attach } = require('./src/oci/referrers');
(async () => {
  const store = await OciLayoutStore.open(process.argv[1]);
  await attach(store, { subject: 'linux-arm64', artifactType: 'application/vnd.microsoft.artifact.lifecycle', annotations: { 'vnd.microsoft.artifact.lifecycle.end-of-life.date': '2020-01-31' } });
})();
`;
const SBOM_TEXT = '{"spdxVersion":"SPDX-2.3","name":"demo linux/arm64/v8","packages":[]}\n';

/** The matrix as the page shows it: each row's label and, per kind, the cell's state and text. */
function readMatrix(view) {
  return view.locator('body').evaluate(() => {
    const table = document.querySelector('table.matrix');
    if (!table) return undefined;
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) => ({
      label: tr.getAttribute('data-label'),
      digest: tr.getAttribute('data-digest'),
      cells: Object.fromEntries([...tr.querySelectorAll('td.cell')].map((td) => [td.getAttribute('data-kind'), { state: td.getAttribute('data-state'), text: td.textContent.trim() }])),
    }));
    const summary = document.querySelector('.summary');
    const buttons = [...document.querySelectorAll('button.attach')].map((b) => ({ kind: b.getAttribute('data-kind'), text: b.textContent }));
    return { rows, gaps: summary ? Number(summary.getAttribute('data-gaps')) : undefined, summary: summary?.textContent ?? '', buttons, busy: !!document.querySelector('.busy') };
  });
}

describe('Referrer coverage in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let appDir;
  let view;
  const step = sequentialSteps(() => wb);

  before(async () => {
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
    appDir = wb.workspace.layouts['layouts/app'].path;
    // The demo as `npm start` makes it: an SBOM on linux/amd64 only, beside the index's.
    const { tsImport } = await import('tsx/esm/api');
    const { addPlatformSbom } = await tsImport('../../../scripts/demoPlatformSbom.ts', import.meta.url);
    await addPlatformSbom(appDir);
  });

  after(async () => {
    await wb?.close();
  });

  step('opens the matrix from the index tag in the Layouts view', async () => {
    const page = wb.page;
    view = await openCoverage(page, 'app', 'v1');
    await view.locator('table.matrix tbody tr').nth(2).waitFor();
  });

  step('shows the index and each platform by kind: linux/arm64/v8 lacks the SBOM the others carry', async () => {
    const layout = await readLayout(appDir);
    const digest = (tag) => layout.tags.get(tag).digest;
    const onDisk = await referrersBySubject(layout);
    assert.deepEqual(['v1', 'linux-amd64', 'linux-arm64'].map((t) => onDisk[digest(t)] ?? []), [[SBOM], [SBOM], []], 'the demo on disk');
    const m = await waitUntil(() => readMatrix(view), (x) => x && !x.busy && x.gaps !== undefined, { what: 'the matrix' });
    assert.deepEqual(
      m.rows.map((r) => ({ label: r.label, digest: r.digest, sbom: r.cells.sbom })),
      [
        { label: 'index', digest: digest('v1'), sbom: { state: 'present', text: '1' } },
        { label: 'linux/amd64', digest: digest('linux-amd64'), sbom: { state: 'present', text: '1' } },
        { label: 'linux/arm64/v8', digest: digest('linux-arm64'), sbom: { state: 'gap', text: '✗ missing' } },
      ],
    );
    // No manifest is signed: not a gap, each platform's cell says none (and the column offers to attach to both).
    assert.deepEqual(m.rows.map((r) => r.cells.signature.state), ['index', 'none', 'none']);
    assert.equal(m.gaps, 1);
    assert.match(m.summary, /1 gap/);
    assert.deepEqual(m.buttons.find((b) => b.kind === 'sbom'), { kind: 'sbom', text: 'Attach to the 1 platform missing it' });
    assert.deepEqual(m.buttons.find((b) => b.kind === 'signature'), { kind: 'signature', text: 'Attach to the 2 platforms missing it' });
    await resizeSidebar(wb.page, 240); // room for every column of the matrix
    await wb.screenshot('coverage-gap', view.locator('#root')); // the README's docs/images/coverage-matrix.png
  });

  step('"Attach to the 1 platform missing it" attaches an SBOM to linux/arm64/v8 through the attach flow', async () => {
    const page = wb.page;
    const file = join(wb.workspace.folder, 'sbom-arm64.spdx.json');
    writeFileSync(file, SBOM_TEXT);
    await view.locator('button.attach[data-kind="sbom"]').click();
    // The attach flow asks what to attach, never where: the platform is chosen already.
    await pickOne(page, SBOM);
    await pickOne(page, (l) => l.includes('Choose files'));
    // The workbench's own file dialog (a quick input over the folders): type the file's path, press Enter.
    // It opens on the workspace folder: type the file's name after it, as a user does, and press Enter.
    await waitForQuickInput(page, (s) => s.visible && s.value === `${wb.workspace.folder}/` && s.rows.some((r) => r.label === basename(file)), 'the file dialog on the workspace folder');
    const box = page.locator('.quick-input-widget .quick-input-box input');
    await box.press('End');
    await box.pressSequentially(basename(file));
    await waitForTypedPath(page, file);
    await acceptTypedPath(page);
    const annotations = await answer(page, ''); // no annotations
    assert.doesNotMatch(annotations.title, /platform/i, 'the last question is about annotations');
    await waitForQuickInputClosed(page, 'the attach flow to take its last answer');

    // On disk: one new SBOM artifact, its subject linux/arm64/v8, its layer the file's bytes.
    const read = async () => {
      const l = await readLayout(appDir);
      return { layout: l, referrers: await referrersBySubject(l) };
    };
    const { layout } = await waitUntil(read, (x) => x.referrers[x.layout.tags.get('linux-arm64').digest]?.length === 1, { what: 'the SBOM on linux/arm64/v8 in index.json' });
    const arm64 = layout.tags.get('linux-arm64').digest;
    const entries = layout.entries.filter((e) => !e.annotations?.[REF_NAME]);
    const manifests = await Promise.all(entries.map((e) => layout.json(e.digest)));
    const made = manifests.find((x) => x.subject?.digest === arm64);
    assert.equal(made.artifactType, SBOM);
    assert.equal((await layout.blob(made.layers[0].digest)).toString('utf8'), SBOM_TEXT);
  });

  step('the matrix reads the layout again and is complete', async () => {
    const m = await waitUntil(() => readMatrix(view), (x) => x && !x.busy && x.gaps === 0, { what: 'the matrix without gaps' });
    assert.deepEqual(
      m.rows.map((r) => r.cells.sbom),
      [
        { state: 'present', text: '1' },
        { state: 'present', text: '1' },
        { state: 'present', text: '1' },
      ],
    );
    assert.match(m.summary, /Complete/);
    assert.equal(m.buttons.find((b) => b.kind === 'sbom'), undefined, 'no SBOM is missing: no button');
    await wb.screenshot('coverage-complete', view.locator('#root'));
    await wb.screenshot('coverage-workbench');
  });

  step('a count opens the referrer it counts: the new SBOM manifest of linux/arm64/v8', async () => {
    const page = wb.page;
    const layout = await readLayout(appDir);
    const arm64 = layout.tags.get('linux-arm64').digest;
    await view.locator(`tr[data-digest="${arm64}"] td.cell[data-kind="sbom"] button.count`).click();
    // The artifact's manifest, read-only, in a text editor beside the page: its type and its subject.
    const text = await waitUntil(
      () => page.locator('.part.editor .monaco-editor .view-lines').last().innerText(),
      (t) => t.includes(SBOM) && t.includes(arm64.slice(7)),
      { what: 'the SBOM manifest in an editor' },
    );
    assert.match(text, /"subject"/);
  });

  step('"Show Referrers Tree" fills the Referrers view: the image, its platforms, what each carries; a click opens it', async () => {
    const page = wb.page;
    await runFromContextMenu(page, 'v1', 2, nls['command.showReferrersTree.title']);
    const pane = viewPane(page, 'Referrers');
    const rows = await waitUntil(
      () => readRows(page, pane),
      (r) => ['linux/amd64', 'linux/arm64/v8'].every((p) => r.some((x) => x.level === 2 && x.label === p)) && r.filter((x) => x.level === 3).length >= 2,
      { what: 'the platforms and their referrers in the Referrers view' },
    );
    const layout = await readLayout(appDir);
    // One row on top, the image, and its platforms' SBOMs under each of them.
    assert.equal(rows.filter((r) => r.level === 1).length, 1);
    for (const platform of ['linux/amd64', 'linux/arm64/v8']) {
      const under = childrenOf(rows, { label: platform, level: 2 });
      assert.ok(under.some((r) => /spdx|SBOM/i.test(`${r.label} ${r.description}`)), `${platform}: ${under.map((r) => r.label).join(', ')}`);
    }
    await wb.screenshot('referrers-view', page.locator('.part.sidebar'));
    // A click on the arm64 SBOM row opens its manifest: its subject is linux/arm64/v8.
    const arm64 = layout.tags.get('linux-arm64').digest;
    const sbomRow = pane.locator('.monaco-list-row[aria-level="3"]').filter({ hasText: /spdx|SBOM/i }).last();
    await sbomRow.click();
    const text = await waitUntil(
      () => page.locator('.part.editor .monaco-editor .view-lines').last().innerText(),
      (t) => t.includes(SBOM) && t.includes(arm64.slice(7, 19)),
      { what: "the arm64 SBOM's manifest in an editor" },
    );
    assert.match(text, /"subject"/);
    await wb.screenshot('referrers-view-open', page.locator('.monaco-workbench'));
  });

  step('attested with a key set in the workspace: the provenance cells say 1 ✓ verified by cosign.pub, the SBOMs nothing to verify', async () => {
    const page = wb.page;
    execFileSync(process.execPath, ['--import', 'tsx', '-e', ATTEST, appDir, join(wb.workspace.folder, 'cosign.pub')], { cwd: projectRoot, stdio: 'inherit' });
    const settings = join(wb.workspace.folder, '.vscode', 'settings.json');
    mkdirSync(dirname(settings), { recursive: true });
    const had = existsSync(settings) ? JSON.parse(readFileSync(settings, 'utf8')) : {};
    writeFileSync(settings, JSON.stringify({ ...had, 'manifold.signatureKeys': ['cosign.pub'] }, null, 2));
    view = await openCoverage(page, 'app', 'v1');
    const cells = (kind) =>
      view.locator('table.matrix tbody tr').evaluateAll(
        (rows, k) =>
          rows.map((tr) => {
            const td = tr.querySelector(`td.cell[data-kind="${k}"]`);
            return { label: tr.getAttribute('data-label'), text: td.textContent.replace(/\s+/g, ' ').trim(), title: td.getAttribute('title'), verified: td.getAttribute('data-verified') };
          }),
        kind,
      );
    const provenance = await waitUntil(() => cells('provenance'), (c) => c.length === 3 && c.every((x) => x.verified !== null), { what: 'the provenance cells verified' });
    assert.deepEqual(provenance.map((c) => [c.label, c.text, c.verified]), [
      ['index', '1 ✓', 'true'],
      ['linux/amd64', '1 ✓', 'true'],
      ['linux/arm64/v8', '1 ✓', 'true'],
    ]);
    assert.match(provenance[1].title, /^1 Provenance attached to linux\/amd64, verified by cosign\.pub: open it$/);
    // The SBOMs are plain referrers (oras attach): counted, with nothing cosign can verify, and said so.
    const sbom = await cells('sbom');
    assert.deepEqual(sbom.map((c) => [c.text, c.verified]), [['1', null], ['1', null], ['1', null]]);
    assert.match(sbom[1].title, /no cosign attestation here: nothing to verify with the keys or identities set/);
    assert.equal(await view.locator('.banner.unverified').count(), 0, 'everything there verifies');
    await wb.screenshot('coverage-verified', view.locator('#root'));
  });

  step('an end of life passed on linux/arm64/v8: its cell says so in words, its title gives the date, a banner names it', async () => {
    execFileSync(process.execPath, ['--import', 'tsx', '-e', END_OF_LIFE, appDir], { cwd: projectRoot, stdio: 'inherit' });
    // The page follows index.json.
    const eol = () =>
      view.locator('table.matrix tbody tr').evaluateAll((rows) =>
        rows.map((tr) => {
          const td = tr.querySelector('td.cell[data-kind="end-of-life"]');
          return { label: tr.getAttribute('data-label'), text: td.textContent.replace(/\s+/g, ' ').trim(), title: td.getAttribute('title'), eol: td.getAttribute('data-eol') };
        }),
      );
    const cells = await waitUntil(eol, (c) => c.some((x) => x.eol === 'passed'), { what: 'the end-of-life cell of linux/arm64/v8 read again' });
    const arm64 = cells.find((c) => c.label === 'linux/arm64/v8');
    assert.deepEqual([arm64.text, arm64.eol], ['1 · passed 2020-01-31', 'passed']);
    assert.match(arm64.title, /^1 End of life attached to linux\/arm64\/v8.*\nEnd of life 2020-01-31: passed$/s);
    assert.match(await view.locator('.banner.eol-passed').textContent(), /End of life passed: linux\/arm64\/v8 \(2020-01-31\)\./);
    await wb.screenshot('coverage-end-of-life', view.locator('#root'));
  });
});
