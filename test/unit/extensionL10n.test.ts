// The extension's strings and l10n/bundle.l10n.json (what translators start from): the bundle holds exactly what
// @vscode/l10n-dev extracts from src/extension and the index editor's page (media/) today, and no user-facing
// message is left as a bare literal.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { getL10nJson } from '@vscode/l10n-dev';
import { typeScriptFiles } from '../helpers/projectFiles';

const root = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const files = [...typeScriptFiles(join(root, 'src/extension')), ...typeScriptFiles(join(root, 'media'))];

describe('extension: localization', function () {
  // l10n-dev parses every file with tree-sitter: seconds on a quiet machine, far more on a loaded one.
  this.timeout(90_000);

  it('package.json points VS Code at l10n/', () => {
    assert.equal(pkg.l10n, './l10n');
  });

  it('l10n/bundle.l10n.json is up to date with the code (run `npm run l10n` after changing a string)', async () => {
    const extracted = await getL10nJson(files.map((f) => ({ extension: '.ts', contents: readFileSync(f, 'utf8') })));
    const bundle = JSON.parse(readFileSync(join(root, 'l10n/bundle.l10n.json'), 'utf8'));
    assert.ok(Object.keys(extracted).length > 150, `only ${Object.keys(extracted).length} strings extracted`);
    assert.deepEqual(Object.keys(bundle).filter((k) => !(k in extracted)), [], 'in the bundle, no longer in the code');
    assert.deepEqual(Object.keys(extracted).filter((k) => !(k in bundle)), [], 'in the code, not in the bundle');
  });

  it('messages, prompts and titles are not bare literals', () => {
    // A sentence (a capital, then words) or an error text handed straight to VS Code or thrown.
    const patterns = [
      /\b(show(Information|Warning|Error)Message|setStatusBarMessage)\(\s*['`]/,
      /\bnew Error\(\s*['`]/,
      /\bnew OciError\(\s*'[A-Z_]+',\s*['`]/,
      /\b(title|prompt|placeHolder|label|description|detail|tooltip):\s*['`][A-Z][a-z]+ [a-z]/,
      // The index editor's page: text content and button titles given to h() and button().
      /\bh\('\w+',\s*\{[^}]*\},\s*['`][A-Z][a-z]+ [a-z]/,
      /\bbutton\(\s*(['`][^'`]*['`],\s*)?['`][A-Z][a-z]+ [a-z]/,
    ];
    const bare: string[] = [];
    for (const f of files) {
      readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (patterns.some((p) => p.test(line))) bare.push(`${relative(root, f)}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(bare, []);
  });
});
