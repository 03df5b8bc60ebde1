// Bundles the extension and the CLI; `vscode` is provided by the host at run time.
import * as esbuild from 'esbuild';
import { chmodSync } from 'node:fs';

const watch = process.argv.includes('--watch');
// 'module' first: jsonc-parser's 'main' is a UMD build whose dynamic requires esbuild cannot follow.
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', mainFields: ['module', 'main'] };
/**
 * undici is a megabyte of JavaScript that only registry commands run, yet V8 compiles all of a bundle on
 * load (~30 ms for it). So it is bundled once on its own, as dist/undici.js, and the other bundles
 * require it from there when a registry is first contacted (src/oci/registry/client.ts requires lazily).
 */
const undiciApart = {
  name: 'undici-apart',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true }));
  },
};
/**
 * Likewise @noble/curves' Ed25519ph (~40 KB), which only signing or verifying with an Ed25519 key runs: bundled
 * alone as dist/ed25519ph.js (src/oci/signatures/keys/ed25519phEntry.ts), so the CLI's bundle, compiled at every
 * start, stays as it was; src/oci/signatures/keys/ed25519ph.ts requires it on first use.
 */
const ed25519phApart = {
  name: 'ed25519ph-apart',
  setup(build) {
    build.onResolve({ filter: /^@noble\/curves\/ed25519$/ }, () => ({ path: './ed25519ph.js', external: true }));
  },
};
const builds = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: [undiciApart, ed25519phApart] },
  // The CLI: a small launcher (dist/cli.js, src/cli/launcher.ts) that compiles the bundle with V8's code cache.
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cliMain.js', plugins: [undiciApart, ed25519phApart] },
  { ...common, entryPoints: ['src/cli/launcher.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, sourcemap: false },
  // Just the parts of undici the registry client uses (src/oci/registry/undiciEntry.ts): half the load time of all of it.
  { ...common, entryPoints: { undici: 'src/oci/registry/undiciEntry.ts' }, outdir: 'dist', sourcemap: false },
  { ...common, entryPoints: { ed25519ph: 'src/oci/signatures/keys/ed25519phEntry.ts' }, outdir: 'dist', sourcemap: false },
  // The index editor's webview script: runs in the browser, so no node built-ins and no vscode.
  { bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: true, logLevel: 'warning', entryPoints: ['media/indexEditor/main.ts'], outfile: 'dist/indexEditor.js' },
  // The referrer coverage page's script, likewise.
  { bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: true, logLevel: 'warning', entryPoints: ['media/coverage/main.ts'], outfile: 'dist/coverage.js' },
];
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  chmodSync('dist/cli.js', 0o755);
}
