import { strict as assert } from 'node:assert';
import type { Descriptor } from '../../src/oci/descriptor';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { runCli } from '../helpers/runCli';
import { makeArtifact, makeImage } from '../unit/builders';
import { hasDockerRegistry, useEmptyDockerConfig, useLaunchedRegistry } from './support';

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

/**
 * On distribution 2.8 (no referrers API) the referrers of a manifest are listed by its `sha256-<hex>` fallback tag.
 * `manifest delete --include-referrers` deletes several at once: the referrers of one subject are deleted by their
 * subject's rewrites of its fallback index, one at a time, each before an index without them is pushed
 * (distribution refuses an index that lists a manifest it no longer has), while the other subjects' fallback tags
 * stay as they were.
 */
describeRegistry('docker-registry (distribution 2.8): manifest delete --include-referrers, requests at once', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry();

  it('deletes an image with four SBOMs, each signed; the fallback tags left are those of what stays, as they were', async () => {
    const repo = new RemoteRepository(new RegistryClient(registry.host, { plainHttp: true }), 'del/app');
    const image = await makeImage(repo, { arch: 'amd64' });
    const other = await makeImage(repo, { arch: 'arm64' });
    await repo.tag(image, 'doomed');
    await repo.tag(other, 'kept');
    const otherSbom = await makeArtifact(repo, { subject: other, artifactType: 'application/spdx+json' });
    const doomed: Descriptor[] = [];
    for (let n = 0; n < 4; n++) {
      const sbom = await makeArtifact(repo, { subject: image, artifactType: 'application/spdx+json', annotations: { n: String(n) } });
      doomed.push(sbom, await makeArtifact(repo, { subject: sbom, artifactType: 'application/vnd.sig', annotations: { n: String(n) } }));
    }
    const tags = async () => {
      const out: string[] = [];
      for await (const t of repo.tags()) out.push(`${t} ${(await repo.resolve(t)).digest}`);
      return out;
    };
    const tagsBefore = await tags();
    const otherFallback = await repo.resolve(`sha256-${other.digest.slice(7)}`);
    const r = await runCli('manifest', 'delete', `${registry.host}/del/app:doomed`, '--include-referrers', '--force', '--plain-http');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Deleting 9 manifests:$/m);
    const fetch = (d: Descriptor) => runCli('manifest', 'fetch', `${registry.host}/del/app@${d.digest}`, '--plain-http');
    for (const d of [image, ...doomed]) assert.notEqual((await fetch(d)).code, 0, `${d.digest} deleted`);
    for (const d of [other, otherSbom]) assert.equal((await fetch(d)).code, 0, `${d.digest} kept`);
    const tagsAfter = await tags();
    const gone = new Set(['doomed', ...[image, ...doomed.filter((_, i) => i % 2 === 0)].map((d) => `sha256-${d.digest.slice(7)}`)]);
    const named = (t: string) => t.split(' ')[0]!;
    assert.equal(tagsBefore.filter((t) => gone.has(named(t))).length, 6, tagsBefore.join('\n'));
    // The tags left name what they named: the other image, and its fallback tag, byte for byte the same index.
    assert.deepEqual(tagsAfter, tagsBefore.filter((t) => !gone.has(named(t))));
    assert.deepEqual(await repo.resolve(`sha256-${other.digest.slice(7)}`), otherFallback);
    const listed = [];
    for await (const x of repo.referrers(other)) listed.push(x.digest);
    assert.deepEqual(listed, [otherSbom.digest]);
  });
});
