import { strict as assert } from 'node:assert';
import type { Descriptor } from '../../src/oci/descriptor';
import { OciError } from '../../src/oci/errors';
import { planDeleteWithReferrers, runDeletePlan, type DeletePlan, type PlannedDeletion } from '../../src/oci/graph';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import type { OpOptions } from '../../src/oci/target';
import { planText } from '../../src/cli/commands/manifestDelete';
import { startOciServer, type OciServer } from '../integration/support';
import { runCli } from '../helpers/runCli';
import { makeArtifact, makeImage, makeIndex } from './builders';

/**
 * `manifest delete --include-referrers` on a registry: the plan's referrers listings and manifest reads, and the
 * deletions, overlap (they went one after another), while the plan printed, what is deleted in what order and what
 * the registry is left holding (its tags, its manifests, the fallback tags of what stays) are as before.
 */
describe('manifest delete --include-referrers on a registry: requests at once', () => {
  for (const [referrersApi, referrersPageSize] of [[true, undefined], [true, 1], [false, undefined]] as const) {
    describe(referrersApi ? `with the referrers API${referrersPageSize ? `, ${referrersPageSize} referrer a page` : ''}` : 'through the tag schema fallback', () => {
      let server: OciServer;
      let held = false;
      let inFlight = 0;
      let peak = 0;

      beforeEach(async () => {
        held = false;
        inFlight = 0;
        peak = 0;
        // Once the graph is pushed, each manifest read, listing and deletion is held a moment: time for the next ones.
        server = await startOciServer({
          referrersApi,
          referrersPageSize,
          hold: ({ path }) => {
            if (!held || !/\/(manifests|referrers)\//.test(path)) return undefined;
            peak = Math.max(peak, ++inFlight);
            return new Promise<void>((resolve) => setTimeout(resolve, 30)).then(() => void inFlight--);
          },
        });
      });
      afterEach(() => server.stop());

      const repository = () => new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app');
      const ref = (x: string) => `${server.host}/app${x.startsWith('sha256:') ? '@' : ':'}${x}`;

      /** Four platforms, each with an SBOM signed; the index with three referrers, each signed. */
      async function graph() {
        const repo = repository();
        const platforms: Descriptor[] = [];
        for (const arch of ['amd64', 'arm64', 's390x', 'ppc64le']) platforms.push(await makeImage(repo, { arch }));
        const index = await makeIndex(repo, platforms);
        await repo.tag(index, 'multi');
        const chains = [];
        for (const [n, p] of platforms.entries()) {
          const sbom = await makeArtifact(repo, { subject: p, artifactType: 'application/spdx+json', annotations: { n: String(n) } });
          const sig = await makeArtifact(repo, { subject: sbom, artifactType: 'application/vnd.sig', annotations: { n: String(n) } });
          chains.push({ platform: p, sbom, sig });
        }
        const onIndex = [];
        for (const type of ['application/spdx+json', 'application/vnd.in-toto+json', 'application/vnd.cyclonedx+json']) {
          const referrer = await makeArtifact(repo, { subject: index, artifactType: type, annotations: { on: 'index' } });
          const sig = await makeArtifact(repo, { subject: referrer, artifactType: 'application/vnd.sig', annotations: { on: type } });
          onIndex.push({ referrer, sig });
        }
        return { repo, platforms, index, chains, onIndex };
      }

      /** What the registry holds: each tag with the digest it names, and every manifest's digest. */
      const holding = () => {
        const r = server.repo('app');
        return { tags: [...r.tags.entries()].map(([t, d]) => `${t} ${d}`).sort(), manifests: [...r.manifests.keys()].sort() };
      };
      /** `before` less the deleted manifests, the tags naming them, and the fallback tags of the subjects left without referrers. */
      const without = (before: ReturnType<typeof holding>, deleted: Descriptor[], emptied: Descriptor[]) => {
        const gone = new Set(deleted.map((d) => d.digest));
        const fallbackTags = new Set(emptied.map((d) => `sha256-${d.digest.slice(7)}`));
        const fallbacks = new Set(before.tags.filter((t) => fallbackTags.has(t.split(' ')[0]!)).map((t) => t.split(' ')[1]!));
        if (referrersApi) assert.equal(fallbacks.size, 0);
        else assert.equal(fallbacks.size, emptied.length, 'a fallback tag for each subject with referrers');
        return {
          tags: before.tags.filter((t) => !gone.has(t.split(' ')[1]!) && !fallbackTags.has(t.split(' ')[0]!)),
          manifests: before.manifests.filter((d) => !gone.has(d) && !fallbacks.has(d)),
        };
      };
      const expectedOutput = (deletions: PlannedDeletion[], kept: Descriptor[]) => {
        const plan: DeletePlan = { deletions, kept, childrenConsidered: false };
        return planText(plan, ref) + deletions.map((p) => `Deleted [registry] ${ref(p.desc.digest)}\n`).join('');
      };
      const as = (desc: Descriptor, role: PlannedDeletion['role'], of?: Descriptor): PlannedDeletion => ({ desc, role, ...(of ? { of: of.digest } : {}) });

      it('a referrer chain (a signature of an SBOM of a platform): the plan, the order and what is left as before', async () => {
        const g = await graph();
        const { platform, sbom, sig } = g.chains[1]!;
        const before = holding();
        held = true;
        const r = await runCli('manifest', 'delete', ref(platform.digest), '--include-referrers', '--force', '--plain-http');
        held = false;
        assert.equal(r.code, 0, r.stderr);
        const { platform: _p, ...resolved } = platform;
        assert.equal(
          r.stdout,
          expectedOutput([as({ ...sig, artifactType: 'application/vnd.sig', annotations: { n: '1' } }, 'referrer', sbom), as({ ...sbom, artifactType: 'application/spdx+json', annotations: { n: '1' } }, 'referrer', platform), as(resolved, 'manifest')], []),
        );
        assert.deepEqual(holding(), without(before, [sig, sbom, platform], [platform, sbom]));
        assert.ok(peak > 1 && peak <= 8, `requests at once: ${peak}`);
        // The other platforms keep their referrers, listed as before.
        const repo = repository();
        for (const c of g.chains.filter((_, n) => n !== 1)) {
          const listed = [];
          for await (const x of repo.referrers(c.platform)) listed.push(x.digest);
          assert.deepEqual(listed, [c.sbom.digest]);
        }
      });

      it('an index with platforms each with referrers: its own referrers go, signatures first, the platforms and theirs stay', async () => {
        const g = await graph();
        const listed: Descriptor[] = [];
        for await (const x of g.repo.referrers(g.index)) listed.push(x);
        const byDigest = new Map(g.onIndex.map((o) => [o.referrer.digest, o]));
        const sigs: PlannedDeletion[] = [];
        for (const x of listed) {
          const { sig } = byDigest.get(x.digest)!;
          sigs.push(as({ ...sig, artifactType: 'application/vnd.sig', annotations: { on: x.artifactType! } }, 'referrer', x));
        }
        const before = holding();
        held = true;
        const r = await runCli('manifest', 'delete', ref('multi'), '--include-referrers', '--force', '--plain-http');
        held = false;
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, expectedOutput([...sigs, ...listed.map((x) => as(x, 'referrer', g.index)), as({ mediaType: g.index.mediaType, digest: g.index.digest, size: g.index.size }, 'manifest')], g.platforms));
        const deleted = [g.index, ...g.onIndex.flatMap((o) => [o.referrer, o.sig])];
        assert.deepEqual(holding(), without(before, deleted, [g.index, ...g.onIndex.map((o) => o.referrer)]));
        assert.ok(peak > 1 && peak <= 8, `requests at once: ${peak}`);
        const repo = repository();
        for (const c of g.chains) {
          const found = [];
          for await (const x of repo.referrers(c.platform)) found.push(x.digest);
          assert.deepEqual(found, [c.sbom.digest]);
        }
      });

      it('the plan says the first listing that fails in its walk, though a later one fails first', async () => {
        const g = await graph();
        const listed: Descriptor[] = [];
        for await (const x of g.repo.referrers(g.index)) listed.push(x);
        const slow = listed[0]!; // the walk lists it first of the three; this listing fails late
        const fast = listed[2]!; // listed last in the walk; this listing fails at once
        const repo = repository();
        const failing = Object.create(repo) as RemoteRepository;
        failing.referrers = async function* (desc: Descriptor, options?: OpOptions) {
          if (desc.digest === slow.digest) {
            await new Promise((resolve) => setTimeout(resolve, 100));
            throw new OciError('INVALID_MANIFEST', `listing of the first failed`);
          }
          if (desc.digest === fast.digest) throw new OciError('INVALID_MANIFEST', `listing of the last failed`);
          yield* repo.referrers(desc, options);
        };
        held = true;
        await assert.rejects(planDeleteWithReferrers(failing, g.index), /listing of the first failed/);
        held = false;
      });

      it('the last deletion failing (nothing waits for it): its error is said, all before it deleted, nothing left unhandled', async () => {
        const g = await graph();
        const repo = repository();
        const plan = await planDeleteWithReferrers(repo, g.platforms[0]!);
        const failing = Object.create(repo) as RemoteRepository;
        failing.delete = async (desc: Descriptor, options?: OpOptions) => {
          if (desc.digest === g.platforms[0]!.digest) throw new OciError('UNSUPPORTED', 'deleting the platform is refused');
          return repo.delete(desc, options);
        };
        const said: string[] = [];
        // Nothing left rejected unawaited: the CLI's process would end on it.
        const unhandled: unknown[] = [];
        const note = (reason: unknown) => void unhandled.push(reason);
        process.on('unhandledRejection', note);
        try {
          await assert.rejects(runDeletePlan(failing, plan, { onDeleted: (d) => said.push(d.digest) }), /deleting the platform is refused/);
          await new Promise((resolve) => setTimeout(resolve, 10));
        } finally {
          process.off('unhandledRejection', note);
        }
        assert.deepEqual(unhandled, []);
        assert.deepEqual(said, [g.chains[0]!.sig.digest, g.chains[0]!.sbom.digest]);
        assert.ok(server.repo('app').manifests.has(g.platforms[0]!.digest));
      });

      it('a deletion that fails: its error is said, its subject stays, what it waited for is gone', async () => {
        const g = await graph();
        const repo = repository();
        const plan = await planDeleteWithReferrers(repo, g.index);
        const failingOne = plan.deletions.find((p) => p.role === 'referrer' && p.of === g.index.digest)!;
        const failing = Object.create(repo) as RemoteRepository;
        failing.delete = async (desc: Descriptor, options?: OpOptions) => {
          if (desc.digest === failingOne.desc.digest) {
            await new Promise((resolve) => setTimeout(resolve, 50));
            throw new OciError('UNSUPPORTED', `deleting ${desc.digest} is refused`);
          }
          return repo.delete(desc, options);
        };
        const said: string[] = [];
        held = true;
        await assert.rejects(runDeletePlan(failing, plan, { onDeleted: (d) => said.push(d.digest) }), new RegExp(`deleting ${failingOne.desc.digest} is refused`));
        held = false;
        const stored = server.repo('app').manifests;
        assert.ok(stored.has(g.index.digest), 'the subject of the referrer not deleted stays');
        assert.ok(stored.has(failingOne.desc.digest), 'the referrer not deleted stays');
        const itsSig = g.onIndex.find((o) => o.referrer.digest === failingOne.desc.digest)!.sig;
        assert.ok(!stored.has(itsSig.digest), 'its own referrer, deleted before it, is gone');
        // Said in the plan's order, each deleted: those before the failing one, and any sent with it.
        const order = plan.deletions.map((p) => p.desc.digest);
        assert.deepEqual(said, order.filter((d) => said.includes(d)));
        for (const d of said) assert.ok(!stored.has(d), `${d} said deleted is gone`);
        for (const d of order.slice(0, order.indexOf(failingOne.desc.digest))) assert.ok(said.includes(d), `${d}, before it in the plan, deleted`);
      });
    });
  }
});
