// The referrer coverage page runs in a browser: type-checked here against the DOM (media/coverage/tsconfig.json),
// as the index editor's page is (indexModel.webview.test.ts).
import { strict as assert } from 'node:assert';
import { dirname, join, resolve } from 'node:path';
import * as ts from 'typescript';

describe('referrer coverage webview', () => {
  it('type-checks against the DOM (media/coverage/tsconfig.json)', function () {
    this.timeout(120_000);
    const configFile = join(resolve(__dirname, '../..'), 'media/coverage/tsconfig.json');
    const read = ts.readConfigFile(configFile, ts.sys.readFile);
    assert.equal(read.error, undefined);
    const config = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configFile));
    const program = ts.createProgram(config.fileNames, config.options);
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n') + (d.file ? ` (${d.file.fileName})` : ''));
    assert.deepEqual(problems, []);
  });
});
