// `push --force` (oras: a deep traversal of the destination before tagging the root, for a destination partially
// populated, as by a registry cache): a manifest the registry already has does not stand for its blobs. Manifold's
// push checks every blob itself, with or without the flag; these tests hold it to that.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOciServer, useEmptyDockerConfig, type OciServer } from '../integration/support';
import { runCliIn } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('push --force', () => {
  useEmptyDockerConfig();
  let server: OciServer;
  let dir: string;
  before(async () => {
    server = await startOciServer();
    dir = tempDir();
    writeFileSync(join(dir, 'a.txt'), 'first file\n');
    writeFileSync(join(dir, 'b.txt'), 'second file\n');
  });
  after(async () => {
    await server.stop();
    cleanupTemps();
  });

  // A fixed `created`: the second push makes the very manifest the registry has.
  const push = (repo: string, ...flags: string[]) =>
    runCliIn(dir, 'push', '--plain-http', ...flags, '-a', 'org.opencontainers.image.created=2026-01-01T00:00:00Z', '--format', 'json', `${server.host}/${repo}:v1`, 'a.txt', 'b.txt');

  for (const flags of [['--force'], []]) {
    it(`a blob missing under a manifest the registry has is sent again${flags.length ? ' (--force)' : ' (without --force too)'}`, async () => {
      const repo = `force/app${flags.length}`;
      const first = await push(repo);
      assert.equal(first.code, 0, first.stderr);
      const digest = JSON.parse(first.stdout).digest as string;
      // The registry keeps the manifest and loses one layer (an evicted cache entry).
      assert.ok(server.repo(repo).blobs.delete(sha('second file\n')));
      const from = server.requests.length;
      const again = await push(repo, ...flags);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(JSON.parse(again.stdout).digest, digest);
      assert.equal(server.repo(repo).blobs.get(sha('second file\n'))?.toString(), 'second file\n');
      const sent = server.requests.slice(from);
      // The other blobs were asked after, not sent; the manifest was put again under its tag.
      assert.equal(sent.filter((q) => q.method === 'POST' && q.path.startsWith(`/v2/${repo}/blobs/uploads`)).length, 1);
      assert.ok(sent.some((q) => q.method === 'HEAD' && q.path === `/v2/${repo}/blobs/${sha('first file\n')}`));
      assert.ok(sent.some((q) => q.method === 'PUT' && q.path === `/v2/${repo}/manifests/v1`));
    });
  }

  it('says what it does in its help', async () => {
    const help = await runCliIn(dir, 'push', '--help');
    assert.match(help.stdout, /^ {6}--force +check every blob at the destination, even under a manifest it already has/m);
  });
});
