// UI test: Cancel pressed on Copy to Registry's progress notification, as a user does, while the registry holds the
// copy's requests. The registry is the in-repo one (test/integration/support/ociServer.ts) in this process: it takes
// the first two blob uploads, then holds every request (a stalled registry), so the cancel lands mid-copy every time,
// whatever the machine's speed. The notice must say what reached the registry, and the registry must hold no tag and no
// manifest whose blobs are missing. Screenshots go to test-results/ (copy-cancel-*.png).
// Run: node --test --test-concurrency=1 test/vscode/ui/copyCancel.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { projectRoot } from '../../../scripts/vscode-host/host.mjs';
import { openWorkbench, runFromPalette, sequentialSteps } from './harness.mjs';
import { childrenOf, expand, openManifoldView, runFromContextMenu, waitForRows } from './layoutsView.mjs';
import { answer, pickMany, pickOne, waitForQuickInput, waitForQuickInputClosed } from './quickInput.mjs';
import { waitUntil } from './waits.mjs';

const nls = JSON.parse(readFileSync(join(projectRoot, 'package.nls.json'), 'utf8'));
/** Blob uploads the registry completes before it stalls. */
const TAKEN = 2;

describe('Cancelling a copy in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let server;
  let formatSize;
  let release;
  const stall = new Promise((r) => (release = r));
  const gate = { completed: 0, held: [], lastRequest: 0 };
  const step = sequentialSteps(() => wb);

  before(async () => {
    const { tsImport } = await import('tsx/esm/api');
    ({ formatSize } = await tsImport('../../../src/extension/present/format.ts', import.meta.url));
    const { startOciServer } = await tsImport('../../integration/support/ociServer.ts', import.meta.url);
    server = await startOciServer({
      hold: ({ method, path, query }) => {
        gate.lastRequest = Date.now();
        if (gate.completed >= TAKEN) {
          gate.held.push(`${method} ${path}`);
          return stall;
        }
        // The request that completes a blob upload: the PUT closing an upload session, or a one-request POST.
        if (/\/blobs\/uploads\//.test(path) && (method === 'PUT' || (method === 'POST' && query.has('digest')))) gate.completed++;
        return undefined;
      },
    });
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
  });

  after(async () => {
    release?.();
    await wb?.close();
    await server?.stop();
  });

  step('adds the registry, then starts Copy to Registry of the index v1 to a new repository', async () => {
    const page = wb.page;
    await openManifoldView(page);
    await waitForRows(page, (r) => r.some((x) => x.level === 1 && x.label === 'app'), 'the layout app');
    await runFromPalette(page, `${nls['command.category']}: ${nls['command.addRegistry.title']}`);
    await answer(page, `http://${server.host}`);
    await waitForQuickInputClosed(page, 'Add Registry to take the address');
    await expand(page, 'app', 1);
    await waitForRows(page, (r) => childrenOf(r, { label: 'app', level: 1 }).some((c) => c.label === 'v1'), 'the tag v1');
    await runFromContextMenu(page, 'v1', 2, nls['command.copyToRegistry.title']);
    await pickMany(page, ['linux/amd64', 'linux/arm64/v8']); // all platforms: the index as it is
    await pickOne(page, 'With its referrers');
    const destination = `${server.host}/demo/big:v1`;
    await waitForQuickInput(page, (s) => s.visible && /Pick an added repository/.test(s.placeholder), 'the destination pick');
    await page.locator('.quick-input-widget .quick-input-box input').fill(destination);
    const shown = await pickOne(page, destination);
    assert.equal(shown.rows.find((r) => r.label === destination)?.description, 'new destination');
    await waitForQuickInputClosed(page, 'the destination pick to close');
  });

  step('Cancel on the progress notification stops the copy; the notice says what reached the registry', async () => {
    const page = wb.page;
    const toast = page.locator('.notification-toast', { hasText: 'Copy to Registry' });
    await toast.waitFor();
    // The registry has taken its blobs and holds the rest: wait until the copy has nothing more under way.
    await waitUntil(() => ({ held: gate.held.length, quiet: Date.now() - gate.lastRequest }), (g) => g.held > 0 && g.quiet > 1500, { what: 'the copy to stall on the held requests' });
    await wb.screenshot('copy-cancel-progress', toast);
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
    const notice = page.locator('.notification-toast', { hasText: 'Copy cancelled' });
    await notice.waitFor();
    const text = (await notice.locator('.notification-list-item-message').innerText()).trim();
    await wb.screenshot('copy-cancel-notice', notice);

    const repo = server.repo('demo/big');
    const stored = [...repo.blobs.entries(), ...[...repo.manifests.entries()].map(([d, m]) => [d, m.bytes])];
    assert.equal(stored.length, TAKEN, `the registry took ${TAKEN} blobs before it stalled: ${stored.map(([d]) => d).join(', ')}`);
    const bytes = stored.reduce((n, [, b]) => n + b.length, 0);
    assert.equal(text, `Copy cancelled: ${TAKEN} blobs and manifests (${formatSize(bytes)}) reached ${server.host}/demo/big:v1, but the copy is incomplete and not tagged there.`);
  });

  step('the registry is consistent: no tag, every blob whole, no manifest without its blobs', async () => {
    const repo = server.repo('demo/big');
    assert.deepEqual([...repo.tags.keys()], [], 'nothing is tagged');
    for (const [digest, b] of repo.blobs) assert.equal(`sha256:${createHash('sha256').update(b).digest('hex')}`, digest, 'a blob is whole');
    for (const [digest, m] of repo.manifests) {
      const doc = JSON.parse(m.bytes.toString('utf8'));
      for (const child of doc.manifests ?? []) assert.ok(repo.manifests.has(child.digest), `${digest} lists ${child.digest}, which is there`);
      for (const blob of [doc.config, ...(doc.layers ?? [])].filter(Boolean)) assert.ok(repo.blobs.has(blob.digest), `${digest} needs ${blob.digest}, which is there`);
    }
    // The held requests are the rest of the copy, never answered: nothing more reached the registry after Cancel.
    assert.ok(gate.held.length > 0);
  });
});
