// A layout the Layouts view cannot read gets a row that says what is wrong and what a click does about it: an
// index.json that is not JSON opens at the line and column where it stops being JSON (where the Problems panel's
// entry is); a folder that lost its oci-layout (index.json still there) writes it back, then shows its tags, and
// such a folder is found by a search too (index.json beside blobs/), not only kept by the session that saw the loss;
// a layout archive (.tar) only says what is wrong.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { OciLayoutStore } from '../../../src/oci/layout';
import { makeImage, writeTar } from '../../unit/builders';
import { eventually, row, rows, tooltipOf, useFixtures, type Fixtures } from './layoutFixtures';

const LAYOUT_FILE = '{"imageLayoutVersion":"1.0.0"}';

async function commandOf(f: Fixtures, parent: unknown, label: string | RegExp): Promise<vscode.Command> {
  const r = await row(f, parent, label);
  return f.services.tree.getTreeItem(r.node as never).command!;
}

describe('Layouts view: rows for a layout that cannot be read', () => {
  let f: Fixtures;

  before(async () => {
    f = await useFixtures();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  describe('index.json that is not JSON', () => {
    let dir: string;
    let file: string;

    before(async () => {
      // A trailing comma inside the first entry: JSON stops at the `}` on line 4, column 34.
      dir = join(f.workspace, 'layouts', 'notjson');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'oci-layout'), LAYOUT_FILE);
      file = join(dir, 'index.json');
      writeFileSync(file, '{\n  "schemaVersion": 2,\n  "manifests": [\n    {"mediaType": "x", "size": 1,}\n  ]\n}\n');
      await vscode.commands.executeCommand('manifold.refresh');
    });

    it('one error row: where it stops being JSON and why, the file in the tooltip, a click to open it there; the Problems panel agrees', async () => {
      const layout = await row(f, undefined, 'notjson');
      const children = await rows(f, layout.node);
      assert.deepEqual(children.map((r) => [r.label, r.contextValue, r.icon]), [['index.json is not JSON at line 4, column 34: property name expected (a trailing comma is not JSON)', 'manifold:error', 'error']]);
      const tooltip = await tooltipOf(f, children[0]!);
      assert.ok(tooltip.includes(`${file}: malformed JSON at line 4, column 34: property name expected (a trailing comma is not JSON)`), tooltip);
      assert.match(tooltip, /Click: Open index\.json at line 4, column 34/);
      // The Problems panel's entry for the file (checked on disk, not open) is at the same place.
      await eventually(async () => {
        const problem = vscode.languages.getDiagnostics(vscode.Uri.file(file)).find((d) => d.source === 'manifold' && typeof d.code === 'object' && d.code.value === 'invalid-json');
        assert.deepEqual([problem?.range.start.line, problem?.range.start.character], [3, 33]);
      }, 15_000);
    });

    it('its click opens index.json with the cursor at that line and column', async () => {
      const layout = await row(f, undefined, 'notjson');
      const command = await commandOf(f, layout.node, /^index\.json is not JSON/);
      assert.equal(command.command, 'vscode.open');
      await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
      await eventually(async () => {
        const editor = vscode.window.activeTextEditor;
        assert.equal(editor?.document.uri.fsPath, file);
        assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [3, 33]);
        assert.equal(editor.document.lineAt(3).text.charAt(33), '}');
      });
    });
  });

  it('an oci-layout that is not JSON: the row says where, and its click opens the file there', async () => {
    const dir = join(f.workspace, 'layouts', 'badlayoutfile');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.json'), '{"schemaVersion":2,"manifests":[]}');
    const file = join(dir, 'oci-layout');
    writeFileSync(file, '{"imageLayoutVersion": 1.0.0}');
    await vscode.commands.executeCommand('manifold.refresh');
    const layout = await row(f, undefined, 'badlayoutfile');
    const [error] = await rows(f, layout.node);
    assert.match(error!.label, /^oci-layout is not JSON at line 1, column 24: invalid number$/);
    assert.match(await tooltipOf(f, error!), /Click: Open oci-layout at line 1, column 24/);
    const command = f.services.tree.getTreeItem(error!.node as never).command!;
    await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    await eventually(async () => {
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor?.document.uri.fsPath, file);
      assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [0, 23]);
    });
    // Nothing offered to write over it: its text is the user's to fix.
    assert.equal(readFileSync(file, 'utf8'), '{"imageLayoutVersion": 1.0.0}');
  });

  describe('a layout folder that lost its oci-layout', () => {
    let dir: string;
    let file: string;

    before(async () => {
      dir = join(f.workspace, 'layouts', 'lost');
      const store = await OciLayoutStore.open(dir, { create: true });
      await store.tag(await makeImage(store, { os: 'linux', arch: 'amd64' }), 'v1');
      await vscode.commands.executeCommand('manifold.refresh');
      assert.deepEqual((await rows(f, (await row(f, undefined, 'lost')).node)).map((r) => r.label), ['v1']);
      file = join(dir, 'oci-layout');
      rmSync(file);
      // The folder is no longer found by its oci-layout, but it was shown: it stays, to say what happened.
      await vscode.commands.executeCommand('manifold.refresh');
    });

    it('says so in plain words, with the core\'s reason, and offers to restore the file', async () => {
      const layout = await row(f, undefined, 'lost');
      const children = await rows(f, layout.node);
      assert.deepEqual(children.map((r) => [r.label, r.contextValue]), [['The oci-layout file is missing, so this layout cannot be read', 'manifold:error+restore']]);
      const tooltip = await tooltipOf(f, children[0]!);
      assert.ok(tooltip.includes(`${file}: missing; ${dir} is not an OCI image layout`), tooltip);
      assert.ok(tooltip.includes(`Restoring writes {"imageLayoutVersion":"1.0.0"} to ${file}`), tooltip);
      assert.match(tooltip, /Click: Restore the oci-layout file/);
      // Offering writes nothing.
      assert.equal(existsSync(file), false);
    });

    it('its click writes oras-go\'s exact bytes, and the layout shows its tags', async () => {
      const layout = await row(f, undefined, 'lost');
      const command = await commandOf(f, layout.node, /^The oci-layout file is missing/);
      assert.equal(command.command, 'manifold.restoreLayoutFile');
      const written = await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
      assert.equal(written, file);
      assert.equal(readFileSync(file, 'utf8'), LAYOUT_FILE);
      await eventually(async () => {
        assert.deepEqual((await rows(f, (await row(f, undefined, 'lost')).node)).map((r) => r.label), ['v1']);
      });
    });

    it('an added folder outside the workspace that lost it is listed, with the same row, whose inline action restores it', async () => {
      const outside = join(mkdtempSync(join(tmpdir(), 'manifold-lost-')), 'elsewhere');
      const store = await OciLayoutStore.open(outside, { create: true });
      await store.tag(await makeImage(store), 'only');
      rmSync(join(outside, 'oci-layout'));
      try {
        await vscode.commands.executeCommand('manifold.addLayoutFolder', { path: outside });
        const layout = await row(f, undefined, 'elsewhere');
        assert.equal(layout.contextValue, 'manifold:layout+added');
        // The row's inline action (viewItem manifold:error+restore) runs the command on the row's node.
        const error = await row(f, layout.node, /^The oci-layout file is missing/);
        assert.equal(error.contextValue, 'manifold:error+restore');
        assert.equal(await vscode.commands.executeCommand('manifold.restoreLayoutFile', error.node), join(outside, 'oci-layout'));
        assert.equal(readFileSync(join(outside, 'oci-layout'), 'utf8'), LAYOUT_FILE);
        assert.deepEqual((await rows(f, (await row(f, undefined, 'elsewhere')).node)).map((r) => r.label), ['only']);
      } finally {
        await vscode.commands.executeCommand('manifold.removeLayoutFolder', { layout: outside });
      }
    });

    it('a folder without index.json is not offered a restore', async () => {
      // Shown while it was a layout; both files gone, it is not a layout any more and leaves the view.
      const gone = join(f.workspace, 'layouts', 'gone');
      await OciLayoutStore.open(gone, { create: true });
      await vscode.commands.executeCommand('manifold.refresh');
      assert.ok((await rows(f)).some((r) => r.label === 'gone'));
      rmSync(join(gone, 'oci-layout'));
      rmSync(join(gone, 'index.json'));
      await vscode.commands.executeCommand('manifold.refresh');
      assert.equal((await rows(f)).some((r) => r.label === 'gone'), false);
      assert.equal(await vscode.commands.executeCommand('manifold.restoreLayoutFile', { layout: gone }), undefined);
      assert.equal(existsSync(join(gone, 'oci-layout')), false);
    });
  });

  describe('a layout folder that lost its oci-layout before the layouts were searched (as after a reload)', () => {
    let dir: string;
    let file: string;

    before(async () => {
      // Made elsewhere, then its index.json and blobs/ copied in: no oci-layout ever was at this path, so no
      // earlier search knew the folder, as in a window reloaded after the file was lost.
      const made = join(mkdtempSync(join(tmpdir(), 'manifold-lost-')), 'made');
      const store = await OciLayoutStore.open(made, { create: true });
      await store.tag(await makeImage(store, { os: 'linux', arch: 'arm64' }), 'v2');
      dir = join(f.workspace, 'layouts', 'lostbefore');
      file = join(dir, 'oci-layout');
      cpSync(join(made, 'blobs'), join(dir, 'blobs'), { recursive: true });
      cpSync(join(made, 'index.json'), join(dir, 'index.json'));
      // Some other project's index.json (no blobs/ beside it) is no layout.
      const project = join(f.workspace, 'webapp');
      mkdirSync(project, { recursive: true });
      writeFileSync(join(project, 'package.json'), '{"name":"webapp"}');
      writeFileSync(join(project, 'index.json'), '{"schemaVersion":2,"manifests":[]}');
      await vscode.commands.executeCommand('manifold.refresh');
    });

    it('the search finds it: the row says the file is missing and offers to restore it', async () => {
      const layout = await row(f, undefined, 'lostbefore');
      assert.equal(layout.contextValue, 'manifold:layout');
      const children = await rows(f, layout.node);
      assert.deepEqual(children.map((r) => [r.label, r.contextValue]), [['The oci-layout file is missing, so this layout cannot be read', 'manifold:error+restore']]);
      const tooltip = await tooltipOf(f, children[0]!);
      assert.ok(tooltip.includes(`Restoring writes {"imageLayoutVersion":"1.0.0"} to ${file}`), tooltip);
      assert.match(tooltip, /Click: Restore the oci-layout file/);
      assert.equal(existsSync(file), false);
    });

    it('a folder with only an index.json (no blobs/) is not listed', async () => {
      const labels = (await rows(f)).map((r) => r.label);
      assert.ok(labels.includes('lostbefore'), labels.join(', '));
      assert.equal(labels.includes('webapp'), false, labels.join(', '));
      assert.equal(f.services.layouts.layoutOf(join(f.workspace, 'webapp', 'index.json')), undefined);
    });

    it('its click writes the file and the layout shows its tags', async () => {
      const layout = await row(f, undefined, 'lostbefore');
      const command = await commandOf(f, layout.node, /^The oci-layout file is missing/);
      assert.equal(command.command, 'manifold.restoreLayoutFile');
      assert.equal(await vscode.commands.executeCommand(command.command, ...(command.arguments ?? [])), file);
      assert.equal(readFileSync(file, 'utf8'), LAYOUT_FILE);
      await eventually(async () => {
        assert.deepEqual((await rows(f, (await row(f, undefined, 'lostbefore')).node)).map((r) => r.label), ['v2']);
      });
    });

    it('the file watcher lists such a folder when its index.json appears, and drops it when it goes, without a refresh', async () => {
      const late = join(f.workspace, 'layouts', 'lostlate');
      mkdirSync(join(late, 'blobs'), { recursive: true });
      cpSync(join(dir, 'blobs'), join(late, 'blobs'), { recursive: true });
      cpSync(join(dir, 'index.json'), join(late, 'index.json'));
      await eventually(async () => {
        const layout = await row(f, undefined, 'lostlate');
        assert.equal((await rows(f, layout.node))[0]?.contextValue, 'manifold:error+restore');
      }, 20_000);
      rmSync(join(late, 'index.json'));
      await eventually(async () => assert.equal((await rows(f)).some((r) => r.label === 'lostlate'), false), 20_000);
    });
  });

  it('a layout archive (.tar) that lost its oci-layout only says so: nothing to restore in it', async () => {
    const tar = join(mkdtempSync(join(tmpdir(), 'manifold-lost-')), 'lost.tar');
    const index = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}';
    writeTar(tar, [{ name: 'oci-layout', body: LAYOUT_FILE }, { name: 'index.json', body: index }]);
    try {
      await vscode.commands.executeCommand('manifold.addLayoutFolder', { path: tar });
      writeTar(tar, [{ name: 'index.json', body: index }]);
      await vscode.commands.executeCommand('manifold.refresh', { layout: tar });
      const layout = await row(f, undefined, 'lost.tar');
      const children = await rows(f, layout.node);
      assert.equal(children.length, 1);
      assert.match(children[0]!.label, /^oci-layout in .*lost\.tar: missing; .*lost\.tar is not an OCI image layout$/);
      assert.equal((await commandOf(f, layout.node, /: missing; /)).command, 'manifold.showLog');
    } finally {
      await vscode.commands.executeCommand('manifold.removeLayoutFolder', { layout: tar });
    }
  });
});
