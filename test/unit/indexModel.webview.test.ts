// The index editor's webview runs in a browser: it is type-checked here against the DOM (the project's own
// tsconfig has no DOM, so the core cannot use it by mistake), and may import nothing but its own files, the pages'
// helpers (media/shared), the shared protocol and @vscode/l10n (the browser-safe runtime for its strings).
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as ts from 'typescript';

const root = resolve(__dirname, '../..');
const webview = join(root, 'media/indexEditor');
const shared = join(root, 'media/shared');
const protocol = join(root, 'src/shared/indexEditorProtocol.ts');
const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

describe('index editor webview', () => {
  it('imports only its own modules, the pages\' shared helpers (media/shared) and the shared protocol, which imports nothing', () => {
    for (const name of readdirSync(webview).filter((f) => f.endsWith('.ts'))) {
      for (const spec of importsOf(join(webview, name))) {
        const target = spec.startsWith('.') ? resolve(webview, spec) : spec;
        const ok = (target.startsWith(webview + '/') && !spec.includes('..')) || target.startsWith(shared + '/') || target === protocol.replace(/\.ts$/, '') || spec === '@vscode/l10n';
        assert.ok(ok, `${name} imports ${spec}`);
      }
    }
    assert.deepEqual(importsOf(protocol), []);
  });

  it('type-checks against the DOM (media/indexEditor/tsconfig.json)', function () {
    this.timeout(120_000);
    const configFile = join(webview, 'tsconfig.json');
    const read = ts.readConfigFile(configFile, ts.sys.readFile);
    assert.equal(read.error, undefined);
    const config = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configFile));
    const program = ts.createProgram(config.fileNames, config.options);
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n') + (d.file ? ` (${d.file.fileName})` : ''));
    assert.deepEqual(problems, []);
  });
});
