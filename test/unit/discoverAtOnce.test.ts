import { strict as assert } from 'node:assert';
import { discover, type ReferrerNode, type SubjectNode } from '../../src/oci/referrers/discover';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { startOciServer, type OciServer } from '../integration/support';
import { makeArtifact, makeImage, makeIndex } from './builders';

/**
 * discover --recursive on a registry lists the referrers of the manifests it comes to a few at a time (one after
 * another, a 50-platform index is 50 round trips in a row), and finds the same tree, in the same order.
 */
describe('discover --recursive on a registry: listings at once', () => {
  for (const referrersApi of [true, false]) {
    describe(referrersApi ? 'with the referrers API' : 'through the tag schema fallback', () => {
      let server: OciServer;
      let inFlight = 0;
      let peak = 0;

      beforeEach(async () => {
        inFlight = 0;
        peak = 0;
        // Each referrers listing (the API, or the fallback tag's index) is held for a moment: time for the next ones.
        server = await startOciServer({
          referrersApi,
          hold: ({ method, path }) => {
            if (method !== 'GET' || !/\/referrers\/|\/manifests\/sha256-/.test(path)) return undefined;
            peak = Math.max(peak, ++inFlight);
            return new Promise<void>((resolve) => setTimeout(resolve, 30)).then(() => void inFlight--);
          },
        });
      });
      afterEach(() => server.stop());

      it('finds every platform\'s referrers and theirs, in index order, with at most 8 listings at once', async () => {
        const repo = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app');
        const archs = ['amd64', 'arm64', '386', 'ppc64le', 's390x', 'riscv64', 'mips64le', 'loong64', 'arm', 'wasm'];
        const images = [];
        for (const arch of archs) images.push(await makeImage(repo, { arch }));
        const index = await makeIndex(repo, images);
        await repo.tag(index, 'multi');
        // An SBOM on each platform, and a signature on each SBOM.
        for (const [n, image] of images.entries()) {
          const sbom = await makeArtifact(repo, { subject: image, artifactType: 'application/spdx+json', annotations: { n: String(n) } });
          await makeArtifact(repo, { subject: sbom, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json', annotations: { n: String(n) } });
        }
        const shown = (node: ReferrerNode): string => `${node.desc.artifactType} ${node.desc.annotations?.n}${node.referrers.map((r) => ` [${shown(r)}]`).join('')}`;
        const root = await discover(repo, 'multi', { recursive: true });
        assert.ok(peak > 1 && peak <= 8, `listings at once: ${peak}`);
        assert.deepEqual(
          root.manifests!.map((m: SubjectNode) => `${m.position.join('.')} ${m.desc.platform?.architecture}: ${m.referrers.map(shown).join(', ')}`),
          archs.map((arch, n) => `${n + 1} ${arch}: application/spdx+json ${n} [application/vnd.dev.cosign.artifact.sig.v1+json ${n}]`),
        );
        // depth 1: the SBOMs alone, the signatures not listed.
        const shallow = await discover(repo, 'multi', { recursive: true, depth: 1 });
        assert.deepEqual(shallow.manifests!.map((m) => m.referrers.map(shown).join(', ')), archs.map((_, n) => `application/spdx+json ${n}`));
      });
    });
  }
});
