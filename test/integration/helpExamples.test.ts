// The help and README command lines at localhost:5000, run as written against Debian's docker-registry (distribution
// 2.8: no referrers API, so referrers travel as fallback tags) launched on loopback, a fresh one for each line; the
// unit test test/unit/helpExamples.test.ts runs the same lines against a registry in memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strict as assert } from 'node:assert';
import { findCommand } from '../../src/cli/main';
import { markdownManifoldLines } from '../helpers/exampleLines';
import { EXAMPLES, type Fixture, makeFixture, runAsWritten, runnable } from '../helpers/exampleRuns';
import { cleanupTemps } from '../unit/builders';
import { hasDockerRegistry, launchRegistry, useEmptyDockerConfig } from './support';

(hasDockerRegistry() ? describe : describe.skip)('help and README examples on a real registry', () => {
  useEmptyDockerConfig();
  const savedCwd = process.cwd();
  let template: Fixture;
  before(async () => {
    template = await makeFixture();
  });
  after(() => {
    process.chdir(savedCwd);
    cleanupTemps();
  });
  afterEach(() => process.chdir(savedCwd));

  it('every --help example at localhost:5000 runs as written and exits as documented', async function () {
    this.timeout(300_000);
    const run = EXAMPLES.filter((e) => runnable(e) === 'registry');
    for (const e of run) await runAsWritten(e, template, launchRegistry);
    assert.ok(run.length >= 10, `ran ${run.length}`);
  });

  it('every README line at localhost:5000 runs as written and exits as documented', async function () {
    this.timeout(300_000);
    const lines = markdownManifoldLines(readFileSync(join(__dirname, '../../README.md'), 'utf8')).filter((l) => runnable(l) === 'registry');
    for (const l of lines) await runAsWritten({ ...l, command: findCommand(l.argv).command! }, template, launchRegistry, `README.md:${l.line}: ${l.text}`);
    assert.ok(lines.length >= 5, `ran ${lines.length}`);
  });
});
