// attach and discover go through the Target interface, so they work on a registry as on a layout: here an
// in-memory OCI server, with the referrers API and without it (the fallback tag schema).
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageManifest } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { MediaType } from '../../src/oci/mediaType';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { startOciServer, type OciServer } from '../integration/support';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeIndex, tempDir } from './builders';

interface JsonNode {
  digest: string;
  referrers: Array<{ digest: string; artifactType?: string; annotations?: Record<string, string> }>;
  manifests?: JsonNode[];
}

after(cleanupTemps);

for (const referrersApi of [true, false]) {
  describe(`attach and discover on a registry ${referrersApi ? 'with the referrers API' : 'without it (fallback tags)'}`, () => {
    let server: OciServer;
    beforeEach(async () => (server = await startOciServer({ referrersApi })));
    afterEach(async () => server.stop());

    it('attaches to the index and every platform, and discovers them all', async () => {
      const repo = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app');
      const amd64 = await makeImage(repo, { arch: 'amd64' });
      const arm64 = await makeImage(repo, { arch: 'arm64' });
      const index = await makeIndex(repo, [amd64, arm64]);
      await repo.tag(index, 'v1');
      const sig = join(tempDir(), 'b1.sig');
      writeFileSync(sig, 'signature of linux/amd64\n');
      const ref = `${server.host}/app:v1`;

      let r = await runCli('attach', '--plain-http', ref, '--artifact-type', 'application/vnd.demo.lifecycle', '--recursive', '-a', 'eol=2027-01-01');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        r.stdout.split('\n').filter((l) => l.startsWith('Attached')),
        [index, amd64, arm64].map((d) => `Attached to [registry] ${server.host}/app@${d.digest}`),
      );
      r = await runCli('attach', '--plain-http', '--disable-path-validation', ref, '--artifact-type', 'application/vnd.demo.signature', '--platform', `linux/amd64=${sig}`);
      assert.equal(r.code, 0, r.stderr);

      r = await runCli('discover', '--plain-http', ref, '--recursive', '--format', 'json');
      assert.equal(r.code, 0, r.stderr);
      const tree = JSON.parse(r.stdout) as JsonNode;
      const nodes = [tree, ...tree.manifests!];
      assert.deepEqual(nodes.map((n) => n.digest), [index.digest, amd64.digest, arm64.digest]);
      for (const n of nodes) assert.ok(n.referrers.some((x) => x.artifactType === 'application/vnd.demo.lifecycle' && x.annotations?.eol === '2027-01-01'), n.digest);
      const signature = nodes[1]!.referrers.find((x) => x.artifactType === 'application/vnd.demo.signature')!;
      const manifest = JSON.parse((await repo.fetchBytes({ mediaType: MediaType.ImageManifest, digest: signature.digest, size: (await repo.resolve(signature.digest)).size })).toString()) as ImageManifest;
      assert.equal(manifest.subject?.digest, amd64.digest);
      assert.equal(manifest.layers[0]!.digest, digestOf(Buffer.from('signature of linux/amd64\n')));
      assert.equal(nodes[2]!.referrers.length, 1);
    });
  });
}
