import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const extensionId = 'manifold-dev.manifold';

/** manifold.* commands the extension may register without declaring them in contributes.commands. */
export const internalCommands: readonly string[] = [];

/** Commands VS Code itself registers for a contributed view or view container (`<id>.focus` and the like). */
function generatedFor(ids: string[], command: string): boolean {
  return ids.some((id) => command.startsWith(id + '.') || command === id);
}

describe('Manifold extension', () => {
  let ext: vscode.Extension<unknown>;

  before(async () => {
    const found = vscode.extensions.getExtension(extensionId);
    assert.ok(found, `${extensionId} is not loaded in this host`);
    ext = found;
    await ext.activate();
  });

  it('activates', () => {
    assert.equal(ext.isActive, true);
    assert.equal(ext.packageJSON.name, 'manifold');
  });

  it('registers every command declared in contributes.commands', async () => {
    const declared: string[] = (ext.packageJSON.contributes?.commands ?? []).map((c: { command: string }) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `declared but not registered: ${missing.join(', ')}`);
  });

  it('declares every manifold.* command it registers', async () => {
    const contributes = ext.packageJSON.contributes ?? {};
    const declared = new Set<string>((contributes.commands ?? []).map((c: { command: string }) => c.command));
    const viewIds: string[] = [
      ...Object.values<{ id: string }[]>(contributes.views ?? {}).flat().map((v) => v.id),
      ...Object.values<{ id: string }[]>(contributes.viewsContainers ?? {}).flat().map((v) => v.id),
    ];
    const undeclared = (await vscode.commands.getCommands(true)).filter(
      (c) => c.startsWith('manifold.') && !declared.has(c) && !internalCommands.includes(c) && !generatedFor(viewIds, c),
    );
    assert.deepEqual(undeclared, [], `registered but not declared in package.json: ${undeclared.join(', ')}`);
  });
});
