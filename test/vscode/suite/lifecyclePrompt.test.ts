import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { generateDemoLayout } from '../../../scripts/demoLayout';
import type { ImageManifest } from '../../../src/oci/descriptor';
import { OciLayoutStore } from '../../../src/oci/layout';
import { EOL_KEY, useFixtures } from './layoutFixtures';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);

/**
 * Attach Artifact as a user answers it with Enter only: a lifecycle artifact's annotation prompt comes filled in
 * with the end-of-life key and a date a year from today, so accepting it attaches that note.
 */
describe('Attach Artifact: the lifecycle prompt', () => {
  before(() => useFixtures());

  it('offers the end-of-life key and a date a year ahead; Enter attaches exactly that', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifold-lifecycle-prompt-'));
    await generateDemoLayout(dir);
    const store = await OciLayoutStore.open(dir);
    const subject = await store.resolve('linux-amd64');
    // No questions answered in the arguments: the artifact type, the files and the annotations are asked.
    const pending = run<{ artifacts: { digest: string; subject: string }[] }>('manifold.attach', { layout: dir, reference: 'linux-amd64' });
    // (No API says when a pick is open: waited for generously, as the host can be slow.)
    // 1. The artifact type: the lifecycle type is the sixth of the common types.
    await wait(4000);
    for (let i = 0; i < 5; i++) await run('workbench.action.quickOpenSelectNext');
    await run('workbench.action.acceptSelectedQuickOpenItem');
    // 2. Files: "No files: annotations only", the second item.
    await wait(2000);
    await run('workbench.action.quickOpenSelectNext');
    await run('workbench.action.acceptSelectedQuickOpenItem');
    // 3. The first annotation, filled in: accepted as it is; 4. the next one left empty to finish.
    await wait(2000);
    await run('workbench.action.acceptSelectedQuickOpenItem');
    await wait(2000);
    await run('workbench.action.acceptSelectedQuickOpenItem');
    const result = await pending;
    assert.equal(result?.artifacts.length, 1, 'one artifact attached (see the Manifold log)');
    assert.equal(result!.artifacts[0]!.subject, subject.digest);
    const fresh = await OciLayoutStore.open(dir);
    const manifest = JSON.parse((await fresh.fetchBytes(await fresh.resolve(result!.artifacts[0]!.digest))).toString('utf8')) as ImageManifest;
    assert.equal(manifest.artifactType, 'application/vnd.microsoft.artifact.lifecycle');
    const ahead = new Date();
    ahead.setUTCFullYear(ahead.getUTCFullYear() + 1);
    assert.deepEqual(manifest.annotations?.[EOL_KEY], `${ahead.toISOString().slice(0, 10)}T00:00:00Z`);
  });
});
