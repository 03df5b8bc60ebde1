import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { out } from './report';
import { generateLayout } from '../../../bench/generateLayout';
import { OciLayoutStore } from '../../../src/oci/layout';
import { EOL_KEY, eventually, row, rows, tooltipOf, useFixtures, type Fixtures } from './layoutFixtures';

describe('Layouts view', () => {
  let f: Fixtures;
  before(async () => {
    f = await useFixtures();
  });

  it('lists every layout of the workspace', async () => {
    const roots = await rows(f);
    const demo = roots.find((r) => r.label === 'demo');
    assert.ok(demo, `roots: ${roots.map((r) => r.label).join(', ')}`);
    assert.equal(demo.description, 'layouts');
    assert.equal(demo.contextValue, 'manifold:layout');
    assert.ok(roots.some((r) => r.label === 'broken'));
  });

  it('shows each tag with its short digest and platforms, an icon by kind', async () => {
    const demo = await row(f, undefined, 'demo');
    const tags = await rows(f, demo.node);
    assert.deepEqual(tags.map((t) => t.label), ['linux-amd64', 'linux-arm64', 'linux-armv7', 'v1', 'Untagged']);
    const v1 = tags.find((t) => t.label === 'v1')!;
    assert.match(v1.description, /^[a-f0-9]{12} · multi-arch \(linux\/amd64, linux\/arm64\/v8\)$/);
    assert.equal(v1.contextValue, 'manifold:tag+index');
    assert.equal(v1.icon, 'layers');
    assert.match(await tooltipOf(f, v1), /application\/vnd\.oci\.image\.index\.v1\+json/);
    const arm = tags.find((t) => t.label === 'linux-armv7')!;
    assert.match(arm.description, / · linux\/arm\/v7$/);
    assert.equal(arm.contextValue, 'manifold:tag+image');
    assert.equal(arm.icon, 'package');
  });

  it('expands an index to its platform manifests and referrers', async () => {
    const demo = await row(f, undefined, 'demo');
    const v1 = await row(f, demo.node, 'v1');
    const children = await rows(f, v1.node);
    assert.deepEqual(children.map((c) => c.label), ['linux/amd64', 'linux/arm64/v8', 'SBOM · created=2026-01-01T00:00:00Z']);
    assert.match(children[2]!.description, /^[0-9a-f]{12} · application\/spdx\+json$/);
    assert.equal(children[0]!.contextValue, 'manifold:manifest+image+child');
    assert.equal(children[2]!.contextValue, 'manifold:manifest+artifact+referrer');
  });

  it('expands an image to its config, layers and referrers, with annotations in the label', async () => {
    const demo = await row(f, undefined, 'demo');
    const v1 = await row(f, demo.node, 'v1');
    const amd64 = await row(f, v1.node, 'linux/amd64');
    const children = await rows(f, amd64.node);
    assert.deepEqual(children.map((c) => c.label), ['config', 'layer 1', 'end-of-life=2099-06-30T00:00:00Z']);
    assert.match(children[2]!.description, /^[0-9a-f]{12} · application\/vnd\.microsoft\.artifact\.lifecycle$/);
    assert.match(children[0]!.description, /^image\.config\.v1\+json · \d+ B$/);
    assert.equal(children[0]!.contextValue, 'manifold:blob+config');
    assert.equal(children[1]!.contextValue, 'manifold:blob+layer');
    // Referrers expand too: the SBOM is a manifest with a layer of its own.
    const sbom = await row(f, v1.node, /^SBOM · /);
    const sbomChildren = await rows(f, sbom.node);
    assert.deepEqual(sbomChildren.map((c) => c.label), ['config', 'sbom.spdx.json']);
  });

  it('keeps untagged manifests under a collapsed Untagged node', async () => {
    const demo = await row(f, undefined, 'demo');
    const untagged = await row(f, demo.node, 'Untagged');
    assert.equal(untagged.description, '2');
    const entries = await rows(f, untagged.node);
    assert.deepEqual(entries.map((e) => e.contextValue), ['manifold:manifest+artifact+untagged', 'manifold:manifest+artifact+untagged']);
    assert.deepEqual(entries.map((e) => e.description.split(' · ')[0]).sort(), ['application/spdx+json', 'application/vnd.microsoft.artifact.lifecycle']);
    assert.ok(entries.some((e) => e.description.includes(`end-of-life=2099-06-30T00:00:00Z`)), EOL_KEY);
  });

  it('shows an unreadable layout as an error item, not a pop-up', async () => {
    const broken = await row(f, undefined, 'broken');
    const children = await rows(f, broken.node);
    assert.equal(children.length, 1);
    assert.equal(children[0]!.contextValue, 'manifold:error');
    assert.equal(children[0]!.label, 'index.json is not JSON at line 1, column 36: value expected, unexpected end of input');
  });

  it('refreshes by itself when index.json changes on disk', async () => {
    await vscode.commands.executeCommand('manifold.layouts.focus');
    const demo = await row(f, undefined, 'demo');
    await rows(f, demo.node); // loaded once, so the next read is the refreshed one
    const store = await OciLayoutStore.open(f.demo);
    await store.tag(await store.resolve('linux-arm64'), 'from-outside');
    await eventually(async () => {
      const tags = await rows(f, (await row(f, undefined, 'demo')).node);
      assert.ok(tags.some((t) => t.label === 'from-outside'), tags.map((t) => t.label).join(', '));
    });
    await store.untag('from-outside');
  });

  it('the view is a TreeView with an id per row', async () => {
    assert.equal(f.services.treeView.visible !== undefined, true);
    const demo = await row(f, undefined, 'demo');
    const item = f.services.tree.getTreeItem(demo.node as never);
    assert.equal(item.id, `layout:${f.demo}`);
    await vscode.commands.executeCommand('manifold.layouts.focus');
  });

  it('expands a layout of 10,000 tags, platforms following', async function () {
    this.timeout(180_000);
    const dir = join(f.workspace, 'layouts', 'big');
    generateLayout(dir, 1000, 8);
    try {
      await vscode.commands.executeCommand('manifold.refresh');
      const big = await row(f, undefined, 'big');
      const started = Date.now();
      const tags = await rows(f, big.node);
      const elapsed = Date.now() - started;
      assert.equal(tags.length, 9000 + 1000);
      // The speed target (under a second) is a figure to watch, not an assertion: timing varies with the machine.
      out(`      expanding 10,000 tags took ${elapsed} ms`);
      await eventually(async () => {
        const again = await rows(f, big.node);
        assert.ok(again.every((t) => / · (multi-arch|linux\/)/.test(t.description)), 'some tags still have no platform');
      }, 60_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await vscode.commands.executeCommand('manifold.refresh');
    }
  });
});
