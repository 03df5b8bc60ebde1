// Runs inside the VS Code extension host. test/vscode/bundleSuite.mjs makes the module that VS Code loads as
// extensionTestsPath: it calls createMocha(), requires every *.test.ts of this folder, then runMocha().
// Results go to the console and, line by line, to the file named by MANIFOLD_VSCODE_TEST_RESULTS (the runner
// prints it, since the extension host's console is not the terminal's).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { out } from './report';

const resultsFile = process.env.MANIFOLD_VSCODE_TEST_RESULTS;

function describeError(err: unknown): string {
  const e = err as { stack?: string; message?: string; actual?: unknown; expected?: unknown; showDiff?: boolean };
  let text = e?.stack ?? String(e?.message ?? err);
  if (e && e.showDiff !== false && ('expected' in e || 'actual' in e)) {
    const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
    text += `\n      expected: ${show(e.expected)}\n      actual:   ${show(e.actual)}`;
  }
  return text.split('\n').map((l) => '      ' + l).join('\n');
}

/** A spec-like reporter that writes through out(); ends with `N passed, N failed[, N skipped]`. */
class HostReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    let depth = 0;
    const failures: { title: string; err: unknown }[] = [];
    const pad = () => '  '.repeat(depth);
    runner.on('suite', (s: Mocha.Suite) => {
      if (s.title) out(pad() + s.title);
      depth++;
    });
    runner.on('suite end', () => depth--);
    runner.on('pass', (t: Mocha.Test) => out(`${pad()}ok ${t.title} (${t.duration ?? 0}ms)`));
    runner.on('pending', (t: Mocha.Test) => out(`${pad()}- ${t.title} (skipped)`));
    runner.on('fail', (t: Mocha.Runnable, err: unknown) => {
      failures.push({ title: t.fullTitle(), err });
      out(`${pad()}FAILED ${t.title} (#${failures.length})`);
    });
    runner.once('end', () => {
      failures.forEach((f, i) => out(`\n  ${i + 1}) ${f.title}\n${describeError(f.err)}`));
      const s = this.stats;
      out(`\nvscode: ${s.passes} passed, ${s.failures} failed${s.pending ? `, ${s.pending} skipped` : ''}`);
    });
  }
}

export function createMocha(): Mocha {
  if (resultsFile) writeFileSync(resultsFile, '');
  const grep = process.env.MANIFOLD_VSCODE_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: HostReporter, ...(grep ? { grep } : {}) });
  // What `mocha.addFile` + `loadFiles` would do: describe/it/before... on globalThis for the test modules.
  mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
  return mocha;
}

/**
 * Waits until the workbench watches the workspace folder: the extension host starts the suite before the
 * workbench has set up its file watching (that comes late in its startup), and until then
 * createFileSystemWatcher reports nothing. A probe file is rewritten until a watcher sees it.
 */
async function fileWatchingReady(timeoutMs = 90_000): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || folder.uri.scheme !== 'file') return;
  const name = '.vscode-host-watch-probe';
  const probe = join(folder.uri.fsPath, name);
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, name));
  const t0 = Date.now();
  try {
    let seen = false;
    const mark = () => (seen = true);
    watcher.onDidCreate(mark);
    watcher.onDidChange(mark);
    for (let i = 0; !seen; i++) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`file watching of ${folder.uri.fsPath} did not start within ${timeoutMs / 1000}s`);
      writeFileSync(probe, String(i));
      await new Promise((r) => setTimeout(r, 250));
    }
    out(`(file watching ready after ${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  } finally {
    watcher.dispose();
    rmSync(probe, { force: true });
  }
}

export async function runMocha(mocha: Mocha, fileCount: number): Promise<void> {
  if (fileCount === 0) throw new Error('no test files under test/vscode/suite');
  await fileWatchingReady();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
  });
}
