// Bundles the extension-host mocha suite (test/vscode/suite/index.ts + every test/vscode/suite/**/*.test.ts) into
// one CommonJS module whose `run()` is what VS Code calls for extensionTestsPath (as with @vscode/test-electron).
// `vscode` stays external (the host provides it); mocha is bundled in.
import * as esbuild from 'esbuild';
import { readFileSync, readdirSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const suiteDir = join(here, 'suite');

function testFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...testFiles(p));
    else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

/** The test file that needs a host of its own, an untrusted workspace (runner.mjs's second pass); the others need trust. */
export const RESTRICTED_FILE = 'restricted.test.ts';

/**
 * Writes `${outDir}/index.js` and returns its path without the `.js` (the form extensionTestsPath takes).
 * `pass` 'main' bundles every test file but RESTRICTED_FILE; 'restricted' only that one.
 */
export async function bundleSuite(outDir, { pass = 'main' } = {}) {
  const files = testFiles(suiteDir).filter((f) => (relative(suiteDir, f) === RESTRICTED_FILE) === (pass === 'restricted'));
  // Test files are required inside run(), after mocha has put describe/it on globalThis; esbuild keeps
  // require() order and evaluates each module lazily at its require.
  const entry = [
    `const { createMocha, runMocha } = require('./index');`,
    `exports.run = async function run() {`,
    `  const mocha = createMocha();`,
    ...files.map((f) => `  require(${JSON.stringify('./' + relative(suiteDir, f))});`),
    `  return runMocha(mocha, ${files.length});`,
    `};`,
  ].join('\n');
  await esbuild.build({
    stdin: { contents: entry, resolveDir: suiteDir, sourcefile: 'suite-entry.js', loader: 'js' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: join(outDir, 'index.js'),
    external: ['vscode'],
    sourcemap: true,
    logLevel: 'warning',
    // As esbuild.mjs: jsonc-parser's 'main' is a UMD build whose dynamic requires esbuild cannot follow.
    mainFields: ['module', 'main'],
    // mocha's parallel mode (worker files found by require.resolve) is not used here.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  return { path: resolve(outDir, 'index'), files };
}

/**
 * Returns a function that rewrites `${outDir}/index.js:LINE:COL` in stack traces to the TypeScript source
 * (relative to `root`) and drops mocha's own frames, so failures read like the test file.
 */
export function stackMapper(outDir, root) {
  const bundle = join(outDir, 'index.js');
  let map;
  try {
    map = new SourceMap(JSON.parse(readFileSync(bundle + '.map', 'utf8')));
  } catch {
    return (text) => text;
  }
  const escaped = bundle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const frame = new RegExp(`${escaped}:(\\d+):(\\d+)`, 'g');
  return (text) =>
    text
      .split('\n')
      .map((line) =>
        line.replace(frame, (whole, l, c) => {
          const e = map.findEntry(Number(l) - 1, Number(c) - 1);
          if (!e || !e.originalSource) return whole;
          const src = relative(root, resolve(outDir, e.originalSource.replace(/^file:\/\//, '')));
          return `${src}:${e.originalLine + 1}:${e.originalColumn + 1}`;
        }),
      )
      .filter((line) => !/^\s*at .*node_modules\/mocha\//.test(line))
      .join('\n');
}
