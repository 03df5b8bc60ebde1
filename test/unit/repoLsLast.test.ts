// `repo ls --last REPO` (oras's flag): the catalog is asked for the repositories after REPO (its `last` parameter),
// within a namespace too; with --oci-layout it is repo tags' --last, as repo ls lists a layout's tags.
import assert from 'node:assert/strict';
import { RemoteRepository } from '../../src/oci/registry/remoteRepository';
import { startOciServer, useEmptyDockerConfig, type OciServer } from '../integration/support';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeMultiArchLayout } from './builders';

describe('repo ls --last', () => {
  useEmptyDockerConfig();
  let server: OciServer;
  before(async () => {
    server = await startOciServer();
    for (const name of ['alpha', 'beta', 'team/api', 'team/app', 'team/web', 'zeta']) {
      const repo = RemoteRepository.open(`${server.host}/${name}`, { plainHttp: true });
      await repo.tag(await makeImage(repo), 'v1');
    }
  });
  after(async () => {
    await server.stop();
    cleanupTemps();
  });

  const catalogAsked = (from: number) => server.requests.slice(from).filter((q) => q.path.startsWith('/v2/_catalog')).map((q) => new URL(q.path, 'http://x').searchParams.get('last'));

  it('lists the repositories after the one named, sending it as the catalog\'s last', async () => {
    const from = server.requests.length;
    const r = await runCli('repo', 'ls', '--plain-http', '--last', 'team/api', server.host);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'team/app\nteam/web\nzeta\n');
    assert.deepEqual(catalogAsked(from), ['team/api']);
    const json = await runCli('repo', 'ls', '--plain-http', '--last', 'beta', server.host, '--format', 'json');
    assert.deepEqual(JSON.parse(json.stdout), { registry: server.host, repositories: ['team/api', 'team/app', 'team/web', 'zeta'] });
    // As oras: a template over the same object.
    const t = await runCli('repo', 'ls', '--plain-http', '--last', 'team/web', server.host, '--format', 'go-template', '--template', '{{.registry}}:{{range .repositories}} {{.}}{{end}}');
    assert.equal(t.stdout, `${server.host}: zeta`);
  });

  it('within a namespace: after the later of the namespace and the name given', async () => {
    const from = server.requests.length;
    const r = await runCli('repo', 'ls', '--plain-http', '--last', 'team/api', `${server.host}/team`);
    assert.equal(r.stdout, 'app\nweb\n');
    const before = await runCli('repo', 'ls', '--plain-http', '--last', 'alpha', `${server.host}/team`);
    assert.equal(before.stdout, 'api\napp\nweb\n');
    assert.deepEqual(catalogAsked(from), ['team/api', 'team']);
  });

  it('with --oci-layout, the tags after it (as repo tags --last)', async () => {
    const { store } = await makeMultiArchLayout();
    assert.equal((await runCli('tag', '--oci-layout', `${store.location}:multi`, 'a', 'z')).code, 0);
    assert.equal((await runCli('repo', 'ls', '--oci-layout', store.location, '--format', 'text')).stdout, 'a\nmulti\nz\n');
    const r = await runCli('repo', 'ls', '--oci-layout', store.location, '--format', 'text', '--last', 'a');
    assert.equal(r.stdout, 'multi\nz\n');
  });
});
