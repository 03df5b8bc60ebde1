import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { OciLayoutStore } from '../../../src/oci/layout';
import { chooseFiles, CHOSEN_FOLDER_KEYS } from '../../../src/extension/ui/fileChooser';
import { addLayoutFolder } from '../../../src/extension/commands/addLayoutFolder';
import { Cancelled } from '../../../src/extension/ui/prompts';
import { rows, useFixtures, type Fixtures } from './layoutFixtures';

/**
 * Where Add Layout Folder's dialog opens: the workbench's own dialog is swapped for one that records the folder it
 * was asked to open at and answers as a user would (the browser test fileChooser.test.mjs sees the real dialog).
 * The suite's `vscode` is not the extension's (this bundle is no part of it), so the command runs from this bundle's
 * copy of its module, over the extension's services.
 */
describe('Add Layout Folder dialog start folder', () => {
  let f: Fixtures;
  const window = vscode.window as { showOpenDialog: typeof vscode.window.showOpenDialog };
  const real = window.showOpenDialog;
  const asked: (vscode.Uri | undefined)[] = [];
  let answerWith: vscode.Uri[] | undefined;
  const added: string[] = [];

  before(async () => {
    f = await useFixtures();
    // Other suites' choosers may have run first: start as a fresh workspace does.
    for (const key of Object.values(CHOSEN_FOLDER_KEYS)) await f.services.context.workspaceState.update(key, undefined);
    window.showOpenDialog = async (options) => {
      asked.push(options?.defaultUri);
      return answerWith;
    };
  });

  after(async () => {
    window.showOpenDialog = real;
    for (const path of added) await vscode.commands.executeCommand('manifold.removeLayoutFolder', { layout: path });
  });

  it('opens at the workspace folder first, then in the folder that holds the layout last added, whatever the files\' chooser remembers; a cancel adds nothing', async () => {
    const state = f.services.context.workspaceState;
    const outside = mkdtempSync(join(tmpdir(), 'manifold-chooser-'));
    const first = join(outside, 'first');
    const second = join(outside, 'second');
    await OciLayoutStore.open(first, { create: true });
    await OciLayoutStore.open(second, { create: true });
    // A file chosen for an attach first: where SBOMs are says nothing of where layouts are.
    answerWith = [vscode.Uri.file(join(f.demo, 'index.json'))];
    await chooseFiles(state, { canSelectFiles: true });
    assert.equal(asked.shift()?.fsPath, f.workspace);

    answerWith = [vscode.Uri.file(first)];
    assert.equal(await addLayoutFolder(f.services), first);
    added.push(first);
    assert.equal(asked[0]?.fsPath, f.workspace);
    assert.equal((await rows(f)).find((r) => r.label === 'first')?.contextValue, 'manifold:layout+added');

    answerWith = [vscode.Uri.file(second)];
    assert.equal(await addLayoutFolder(f.services), second);
    added.push(second);
    // The parent of the layout, an existing folder (code-server's dialog opens the parent of one that is not).
    assert.equal(asked[1]?.fsPath, outside);

    const before = (await rows(f)).map((r) => r.label);
    answerWith = undefined;
    await assert.rejects(addLayoutFolder(f.services), Cancelled);
    assert.equal(asked[2]?.fsPath, outside);
    assert.deepEqual((await rows(f)).map((r) => r.label), before);
    // And the files' chooser still starts where the file was chosen from.
    answerWith = undefined;
    await assert.rejects(chooseFiles(state, { canSelectFiles: true }), Cancelled);
    assert.equal(asked[3]?.fsPath, f.demo);
  });
});
