// How the extension's modules import `vscode`. esbuild turns each `import * as vscode from 'vscode'` (or a named
// import) of the external module into its own __toESM copy of the whole API object, one per module: with ~47 modules
// that was most of the extension's load time (60-110 ms at start-up on a busy machine, against ~10 ms now). So values
// come in as `import vscode = require('vscode')` (a plain require, shared), and types as `import type`.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { extensionBundle, typeScriptFiles } from '../helpers/projectFiles';

const root = resolve(__dirname, '../..');

describe('extension: importing vscode', () => {
  it('takes the API with `import vscode = require(\'vscode\')`, never an ES import that esbuild copies per module', () => {
    const files = typeScriptFiles(join(root, 'src/extension'));
    const esImports = files.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/^import\s+(?!type\b)[^;]*?from\s+['"]vscode['"]/gm)].map((m) => `${relative(root, f)}: ${m[0]}`),
    );
    assert.deepEqual(esImports, []);
    assert.ok(files.some((f) => /^import vscode = require\('vscode'\);$/m.test(readFileSync(f, 'utf8'))));
  });

  it('the bundle requires vscode without __toESM', () => {
    assert.doesNotMatch(readFileSync(extensionBundle(), 'utf8'), /__toESM\(require\("vscode"\)/);
  });
});
