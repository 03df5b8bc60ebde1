// --only for what copies whole sets of tags (copyTags: backup, restore, layout import): the referrers carried picked
// as cp -r --only picks them, cosign's tags judged as the referrers they are; what the destination layout holds after
// is the proof.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyTags, ReferrerFilter, tagsToCopy } from '../../src/oci/copy';
import { OciLayoutStore } from '../../src/oci/layout';
import { cosignTag, KindTable } from '../../src/oci/referrers';
import { encryptCosignKey } from '../../src/oci/signatures';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';
import { carried, made, type Made } from './referrerKindsLayout';

after(cleanupTemps);

/** The layout of referrerKindsLayout, its SBOM signed by cosign too (a `.sig` tag below a referrer). */
async function madeWithSbomCosignSig(): Promise<Made & { sbomCosignTag: string; sbomCosignSig: string }> {
  const m = await made();
  const dir = tempDir();
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(join(dir, 'cosign.key'), encryptCosignKey(privateKey, 'pw'));
  writeFileSync(join(dir, 'pass'), 'pw\n');
  const s = await runCli('sign', '--key', join(dir, 'cosign.key'), '--passphrase-file', join(dir, 'pass'), '--identity', 'r.example/app:v1', '--oci-layout', `${m.a}@${m.digests.sbom}`);
  assert.equal(s.code, 0, s.stderr);
  const sbomCosignTag = cosignTag(m.digests.sbom, 'sig');
  const sbomCosignSig = (await (await OciLayoutStore.open(m.a)).resolve(sbomCosignTag)).digest;
  return { ...m, sbomCosignTag, sbomCosignSig };
}

const tagsOf = async (dir: string) => {
  const out: string[] = [];
  for await (const t of (await OciLayoutStore.open(dir)).tags()) out.push(t);
  return out.sort();
};

describe('copyTags --only (backup, restore, layout import)', () => {
  let m: Awaited<ReturnType<typeof madeWithSbomCosignSig>>;
  before(async () => {
    m = await madeWithSbomCosignSig();
  });

  const copyAll = async (values?: string[]) => {
    const src = await OciLayoutStore.open(m.a);
    const b = join(tempDir(), 'b');
    const dst = await OciLayoutStore.open(b, { create: true });
    const tags = await tagsToCopy(src, undefined, { missing: (_t, e) => e });
    const result = await copyTags(src, tags, dst, values ? { only: new ReferrerFilter(values, new KindTable()) } : {});
    return { b, tags, result, got: await carried(b, m) };
  };

  it('without it: every referrer, and cosign\'s tags copied as the tags they are', async () => {
    const { b, tags, result, got } = await copyAll();
    const d = m.digests;
    assert.deepEqual(got.referrers, [d.signature, d.sbom, d.sbomSignature, d.scan, d.scanSignature].sort());
    assert.deepEqual(await tagsOf(b), tags.map((t) => t.tag).sort());
    assert.deepEqual(await tagsOf(b), [cosignTag(m.index.digest, 'sig'), m.sbomCosignTag, 'multi'].sort());
    assert.deepEqual(result.referrersLeft, []);
  });

  it('signature: the index\'s signature and its cosign .sig tag; the SBOM left with its notary and cosign signatures, the scan with its own', async () => {
    const { b, result, got } = await copyAll(['signature']);
    const d = m.digests;
    assert.deepEqual(got.referrers, [d.signature]);
    // cosign's .sig tag of the index is carried as a referrer (tagged alike); the SBOM's is not: its subject is left.
    assert.deepEqual(await tagsOf(b), [cosignTag(m.index.digest, 'sig'), 'multi'].sort());
    assert.deepEqual(result.tags.map((t) => t.tag), ['multi']);
    assert.deepEqual(result.referrers, [d.signature]);
    const left = result.referrersLeft.map((l) => [l.desc.digest, l.tag ?? null]).sort();
    assert.deepEqual(left, [[d.sbom, null], [d.scan, null], [m.sbomCosignSig, m.sbomCosignTag]].sort());
    const dst = await OciLayoutStore.open(b);
    for (const gone of [d.sbom, d.sbomSignature, d.scan, d.scanSignature, m.sbomCosignSig]) assert.equal(await dst.exists({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: gone, size: 0 }), false, gone);
  });

  it('sbom: the SBOM, its notary signature and its cosign .sig tag; the index\'s signature and .sig tag left', async () => {
    const { b, result, got } = await copyAll(['sbom']);
    const d = m.digests;
    // A signature below an SBOM kept is carried only when signatures are named too: not here.
    assert.deepEqual(got.referrers, [d.sbom]);
    assert.deepEqual(await tagsOf(b), ['multi']);
    const left = result.referrersLeft.map((l) => [l.desc.digest, l.tag ?? null]).sort();
    assert.deepEqual(left, [[d.signature, null], [d.cosignSig, cosignTag(m.index.digest, 'sig')], [d.sbomSignature, null], [m.sbomCosignSig, m.sbomCosignTag], [d.scan, null]].sort());
  });

  it('signature,sbom: the SBOM with both its signatures (notary and cosign\'s tag), the index\'s too; the scan left', async () => {
    const { b, result, got } = await copyAll(['signature,sbom']);
    const d = m.digests;
    assert.deepEqual(got.referrers, [d.signature, d.sbom, d.sbomSignature].sort());
    assert.deepEqual(await tagsOf(b), [cosignTag(m.index.digest, 'sig'), m.sbomCosignTag, 'multi'].sort());
    assert.equal((await (await OciLayoutStore.open(b)).resolve(m.sbomCosignTag)).digest, m.sbomCosignSig);
    assert.deepEqual(result.referrersLeft.map((l) => l.desc.digest), [d.scan]);
  });

  describe('layout import --only', () => {
    let archive: string;
    before(async () => {
      archive = join(tempDir(), 'transfer.tar');
      const r = await runCli('layout', 'export', m.a, archive);
      assert.equal(r.code, 0, r.stderr);
    });

    it('imports only the signatures; says what it left and what is below it (the SBOM\'s and the scan\'s signatures), none as left out for want of a tag', async () => {
      const dir = join(tempDir(), 'imported');
      const r = await runCli('layout', 'import', archive, dir, '--only', 'signature');
      assert.equal(r.code, 0, r.stderr);
      const d = m.digests;
      assert.deepEqual((await carried(dir, m)).referrers, [d.signature]);
      assert.deepEqual(await tagsOf(dir), [cosignTag(m.index.digest, 'sig'), 'multi'].sort());
      assert.match(r.stdout, /^Imported multi sha256:[0-9a-f]{64}\nReferrers: 1\nLeft out by --only: 5, with what refers to them\n/);
      assert.match(r.stdout, new RegExp(`\n  ${m.sbomCosignSig} cosign tag ${m.sbomCosignTag}\n`));
      assert.match(r.stdout, new RegExp(`\n  ${d.sbom} application/spdx\\+json\n`));
      assert.doesNotMatch(r.stdout, /Left out sha256/);
    });

    it('--format json: referrersLeft holds those left and what is below them (the SBOM\'s and the scan\'s signatures); leftOut none of them', async () => {
      const dir = join(tempDir(), 'imported');
      const r = await runCli('layout', 'import', archive, dir, '--only', 'signature', '--format', 'json');
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as { tags: Record<string, string>; referrers: string[]; referrersLeft: Array<{ digest: string; tag: string | null }>; leftOut: string[] };
      const d = m.digests;
      assert.deepEqual(Object.keys(j.tags), ['multi']);
      assert.deepEqual(j.referrers, [d.signature]);
      assert.deepEqual(
        j.referrersLeft.map((l) => [l.digest, l.tag]).sort(),
        [[d.sbom, null], [d.scan, null], [m.sbomCosignSig, m.sbomCosignTag], [d.sbomSignature, null], [d.scanSignature, null]].sort(),
      );
      assert.deepEqual(j.leftOut, []);
    });

    it('refuses an unknown kind and --kinds without --only, naming them; makes no folder', async () => {
      const dir = join(tempDir(), 'imported');
      const unknown = await runCli('layout', 'import', archive, dir, '--only', 'signatures');
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /--only: no kind "signatures" \(kinds: signature, sbom, provenance, end-of-life; an artifact type has a "\/"\)/);
      const kinds = await runCli('layout', 'import', archive, dir, '--kinds', 'k.json');
      assert.equal(kinds.code, 1);
      assert.match(kinds.stderr, /--kinds names the kinds --only may pick; give --only too/);
      assert.equal(await OciLayoutStore.open(dir).then(() => 'made', () => 'absent'), 'absent');
    });
  });
});

describe('backup and restore --only: refused where no referrers are carried', () => {
  it('backup --only without --include-referrers; restore --only with --exclude-referrers; nothing written', async () => {
    const out = join(tempDir(), 'out');
    const b = await runCli('backup', '-o', out, '127.0.0.1:1/app', '--only', 'signature', '--plain-http');
    assert.equal(b.code, 1, b.stderr);
    assert.match(b.stderr, /--only picks among the referrers --include-referrers backs up; add --include-referrers/);
    const layout = (await made()).a;
    const r = await runCli('restore', '--input', layout, '127.0.0.1:1/app', '--only', 'signature', '--exclude-referrers', '--plain-http');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--only picks among the referrers restore carries; --exclude-referrers carries none: drop one of them/);
    assert.equal(await OciLayoutStore.open(out).then(() => 'made', () => 'absent'), 'absent');
  });
});
