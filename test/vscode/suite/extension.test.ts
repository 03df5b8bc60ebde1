import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ActivationTime } from '../../../src/extension/extension';
import { out } from './report';

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

  it('reports how long it took to activate on the test workspace\'s layouts (printed, not asserted)', () => {
    const { activation } = ext.exports as { activation: ActivationTime };
    for (const ms of Object.values(activation)) assert.ok(Number.isFinite(ms) && ms >= 0, JSON.stringify(activation));
    // Reading, compiling and running the bundle's top level again, as the host does before activate() (a warm disk cache).
    const bundle = join(ext.extensionPath, ext.packageJSON.main);
    const load = createRequire(bundle);
    delete load.cache[load.resolve(bundle)];
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const fresh = load(bundle);
    const cpu = process.cpuUsage(cpuStarted);
    const loadMs = performance.now() - started;
    const loadCpuMs = (cpu.user + cpu.system) / 1000;
    assert.equal(typeof fresh.activate, 'function');
    const ms = (wall: number, cpuMs: number) => `${wall.toFixed(1)} ms (${cpuMs.toFixed(1)} ms CPU)`;
    out(`      activation: ${ms(loadMs + activation.activateMs, loadCpuMs + activation.activateCpuMs)} = load ${ms(loadMs, loadCpuMs)} + activate() ${ms(activation.activateMs, activation.activateCpuMs)}; at start-up the modules' top level ran in ${ms(activation.modulesMs, activation.modulesCpuMs)}`);
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
