// A registry whose HEAD answer for a tag gives the other kind than the manifest (an image whose HEAD says index, an
// index whose HEAD says image manifest): the commands that act on what the document declares (a platform picked,
// its files, its config, its referrers, an index updated) refuse it as every other command does, naming both types
// and the reference, since the registry itself disagrees with the document; none of them acts on the HEAD's kind.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { startOciServer, type OciServer } from '../integration/support';
import { startMisbehavingRegistry, type Exchange, type MisbehavingRegistry } from '../helpers/misbehavingRegistry';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

const M = 'application/vnd.oci.image.manifest.v1+json';
const I = 'application/vnd.oci.image.index.v1+json';
const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('a registry whose HEAD answer gives the other kind: commands that act on the document refuse it, naming both', function () {
  this.timeout(30_000);
  let server: OciServer;
  let proxy: MisbehavingRegistry;
  let image: { digest: string; size: number };
  let multi: { digest: string; size: number };
  const cli = (...argv: string[]) => runCli(...argv, '--plain-http', '--retries', '0');

  before(async () => {
    server = await startOciServer();
    const r = server.repo('app');
    const put = (doc: unknown, mediaType: string) => {
      const b = Buffer.from(JSON.stringify(doc));
      r.manifests.set(sha(b), { mediaType, bytes: b });
      return { digest: sha(b), size: b.length };
    };
    const c = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
    r.blobs.set(sha(c), c);
    const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(c), size: c.length };
    image = put({ schemaVersion: 2, mediaType: M, config, layers: [] }, M);
    multi = put({ schemaVersion: 2, mediaType: I, manifests: [{ mediaType: M, ...image, platform: { architecture: 'amd64', os: 'linux' } }] }, I);
    r.tags.set('v1', image.digest);
    r.tags.set('multi', multi.digest);
    proxy = await startMisbehavingRegistry(`http://${server.host}`);
  });
  afterEach(() => proxy.misbehave([]));
  after(async () => {
    await proxy.stop();
    await server.stop();
    cleanupTemps();
  });

  /** The tag's HEAD answer passed on with Content-Type `claimed`; the GET by digest is as the registry has it. */
  const headSays = (claimed: string): void =>
    proxy.misbehave([
      {
        method: 'HEAD',
        path: /\/manifests\/(v1|multi)$/,
        act: async (x: Exchange) => {
          const up = await x.upstream();
          x.send({ status: up.status, headers: { ...up.headers, 'content-type': claimed }, body: Buffer.alloc(0) }, true);
        },
      },
    ]);

  for (const { tag, claimed, own } of [
    { tag: 'v1', claimed: I, own: M },
    { tag: 'multi', claimed: M, own: I },
  ]) {
    it(`${tag} (${own === I ? 'an index' : 'an image'}) whose HEAD says ${claimed}: pull, pull --platform, fetch-config, discover -r and --platform, index update refused, naming both`, async () => {
      headSays(claimed);
      const ref = `${proxy.host}/app:${tag}`;
      const digest = tag === 'v1' ? image.digest : multi.digest;
      const said = `Error: ${ref}: the registry's HEAD answer gave Content-Type ${claimed}, but manifest ${digest} is ${own} (its own mediaType, verified by digest): the HEAD answer disagrees with the document\n`;
      for (const argv of [
        ['pull', ref, '-o', tempDir()],
        ['pull', ref, '--platform', 'linux/amd64', '-o', tempDir()],
        ['manifest', 'fetch-config', ref],
        ['manifest', 'fetch-config', ref, '--platform', 'linux/amd64'],
        ['discover', '-r', ref],
        ['discover', ref, '--platform', 'linux/amd64'],
        ['manifest', 'index', 'update', ref, '--add', `${proxy.host}/app@${image.digest}`],
      ]) {
        const r = await cli(...argv);
        assert.deepEqual([r.code, r.stderr.split('\n').filter((l) => l.startsWith('Error')).join('\n') + '\n'], [1, said], argv.join(' '));
      }
      // Nothing was stored: the tag still names the same manifest.
      assert.equal(server.repo('app').tags.get(tag), digest);
    });
  }
});
