// A registry whose HEAD answer for a tag gives the other kind than the manifest (an image whose HEAD says index, an
// index whose HEAD says image manifest): the commands that act on what the document declares (a platform picked,
// its files, its config, its referrers, an index updated) refuse it as every other command does, naming both types
// and the reference, since the registry itself disagrees with the document; none of them acts on the HEAD's kind.
import { strict as assert } from 'node:assert';
import type { OciServer } from '../integration/support';
import type { Exchange, MisbehavingRegistry } from '../helpers/misbehavingRegistry';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';
import { startAppBehindProxy, type AppBehindProxy } from './support/appBehindProxy';

const M = 'application/vnd.oci.image.manifest.v1+json';
const I = 'application/vnd.oci.image.index.v1+json';

describe('a registry whose HEAD answer gives the other kind: commands that act on the document refuse it, naming both', function () {
  this.timeout(30_000);
  let server: OciServer;
  let proxy: MisbehavingRegistry;
  let image: { digest: string; size: number };
  let multi: { digest: string; size: number };
  const cli = (...argv: string[]) => runCli(...argv, '--plain-http', '--retries', '0');

  let app: AppBehindProxy;
  before(async () => {
    ({ server, proxy, image, multi } = app = await startAppBehindProxy());
  });
  afterEach(() => proxy.misbehave([]));
  after(async () => {
    await app.stop();
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
