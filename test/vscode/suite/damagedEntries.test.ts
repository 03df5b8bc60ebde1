// A layout whose index.json has one malformed entry (issue 15, item 6): the Layouts view lists the other tags and
// shows the entry as one error row that opens index.json with the entry selected; the Problems panel still runs
// the blob checks of the other entries.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Descriptor } from '../../../src/oci/descriptor';
import { OciLayoutStore } from '../../../src/oci/layout';
import { makeImage } from '../../unit/builders';
import { eventually, row, rows, tooltipOf, useFixtures, type Fixtures } from './layoutFixtures';

const BAD = 'sha256:C0DDF466';

describe('Layouts view: a malformed index.json entry', () => {
  let f: Fixtures;
  let dir: string;
  let file: string;
  let badEntry: string;
  let c: Descriptor;

  before(async () => {
    f = await useFixtures();
    // Tags a, bad (manifests[1], its digest broken by hand) and c, in an indented index.json: the entry is on line 5.
    dir = join(f.workspace, 'layouts', 'damaged');
    const store = await OciLayoutStore.open(dir, { create: true });
    const a = await makeImage(store, { os: 'linux', arch: 'amd64' });
    const bad = await makeImage(store, { os: 'linux', arch: 'arm', variant: 'v7' });
    c = await makeImage(store, { os: 'linux', arch: 'arm64' });
    const entry = (d: Descriptor, tag: string, digest = d.digest, size = d.size) => JSON.stringify({ mediaType: d.mediaType, digest, size, annotations: { 'org.opencontainers.image.ref.name': tag } });
    badEntry = entry(bad, 'bad', BAD);
    // c is listed one byte larger than its blob: a size check the bad entry must not turn off.
    file = join(dir, 'index.json');
    writeFileSync(file, `{\n  "schemaVersion": 2,\n  "manifests": [\n    ${entry(a, 'a')},\n    ${badEntry},\n    ${entry(c, 'c', c.digest, c.size + 1)}\n  ]\n}\n`);
    await vscode.commands.executeCommand('manifold.refresh');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('lists the other tags, and the entry as one error row naming it and its problem', async () => {
    const layout = await row(f, undefined, 'damaged');
    const children = await rows(f, layout.node);
    assert.deepEqual(children.map((r) => r.label), ['a', 'c', `index.json manifests[1].digest (tag "bad"): invalid digest ${BAD}: sha256 needs 64 lowercase hex characters`]);
    const a = children[0]!;
    assert.equal(a.contextValue, 'manifold:tag+image');
    assert.match(a.description, /^[0-9a-f]{12} · linux\/amd64$/);
    // a is usable: it expands to its config and layer.
    assert.deepEqual((await rows(f, a.node)).map((r) => r.label), ['config', 'layer 1']);
    const error = children[2]!;
    assert.deepEqual([error.icon, error.contextValue, error.collapsible], ['error', 'manifold:error', false]);
    const tooltip = await tooltipOf(f, error);
    assert.ok(tooltip.includes(`${file}: manifests[1].digest (tag "bad")`), tooltip);
    assert.match(tooltip, /Click: Open index\.json at this entry/);
    assert.doesNotMatch(tooltip, /show the log/);
  });

  it('a click on the error row opens index.json with the entry selected', async () => {
    const layout = await row(f, undefined, 'damaged');
    const error = await row(f, layout.node, /^index\.json manifests\[1\]/);
    const command = f.services.tree.getTreeItem(error.node as never).command!;
    assert.equal(command.command, 'vscode.open');
    await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    await eventually(async () => {
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor?.document.uri.fsPath, file);
      assert.equal(editor.document.getText(editor.selection), badEntry);
      assert.equal(editor.selection.start.line, 4);
    });
  });

  it('the Problems panel flags the entry and still checks the size of the others', async () => {
    // (Errors only: the file also has the warning every index.json without a mediaType gets.)
    const uri = vscode.Uri.file(file);
    const problems = new Map<string, string>();
    await eventually(async () => {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file) ?? (await vscode.workspace.openTextDocument(uri));
      problems.clear();
      for (const d of vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'manifold' && x.severity === vscode.DiagnosticSeverity.Error)) {
        problems.set(typeof d.code === 'object' ? String(d.code.value) : String(d.code), doc.getText(d.range));
      }
      assert.deepEqual([...problems.keys()].sort(), ['invalid-digest', 'size-mismatch']);
    });
    assert.equal(problems.get('invalid-digest'), `"${BAD}"`);
    assert.equal(problems.get('size-mismatch'), String(c.size + 1));
    // The file is left as it was: nothing in Manifold rewrote it to show or check it.
    assert.ok(readFileSync(file, 'utf8').includes(badEntry));
  });
});
