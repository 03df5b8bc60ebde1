// `--distribution-spec`, as oras takes it: the referrers tag schema forced on a registry that has the referrers API
// (some API implementations are incomplete), and the API forced; a typo is refused naming the two values.
import assert from 'node:assert/strict';
import { startOciServer, type OciServer } from '../integration/support';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeMultiArchLayout } from './builders';

describe('CLI --distribution-spec', () => {
  let server: OciServer;
  before(async () => (server = await startOciServer({ referrersApi: true })));
  after(async () => {
    await server.stop();
    cleanupTemps();
  });

  const fallbackTag = (digest: string) => `${server.host}/app:${digest.replace(':', '-')}`;

  it('v1.1-referrers-tag: attach writes the sha256-<hex> fallback index on a registry with the API, and discover reads it', async () => {
    const { store, index } = await makeMultiArchLayout();
    assert.equal((await runCli('cp', '--from-oci-layout', `${store.location}:multi`, `${server.host}/app:v1`, '--plain-http')).code, 0);

    // Asked of the registry (the API): no fallback tag.
    const api = await runCli('attach', `${server.host}/app:v1`, '--plain-http', '--artifact-type', 'application/vnd.example.a', '--annotation', 'k=v');
    assert.equal(api.code, 0, api.stderr);
    assert.equal((await runCli('manifest', 'fetch', fallbackTag(index.digest), '--plain-http')).code, 1);

    const tag = await runCli('attach', `${server.host}/app:v1`, '--plain-http', '--distribution-spec', 'v1.1-referrers-tag', '--artifact-type', 'application/vnd.example.b', '--annotation', 'k=v', '--format', 'json');
    assert.equal(tag.code, 0, tag.stderr);
    const made = (JSON.parse(tag.stdout) as { artifacts: { digest: string }[] }).artifacts.map((a) => a.digest);
    const fallback = await runCli('manifest', 'fetch', fallbackTag(index.digest), '--plain-http');
    assert.equal(fallback.code, 0, fallback.stderr);
    assert.deepEqual((JSON.parse(fallback.stdout) as { manifests: { digest: string }[] }).manifests.map((m) => m.digest), made);

    // Read through the tag schema: only what it lists (the API-attached artifact is not in it).
    const listed = await runCli('discover', `${server.host}/app:v1`, '--plain-http', '--distribution-spec', 'v1.1-referrers-tag', '--format', 'json');
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual((JSON.parse(listed.stdout) as { referrers: { digest: string }[] }).referrers.map((r) => r.digest), made);
  });

  it('v1.1-referrers-api on a registry without the API: said, not read through the tag schema', async () => {
    const plain = await startOciServer({ referrersApi: false });
    try {
      const { store } = await makeMultiArchLayout();
      assert.equal((await runCli('cp', '--from-oci-layout', `${store.location}:multi`, `${plain.host}/app:v1`, '--plain-http')).code, 0);
      const r = await runCli('discover', `${plain.host}/app:v1`, '--plain-http', '--distribution-spec', 'v1.1-referrers-api');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: .*app: no referrers API \(GET http:\/\/.*\/referrers\/sha256:[0-9a-f]{64} answered 404, not a referrers list\); the tag schema is --distribution-spec v1\.1-referrers-tag\n$/);
      assert.equal((await runCli('discover', `${plain.host}/app:v1`, '--plain-http')).code, 0);
    } finally {
      await plain.stop();
    }
  });

  it('refuses another value, naming the two it takes', async () => {
    const r = await runCli('discover', `${server.host}/app:v1`, '--plain-http', '--distribution-spec', 'v1.1');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error: --distribution-spec must be v1.1-referrers-api or v1.1-referrers-tag, got "v1.1"\n');
  });
});
