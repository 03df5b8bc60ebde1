#!/usr/bin/env node
// Packages the extension as a .vsix with @vscode/vsce, offline, from a staged copy of the project: the files git
// knows about (tracked or not ignored) plus the build output dist/, filtered by the project's .vscodeignore as vsce
// always does (an allowlist: test/unit/vsixContents.test.ts checks what gets in). Staging keeps vsce away from
// node_modules/ and .cache/. Expects `npm run build` done.
//
//   node scripts/vscode-host/package-vsix.mjs [OUT.vsix]     (default: out/manifold.vsix)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Builds the .vsix at `out` (absolute or relative to the project) and returns its absolute path. */
export function packageVsix(out = join(root, 'out/manifold.vsix')) {
  out = resolve(root, out);
  if (!existsSync(join(root, 'dist/extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first.');
  const stage = mkdtempSync(join(tmpdir(), 'manifold-vsix-'));
  try {
    let files;
    try {
      files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
        .split('\0')
        .filter(Boolean);
    } catch {
      files = ['package.json', 'package.nls.json', 'README.md', 'LICENSE', '.vscodeignore', 'media', 'l10n', 'schemas'];
    }
    for (const f of [...files, 'dist']) {
      if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f), { recursive: true });
    }
    mkdirSync(dirname(out), { recursive: true });
    const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
    execFileSync(
      process.execPath,
      // --no-rewrite-relative-links: the README's screenshots (docs/images/) are relative links, which vsce would
      // otherwise refuse without a repository URL to rewrite them to.
      [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--out', out],
      { cwd: stage, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    return out;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(packageVsix(process.argv[2]));
}
