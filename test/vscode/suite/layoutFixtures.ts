// Layouts the Manifold host tests browse and change, generated into the test workspace on first use, and
// helpers to read the Layouts tree the way the view gets it (the extension's own TreeDataProvider).
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { generateDemoLayout } from '../../../scripts/demoLayout';
import type { Services } from '../../../src/extension/services';
import type { Descriptor } from '../../../src/oci/descriptor';
import { OciLayoutStore } from '../../../src/oci/layout';
import { makeArtifact, makeImage } from '../../unit/builders';

export const EOL_KEY = 'vnd.microsoft.artifact.lifecycle.end-of-life.date';

export interface Fixtures {
  services: Services;
  workspace: string;
  /** The demo layout (tags linux-amd64, linux-arm64, v1; an SBOM on v1) plus linux-armv7 and an end-of-life on linux-amd64. */
  demo: string;
  /** The same content, for the command tests to change (the tree tests read demo, unchanged). */
  work: string;
  /** A layout whose index.json is not JSON. */
  broken: string;
  index: Descriptor;
  images: Descriptor[];
}

let fixtures: Promise<Fixtures> | undefined;

export function useFixtures(): Promise<Fixtures> {
  fixtures ??= build();
  return fixtures;
}

async function build(): Promise<Fixtures> {
  const ext = vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold');
  assert.ok(ext, 'the Manifold extension is not loaded');
  const { services } = await ext.activate();
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(workspace, 'no workspace folder open');

  const demo = join(workspace, 'layouts', 'demo');
  const work = join(workspace, 'layouts', 'work');
  const { index, images } = await demoLayout(demo);
  await demoLayout(work);

  const broken = join(workspace, 'layouts', 'broken');
  mkdirSync(broken, { recursive: true });
  writeFileSync(join(broken, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(broken, 'index.json'), '{"schemaVersion": 2, "manifests": [');

  await vscode.commands.executeCommand('manifold.refresh');
  return { services, workspace, demo, work, broken, index, images };
}

async function demoLayout(dir: string): Promise<{ index: Descriptor; images: Descriptor[] }> {
  const { index, images } = await generateDemoLayout(dir);
  const store = await OciLayoutStore.open(dir);
  const armv7 = await makeImage(store, { os: 'linux', arch: 'arm', variant: 'v7' });
  await store.tag(armv7, 'linux-armv7');
  await makeArtifact(store, {
    subject: images[0]!,
    artifactType: 'application/vnd.microsoft.artifact.lifecycle',
    annotations: { [EOL_KEY]: '2099-06-30T00:00:00Z' },
  });
  return { index, images };
}

export interface Row {
  node: unknown;
  label: string;
  description: string;
  contextValue: string;
  icon: string;
  collapsible: boolean;
  tooltip: string;
}

type Provider = Pick<vscode.TreeDataProvider<unknown>, 'getTreeItem'> & {
  getChildren(node?: never): Promise<unknown[]>;
  resolveTreeItem(item: vscode.TreeItem, node: never): Promise<vscode.TreeItem>;
};

/** The rows under `node` (the roots when undefined), as the view would render them; the Layouts view unless `tree` is given. */
export async function rows(f: Fixtures, node?: unknown, tree: Provider = f.services.tree as unknown as Provider): Promise<Row[]> {
  const children = await tree.getChildren(node as never);
  return children.map((child) => {
    const item = tree.getTreeItem(child) as vscode.TreeItem;
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const tooltip = typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? '');
    return {
      node: child,
      label,
      description: typeof item.description === 'string' ? item.description : '',
      contextValue: item.contextValue ?? '',
      icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : '',
      collapsible: item.collapsibleState !== vscode.TreeItemCollapsibleState.None,
      tooltip,
    };
  });
}

export async function row(f: Fixtures, parent: unknown, label: string | RegExp, tree?: Provider): Promise<Row> {
  const all = await rows(f, parent, tree);
  const found = all.find((r) => (typeof label === 'string' ? r.label === label : label.test(r.label)));
  assert.ok(found, `no row ${label} among ${all.map((r) => r.label).join(', ')}`);
  return found;
}

/** The tooltip the view shows when the user hovers over a row. */
export async function tooltipOf(f: Fixtures, r: Row, tree: Provider = f.services.tree as unknown as Provider): Promise<string> {
  const item = await tree.resolveTreeItem(tree.getTreeItem(r.node as never) as vscode.TreeItem, r.node as never);
  return typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? '');
}

/** Polls until `check` passes (for what the file watcher does on its own time). */
export async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
