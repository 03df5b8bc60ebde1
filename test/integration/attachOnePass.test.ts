// attach to a real registry reads a large file once: streamed into an upload session while hashed (the digest only
// goes with the closing PUT), committed only when every file is read; a file that changes meanwhile is refused
// with no tag (no fallback-tag index), no referrer and no blob under its digest. A file of up to HASH_FIRST_LIMIT
// is hashed first and sent by its digest, which the registry checks: one changed in between is refused too.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { ANNOTATION_TITLE, type Descriptor } from '../../src/oci/descriptor';
import type { OpOptions } from '../../src/oci/target';
import { digestOf } from '../../src/oci/digest';
import { MediaType } from '../../src/oci/mediaType';
import { HASH_FIRST_LIMIT } from '../../src/oci/artifacts/stager';
import { attach } from '../../src/oci/referrers';
import { emptyDescriptor, packArtifactManifest } from '../../src/oci/referrers/pack';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { collect } from '../helpers/assertions';
import { tapStaging } from '../helpers/stageTap';
import { cleanupTemps, makeImage, tempDir } from '../unit/builders';
import { hasDockerRegistry, useEmptyDockerConfig, useLaunchedRegistry } from './support';

const NOW = () => new Date('2026-03-04T05:06:07.891Z');


const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

describeRegistry('attach in one pass against docker-registry', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry();
  after(cleanupTemps);
  const repoNamed = (name: string) => new RemoteRepository(new RegistryClient(registry.host, { plainHttp: true }), name);

  it('stores the bytes and digests a hash-first attach computed: layers, manifest bytes, listed as a referrer', async () => {
    const repo = repoNamed('onepass/same');
    const subject = await makeImage(repo, { seed: 'onepass' });
    await repo.tag(subject, 'v1');
    const dir = tempDir('manifold-onepass-it-');
    // Over the hash-first limit, so it streams into its session; the SBOM is hashed first.
    const big = Buffer.alloc(HASH_FIRST_LIMIT + (1 << 20), Buffer.from(Array.from({ length: 253 }, (_, i) => (i * 13) % 253)));
    writeFileSync(join(dir, 'big.bin'), big);
    writeFileSync(join(dir, 'sbom.spdx.json'), '{"spdxVersion":"SPDX-2.3","name":"demo"}\n');
    const files = [
      { path: join(dir, 'big.bin'), title: 'big.bin' },
      { path: join(dir, 'sbom.spdx.json'), title: 'sbom.spdx.json', mediaType: 'application/spdx+json' },
    ];
    const target = tapStaging(repo, () => undefined);
    const { artifacts } = await attach(target, { subject: 'v1', artifactType: 'application/vnd.test', files, now: NOW });
    assert.equal(target.stages, 1);

    const layers: Descriptor[] = files.map((f) => {
      const bytes = readFileSync(f.path);
      return { mediaType: f.mediaType ?? MediaType.ImageLayer, digest: digestOf(bytes), size: bytes.length, annotations: { [ANNOTATION_TITLE]: f.title } };
    });
    const expected = packArtifactManifest({
      artifactType: 'application/vnd.test',
      config: emptyDescriptor(),
      layers,
      subject: await repo.resolve(subject.digest),
      annotations: { 'org.opencontainers.image.created': '2026-03-04T05:06:07Z' },
    });
    assert.equal(artifacts[0]!.desc.digest, expected.desc.digest);
    assert.deepEqual(await repo.fetchBytes(expected.desc), expected.raw);
    for (const [i, f] of files.entries()) {
      const stream = await repo.fetch(layers[i]!);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      assert.deepEqual(Buffer.concat(chunks), readFileSync(f.path), f.title);
    }
    const referrers = await collect(repo.referrers(await repo.resolve(subject.digest)));
    assert.deepEqual(referrers.map((r) => r.digest), [expected.desc.digest]);
  });

  it('a file appended to by a second process while it streams: refused naming it; no tag, no referrer, no blob', async () => {
    const repo = repoNamed('onepass/changing');
    const subject = await makeImage(repo, { seed: 'onepass' });
    await repo.tag(subject, 'v1');
    const dir = tempDir('manifold-onepass-it-');
    const first = join(dir, 'first.txt');
    const changing = join(dir, 'changing.bin');
    writeFileSync(first, `only in this test ${Date.now()}\n`);
    writeFileSync(changing, Buffer.alloc(HASH_FIRST_LIMIT + (1 << 20), 9)); // streamed, not hashed first
    const tagsBefore = await collect(repo.tags());
    let changed = false;
    const target = tapStaging(repo, (chunk) => {
      if (changed || chunk.length < 1024) return;
      changed = true;
      execFileSync('sh', ['-c', 'printf more >> "$0"', changing]);
    });
    await assert.rejects(
      attach(target, { subject: 'v1', artifactType: 'a/b', files: [{ path: first }, { path: changing }] }),
      (e: Error) => e.message === `${changing}: the file changed while it was read; nothing was pushed`,
    );
    assert.ok(changed);
    assert.deepEqual(await collect(repo.tags()), tagsBefore);
    assert.deepEqual(await collect(repo.referrers(await repo.resolve(subject.digest))), []);
    const firstBytes = readFileSync(first);
    assert.equal(await repo.exists({ mediaType: 'application/octet-stream', digest: digestOf(firstBytes), size: firstBytes.length }), false);
  });

  it('a file hashed first whose bytes differ when it is sent (no change a stat sees): the registry refuses them, the file is named', async () => {
    const repo = repoNamed('onepass/swapped');
    const subject = await makeImage(repo, { seed: 'onepass' });
    await repo.tag(subject, 'v1');
    const dir = tempDir('manifold-onepass-it-');
    const file = join(dir, 'sbom.json');
    writeFileSync(file, '{"name":"the bytes hashed"}\n');
    // The upload is given other bytes of the same size than the file held when hashed, as a file rewritten within
    // its time stamp's resolution would give: only the registry's check of the digest can tell.
    const target = new Proxy(repo, {
      get(t, prop, receiver) {
        if (prop === 'pushBlob') {
          return (desc: Descriptor, _open: () => Promise<Readable>, options?: OpOptions) => t.pushBlob(desc, async () => Readable.from([Buffer.from('{"name":"the bytes swap"}\n  ')]), options);
        }
        const v = Reflect.get(t, prop, receiver);
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
    const tagsBefore = await collect(repo.tags());
    await assert.rejects(attach(target, { subject: 'v1', artifactType: 'a/b', files: [{ path: file }] }), (e: Error) => {
      assert.ok(e.message.startsWith(`${file}: blob sha256:`), e.message);
      assert.match(e.message, /the registry found the content does not match its digest/);
      return true;
    });
    assert.deepEqual(await collect(repo.tags()), tagsBefore);
    assert.deepEqual(await collect(repo.referrers(await repo.resolve(subject.digest))), []);
    const swapped = Buffer.from('{"name":"the bytes swap"}\n  ');
    assert.equal(await repo.exists({ mediaType: 'application/octet-stream', digest: digestOf(swapped), size: swapped.length }), false);
  });
});
