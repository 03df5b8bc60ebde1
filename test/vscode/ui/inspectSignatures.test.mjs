// UI test: "Inspect Signatures" from a tag's context menu, in code-server and chromium. The demo's v1 (its index)
// carries a cosign classic signature and linux/amd64 a Sigstore bundle, both made with a key by the core's sign
// functions; linux/arm64/v8 none. The user right-clicks v1, picks Inspect Signatures, and reads in the editor the tree
// `manifold inspect -r` prints: each signature's lines under its manifest, then its attestations (here none), the
// unsigned platform said to have none.
// Nothing is asked: no key, no trust. Screenshot: test-results/inspect-signatures.png (the README's
// docs/images/inspect-signatures.png).
// Run: node --test --test-concurrency=1 test/vscode/ui/inspectSignatures.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';
import { nls, openWorkbench, resizeSidebar, sequentialSteps } from './harness.mjs';
import { openManifoldView, runFromContextMenu, showTag } from './layoutsView.mjs';
import { waitUntil } from './waits.mjs';

const IDENTITY = 'registry.example.com/app:v1';
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// v1 signed as cosign signs with a key (a .sig tag), linux-amd64 as cosign 3 does (a Sigstore bundle referrer).
const SIGN = `
const { generateKeyPairSync } = require('node:crypto');
const { OciLayoutStore } = require('./src/oci/layout');
const { signKey, signManifest, signManifestBundle } = require('./src/oci/signatures');
const [dir, identity] = process.argv.slice(1);
(async () => {
  const key = signKey('cosign.key', generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
  const store = await OciLayoutStore.open(dir);
  await signManifest(store, await store.resolve('v1'), key, identity);
  await signManifestBundle(store, await store.resolve('linux-amd64'), key);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
`;

describe('Inspect Signatures in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let appDir;
  const step = sequentialSteps(() => wb);

  before(async () => {
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
    appDir = wb.workspace.layouts['layouts/app'].path;
    execFileSync(process.execPath, ['--import', 'tsx', '-e', SIGN, appDir, IDENTITY], { cwd: projectRoot, stdio: 'inherit' });
  });

  after(async () => {
    await wb?.close();
  });

  step("right-click v1, Inspect Signatures: the editor shows each signature's lines under its manifest", async () => {
    const page = wb.page;
    await openManifoldView(page);
    await resizeSidebar(page, 300); // the editor gets the width for the tree's long lines
    await showTag(page, 'app', 'v1');
    await runFromContextMenu(page, 'v1', 2, nls['command.inspectSignatures.title']);
    await page.locator('.part.editor .tab.active', { hasText: 'v1.signatures.txt' }).waitFor();
    const editor = page.locator('.part.editor .monaco-editor').last();
    const text = await waitUntil(
      async () => (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' '),
      (t) => t.includes('no signatures found'),
      { what: 'the signatures tree in an editor' },
    );
    const lines = text.split('\n');
    const at = (re) => lines.findIndex((l) => re.test(l));
    const index = at(new RegExp(`^index ${appDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}@sha256:[0-9a-f]{64}: 1 signature \\(claims as they read: nothing verified\\)$`));
    const amd64 = at(/^linux\/amd64 .*: 1 signature \(claims as they read: nothing verified\)$/);
    const arm64 = at(/^linux\/arm64\/v8 .*: no signatures found$/);
    assert.ok(index >= 0 && index < amd64 && amd64 < arm64, text);
    const ofIndex = lines.slice(index, amd64).join('\n');
    assert.match(ofIndex, /├── cosign signature \(simplesigning\) sha256:[0-9a-f]{64} layers\[0\]/);
    assert.ok(ofIndex.includes(`docker-reference: ${IDENTITY}`), ofIndex);
    assert.ok(ofIndex.includes('no certificate (key-signed)'), ofIndex);
    const ofAmd64 = lines.slice(amd64, arm64).join('\n');
    assert.match(ofAmd64, /├── Sigstore bundle sha256:[0-9a-f]{64} layers\[0\]/);
    assert.match(ofAmd64, /└── no attestations/); // each manifest's last branch: its attestations, here none
    assert.ok(ofAmd64.includes('content: DSSE envelope'), ofAmd64);
    assert.ok(ofAmd64.includes('no certificate (key-signed, key hint '), ofAmd64);
    await wb.screenshot('inspect-signatures'); // the README's docs/images/inspect-signatures.png
  });
});
