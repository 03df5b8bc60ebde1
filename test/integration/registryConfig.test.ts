// `--registry-config FILE`, as oras names it: the credentials file login writes, every registry command reads and
// logout edits, in place of the Docker config.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, tempDir } from '../unit/builders';
import { hasDockerRegistry, useEmptyDockerConfig, useLaunchedRegistry } from './support';

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

describeRegistry('--registry-config (distribution 2.8 with basic auth)', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry({ mode: 'basic', users: { alice: 'wonderland' } });
  after(cleanupTemps);

  it('login writes there (not the Docker config), commands read it, logout removes the entry', async () => {
    const config = join(tempDir(), 'auth.json');
    const login = await runCli('login', registry.host, '--plain-http', '-u', 'alice', '-p', 'wonderland', '--registry-config', config);
    assert.equal(login.code, 0, login.stderr);
    const auths = (JSON.parse(readFileSync(config, 'utf8')) as { auths: Record<string, { auth: string }> }).auths;
    assert.equal(Buffer.from(auths[registry.host]!.auth, 'base64').toString(), 'alice:wonderland');
    assert.ok(!existsSync(join(process.env.DOCKER_CONFIG!, 'config.json')), 'the Docker config was not written');

    const without = await runCli('repo', 'ls', registry.host, '--plain-http');
    assert.equal(without.code, 1);
    assert.match(without.stderr, /Sign in with "manifold login/);
    const withIt = await runCli('repo', 'ls', registry.host, '--plain-http', '--registry-config', config);
    assert.equal(withIt.code, 0, withIt.stderr);

    const logout = await runCli('logout', registry.host, '--registry-config', config);
    assert.equal(logout.code, 0, logout.stderr);
    assert.equal((JSON.parse(readFileSync(config, 'utf8')) as { auths: Record<string, unknown> }).auths[registry.host], undefined);
    assert.equal((await runCli('repo', 'ls', registry.host, '--plain-http', '--registry-config', config)).code, 1);
  });
});
