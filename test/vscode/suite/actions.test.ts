import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { generateDemoLayout } from '../../../scripts/demoLayout';
import type { Descriptor } from '../../../src/oci/descriptor';
import type { CoverageModel } from '../../../src/shared/coverageProtocol';
import { digestOf } from '../../../src/oci/digest';
import { isFallbackTag, OciLayoutStore } from '../../../src/oci/layout';
import { startOciServer, type OciServer } from '../../integration/support/ociServer';
import { EOL_KEY, row, rows, useFixtures, type Fixtures } from './layoutFixtures';

/**
 * The actions of registry items and of the layout node, each run on the node the view shows (the second argument
 * answers what the command would ask), against a layout on disk and an in-memory registry, read back from both.
 */
describe('Actions on registry items and layout nodes', () => {
  let f: Fixtures;
  let server: OciServer;
  let dir: string;
  let store: OciLayoutStore;
  const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);
  const layoutNode = async () => {
    const node = await f.services.tree.findLayout(dir);
    assert.ok(node, `no layout node for ${dir}`);
    return node;
  };
  const registryRows = (node?: unknown) => rows(f, node, f.services.registriesTree as never);
  const registryRow = (parent: unknown, label: string | RegExp) => row(f, parent, label, f.services.registriesTree as never);
  /** A tag row of a repository of the test registry, read afresh (the view is refreshed after each change). */
  const remoteTag = async (repository: string, tag: string) => {
    const registry = await registryRow(undefined, server.host);
    return registryRow((await registryRow(registry.node, repository)).node, tag);
  };
  const manifestJson = (repository: string, digest: string) => {
    const m = server.repo(repository).manifests.get(digest);
    assert.ok(m, `${repository} has no manifest ${digest}`);
    return JSON.parse(m.bytes.toString('utf8')) as { annotations?: Record<string, string>; subject?: { digest: string }; manifests?: Descriptor[] };
  };
  const referrersOn = (repository: string, subject: string) => [...server.repo(repository).manifests.entries()].filter(([, m]) => JSON.parse(m.bytes.toString('utf8')).subject?.digest === subject).map(([d]) => d);

  before(async () => {
    f = await useFixtures();
    server = await startOciServer();
    assert.equal(await run('manifold.addRegistry', { registry: server.host, plainHttp: true }), server.host);
    dir = join(f.workspace, 'layouts', 'actions');
    mkdirSync(dir, { recursive: true });
    await generateDemoLayout(dir);
    store = await OciLayoutStore.open(dir);
    await run('manifold.refresh');
  });

  after(async () => {
    await run('manifold.removeRegistry', { registry: server.host });
    await server.stop();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Copy to Registry on the layout node copies every tag with its referrers, and says how many', async () => {
    const result = await run<{ to: string; tags: { tag: string; digest: string }[]; referrers: number; message: string }>('manifold.copyLayoutToRegistry', await layoutNode(), {
      to: `${server.host}/demo/app`,
    });
    assert.ok(result, 'copyLayoutToRegistry returned nothing (see the Manifold log)');
    const repo = server.repo('demo/app');
    const tags = (await store.entries()).map((e) => e.annotations?.['org.opencontainers.image.ref.name']).filter((t): t is string => t !== undefined && !isFallbackTag(t)).sort();
    assert.deepEqual(result.tags.map((t) => t.tag), tags);
    for (const t of tags) assert.equal(repo.tags.get(t), (await store.resolve(t)).digest, t);
    // Every referrer of the layout is on the registry, bytes and digest alike.
    const expected = new Set<string>();
    for (const t of tags) for await (const r of store.referrers(await store.resolve(t))) expected.add(r.digest);
    const v1 = await store.resolve('v1');
    for (const c of manifestJson('demo/app', v1.digest).manifests ?? []) for await (const r of store.referrers(c)) expected.add(r.digest);
    assert.ok(expected.size > 0, 'the demo layout has referrers');
    for (const d of expected) assert.equal(digestOf(repo.manifests.get(d)?.bytes ?? Buffer.alloc(0)), d);
    assert.equal(result.referrers, expected.size);
    assert.equal(result.message.split(' (')[0], `Copied ${tags.join(', ')} and ${expected.size === 1 ? '1 referrer' : `${expected.size} referrers`} to ${server.host}/demo/app`);
    // The repository joined the Registries view.
    assert.equal((await remoteTag('demo/app', 'v1')).contextValue, 'manifold:tag+index+remote');
  });

  it('Tag… on a registry tag adds a tag; over one that names something else, it moves once confirmed', async () => {
    const v1 = await remoteTag('demo/app', 'v1');
    const index = (await store.resolve('v1')).digest;
    const tagged = await run<{ digest: string; tags: string[] }>('manifold.tag', v1.node, { tags: ['stable'] });
    assert.equal(tagged?.digest, index);
    assert.equal(server.repo('demo/app').tags.get('stable'), index);
    const arm = await remoteTag('demo/app', 'linux-arm64');
    const moved = await run<{ digest: string; moved: { tag: string; from: string; remote?: boolean }[] }>('manifold.tag', arm.node, { tags: ['stable'], confirmed: true });
    assert.deepEqual(moved?.moved.map((m) => [m.tag, m.from, m.remote]), [['stable', index, true]]);
    assert.equal(server.repo('demo/app').tags.get('stable'), (await store.resolve('linux-arm64')).digest);
    assert.equal(server.repo('demo/app').tags.get('v1'), index, 'v1 still names the index');
  });

  it('Update Index on a registry index writes the new index there, moves its tag and copies its describing referrers', async () => {
    const v1 = await remoteTag('demo/app', 'v1');
    const before = (await store.resolve('v1')).digest;
    const result = await run<{ digest: string; changed: boolean; carried: unknown[] }>('manifold.updateIndex', v1.node, { annotations: ['stage=beta'], referrers: 'copy' });
    assert.ok(result?.changed, 'updateIndex returned nothing or no change (see the Manifold log)');
    assert.notEqual(result.digest, before);
    assert.equal(server.repo('demo/app').tags.get('v1'), result.digest);
    const updated = manifestJson('demo/app', result.digest);
    assert.equal(updated.annotations?.stage, 'beta');
    assert.deepEqual(updated.manifests?.map((m) => m.digest), manifestJson('demo/app', before).manifests?.map((m) => m.digest));
    assert.ok(result.carried.length >= 1, 'the SBOM of v1 is copied');
    assert.equal(result.carried.length, referrersOn('demo/app', before).length);
    assert.equal(referrersOn('demo/app', result.digest).length, result.carried.length);
  });

  it('Edit Index Annotations on a registry index removes an annotation: the index it names is written there', async () => {
    const v1 = await remoteTag('demo/app', 'v1');
    const before = server.repo('demo/app').tags.get('v1')!;
    const result = await run<{ digest: string; changed: boolean }>('manifold.annotate', v1.node, { annotations: ['stage-'], referrers: 'leave' });
    assert.ok(result?.changed, 'annotate returned nothing or no change (see the Manifold log)');
    assert.equal(server.repo('demo/app').tags.get('v1'), result.digest);
    assert.equal(manifestJson('demo/app', result.digest).annotations?.stage, undefined);
    assert.equal(manifestJson('demo/app', before).annotations?.stage, 'beta', 'the old index stays, by digest');
    // Without `stage`, the index is byte for byte the one the layout copied: the same digest, its SBOM still on it.
    assert.equal(result.digest, (await store.resolve('v1')).digest);
    assert.equal(referrersOn('demo/app', result.digest).length, 1);
  });

  it('Attach… on a registry tag pushes an artifact whose subject is that manifest', async () => {
    const v1 = await remoteTag('demo/app', 'v1');
    const digest = server.repo('demo/app').tags.get('v1')!;
    const result = await run<{ artifacts: { digest: string; subject: string }[] }>('manifold.attach', v1.node, {
      artifactType: 'application/vnd.microsoft.artifact.lifecycle',
      annotations: { [EOL_KEY]: '2027-01-01T00:00:00Z' },
    });
    assert.equal(result?.artifacts.length, 1);
    const artifact = manifestJson('demo/app', result.artifacts[0]!.digest);
    assert.equal(artifact.subject?.digest, digest);
    assert.equal(artifact.annotations?.[EOL_KEY], '2027-01-01T00:00:00Z');
    assert.ok(referrersOn('demo/app', digest).includes(result.artifacts[0]!.digest));
  });

  it('Show Referrer Coverage on a registry tag shows the matrix of the index on the registry, with what was attached', async () => {
    const v1 = await remoteTag('demo/app', 'v1');
    const model = await run<CoverageModel>('manifold.showCoverage', v1.node);
    assert.equal(model?.digest, server.repo('demo/app').tags.get('v1'));
    assert.deepEqual(model.rows.map((r) => r.label), ['index', 'linux/amd64', 'linux/arm64/v8']);
    // The same index in the layout it was copied from: the same SBOM gaps (its referrers came along).
    const local = await run<typeof model>('manifold.showCoverage', { layout: dir, reference: 'v1' });
    assert.equal(local?.digest, model.digest);
    assert.deepEqual(model.columns.find((c) => c.id === 'sbom')?.missing, local.columns.find((c) => c.id === 'sbom')?.missing);
    // The end-of-life note attached on the registry is counted on its index row there only.
    const eolOfIndex = (m: typeof model) => m.rows.find((r) => r.index)?.cells.find((c) => c.kind === 'end-of-life')?.count;
    assert.equal(eolOfIndex(model), (eolOfIndex(local) ?? 0) + 1);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Copy to Registry on a registry tag copies it with its referrers to another repository', async () => {
    const v1 = await remoteTag('demo/app', 'v1');
    const digest = server.repo('demo/app').tags.get('v1')!;
    const result = await run<{ to: string; digest: string; message: string }>('manifold.copyToRegistry', v1.node, { to: `${server.host}/mirror/app:v1`, platforms: [] });
    assert.equal(result?.digest, digest);
    const mirror = server.repo('mirror/app');
    assert.equal(mirror.tags.get('v1'), digest);
    const referrers = referrersOn('demo/app', digest);
    assert.ok(referrers.length >= 2, 'the carried SBOM and the attached end-of-life');
    for (const r of referrers) assert.ok(mirror.manifests.has(r), r);
    assert.match(result.message, new RegExp(`^Copied v1 and ${referrers.length} referrers to ${server.host.replace(/\./g, '\\.')}/mirror/app:v1 \\(`));
  });

  it('Pull into Layout on a registry platform row pulls that manifest into a layout', async () => {
    const v1 = await remoteTag('mirror/app', 'v1');
    const child = (await registryRows(v1.node)).find((r) => r.label === 'linux/amd64');
    assert.ok(child, 'no linux/amd64 row under v1');
    assert.equal(child.contextValue, 'manifold:manifest+image+child+remote');
    const result = await run<{ digest: string }>('manifold.pullToLayout', child.node, { layout: dir, tags: ['pulled-amd64'] });
    assert.equal((await store.resolve('pulled-amd64')).digest, result?.digest);
    assert.equal(result?.digest, (await store.resolve('linux-amd64')).digest);
  });

  it('Delete… on a registry tag deletes the manifest and every tag naming it there', async () => {
    const stable = await remoteTag('demo/app', 'stable');
    const digest = server.repo('demo/app').tags.get('stable')!;
    const result = await run<{ digest: string; deleted: string[] }>('manifold.delete', stable.node, { confirmed: true });
    assert.deepEqual(result?.deleted, [digest]);
    const repo = server.repo('demo/app');
    assert.equal(repo.manifests.has(digest), false);
    assert.equal(repo.tags.has('stable'), false);
    assert.equal(repo.tags.has('linux-arm64'), false, 'the other tag naming it goes too');
    assert.deepEqual((await registryRows((await registryRow((await registryRow(undefined, server.host)).node, 'demo/app')).node)).map((r) => r.label), ['linux-amd64', 'v1']);
  });

  it('Pull into This Layout on the layout node, and on its folder in the Explorer, pulls a registry tag', async () => {
    const mirrored = server.repo('mirror/app').tags.get('v1')!;
    const fromNode = await run<{ digest: string; layout: string }>('manifold.pullIntoLayout', await layoutNode(), { from: `${server.host}/mirror/app:v1`, tags: ['mirrored'], platforms: [] });
    assert.equal(fromNode?.layout, dir);
    assert.match((fromNode as unknown as { message: string }).message, / with [2-9] referrers\.$/);
    assert.equal((await store.resolve('mirrored')).digest, mirrored);
    const fromExplorer = await run<{ digest: string }>('manifold.pullIntoLayout', vscode.Uri.file(dir), { from: `${server.host}/demo/app:linux-amd64`, tags: ['from-explorer'] });
    assert.equal((await store.resolve('from-explorer')).digest, fromExplorer?.digest);
    assert.equal(fromExplorer?.digest, server.repo('demo/app').tags.get('linux-amd64'));
    const tags = (await rows(f, await layoutNode())).map((r) => r.label);
    assert.ok(tags.includes('mirrored') && tags.includes('from-explorer'), tags.join(', '));
  });

  it('Open index.json in Index Editor on the layout node, and Open in Index Editor on an index.json URI, open the index editor', async () => {
    const activeCustom = () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      assert.ok(input instanceof vscode.TabInputCustom, 'the active tab is not a custom editor');
      return input;
    };
    const uri = await run<string>('manifold.openLayoutIndex', await layoutNode());
    assert.equal(vscode.Uri.parse(uri!).fsPath, join(dir, 'index.json'));
    assert.equal(activeCustom().viewType, 'manifold.indexEditor');
    assert.equal(activeCustom().uri.fsPath, join(dir, 'index.json'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await run('manifold.openInIndexEditor', vscode.Uri.file(join(f.demo, 'index.json')));
    assert.equal(activeCustom().viewType, 'manifold.indexEditor');
    assert.equal(activeCustom().uri.fsPath, join(f.demo, 'index.json'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Reveal in Explorer on the layout node reveals a workspace layout in the Explorer view', async () => {
    assert.equal(await run('manifold.revealLayout', await layoutNode()), 'explorer');
  });
});
