#!/usr/bin/env node
// Packages the extension as a .vsix with @vscode/vsce, offline, from a staged copy of the project: the files git
// knows about (tracked or not ignored) plus the build output dist/, filtered by the project's .vscodeignore as vsce
// always does (an allowlist: test/unit/vsixContents.test.ts checks what gets in). Staging keeps vsce away from
// node_modules/ and .cache/. Expects `npm run build` done.
//
//   node scripts/vscode-host/package-vsix.mjs [OUT.vsix]     (default: out/manifold.vsix)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Builds the .vsix at `out` (absolute or relative to the project) and returns its absolute path. Each browser test
 * file installs one (25 a run, ~3 s each to stage and pack): one packed from the same files (paths, sizes and
 * modification times, and vsce's version) is copied from .cache/vsix/ instead.
 */
export function packageVsix(out = join(root, 'out/manifold.vsix')) {
  out = resolve(root, out);
  if (!existsSync(join(root, 'dist/extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first.');
  const files = projectFiles();
  const cacheDir = join(root, '.cache', 'vsix');
  const cached = join(cacheDir, `${fingerprint(files)}.vsix`);
  mkdirSync(dirname(out), { recursive: true });
  if (!existsSync(cached)) {
    mkdirSync(cacheDir, { recursive: true });
    const packed = `${cached}.${process.pid}.tmp`;
    pack(files, packed);
    renameSync(packed, cached);
    forgetOlder(cacheDir, cached);
  }
  copyFileSync(cached, out);
  return out;
}

/** The files git knows about (tracked or not ignored), and dist/. */
function projectFiles() {
  let files;
  try {
    files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
  } catch {
    files = ['package.json', 'package.nls.json', 'README.md', 'LICENSE', '.vscodeignore', 'media', 'l10n', 'schemas'];
  }
  return [...files, 'dist'];
}

/** What the package is made of: each file's path, size and modification time, and vsce's version. */
function fingerprint(files) {
  const hash = createHash('sha256');
  const add = (rel) => {
    const st = statSync(join(root, rel), { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const entry of readdirSync(join(root, rel)).sort()) add(join(rel, entry));
    else if (unpacked(rel)) return;
    else hash.update(`${rel}\0${st.size}\0${st.mtimeMs}\n`);
  };
  for (const f of [...files].sort()) add(f);
  add('node_modules/@vscode/vsce/package.json');
  return hash.digest('hex').slice(0, 32);
}

/**
 * Build output .vscodeignore leaves out and that changes without a build: the CLI's compile cache (rewritten as tests
 * run the CLI) and the source maps. Left out of the fingerprint and of the staged copy.
 */
const unpacked = (path) => /(^|[\\/])dist[\\/].*\.(cache|map)$/.test(path);

/** Packs `files` into `out` with vsce, from a staged copy (vsce kept away from node_modules/ and .cache/). */
function pack(files, out) {
  const stage = mkdtempSync(join(tmpdir(), 'manifold-vsix-'));
  try {
    for (const f of files) {
      if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f), { recursive: true, filter: (from) => !unpacked(from) });
    }
    const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
    execFileSync(
      process.execPath,
      // --no-rewrite-relative-links: the README's screenshots (docs/images/) are relative links, which vsce would
      // otherwise refuse without a repository URL to rewrite them to.
      [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--out', out],
      { cwd: stage, stdio: ['ignore', 'pipe', 'inherit'] },
    );
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Packages of other builds, an hour old (a test run beside this one, in another worktree, may be copying one). */
function forgetOlder(cacheDir, keep) {
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (path !== keep && Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 3_600_000) rmSync(path, { force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(packageVsix(process.argv[2]));
}
