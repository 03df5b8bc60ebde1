// cp -r carries cosign's digest tags (sha256-<hex>.sig, .att, .sbom) with what it copies, on layouts made here, signed
// by `manifold sign` with keys made by node:crypto; verify in the copy is the proof.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyTags } from '../../src/oci/copy';
import { OciLayoutStore } from '../../src/oci/layout';
import { cosignTag } from '../../src/oci/referrers';
import { encryptCosignKey } from '../../src/oci/signatures';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, folderSnapshot, makeMultiArchLayout, newLayout, pushBlob, pushManifest, tempDir } from './builders';
import { MediaType } from '../../src/oci/mediaType';

after(cleanupTemps);

interface Keys {
  key: string;
  pub: string;
  pass: string;
}

function makeKeys(name: string): Keys {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) as { privateKey: KeyObject; publicKey: KeyObject };
  const dir = tempDir();
  const out = { key: join(dir, `${name}.key`), pub: join(dir, `${name}.pub`), pass: join(dir, 'pass') };
  writeFileSync(out.key, encryptCosignKey(privateKey, 'pw'));
  writeFileSync(out.pass, 'pw\n');
  writeFileSync(out.pub, publicKey.export({ type: 'spki', format: 'pem' }).toString());
  return out;
}

async function sign(k: Keys, ref: string, ...more: string[]): Promise<void> {
  const r = await runCli('sign', '--key', k.key, '--passphrase-file', k.pass, '--identity', 'r.example/app:v1', '--oci-layout', ref, ...more);
  assert.equal(r.code, 0, r.stderr);
}

async function tagsOf(store: OciLayoutStore): Promise<string[]> {
  const out: string[] = [];
  for await (const t of store.tags()) out.push(t);
  return out.sort();
}

const open = (dir: string) => OciLayoutStore.open(dir);

describe('cp -r carries cosign digest tags', () => {
  it('an index and its platforms signed in A, cp -r to B: every .sig (and an .att, and a .sig of a .sig) tagged in B, verify --recursive exits 0; the plan lists them', async () => {
    const { store: a, index, children } = await makeMultiArchLayout();
    const k = makeKeys('cosign');
    await sign(k, `${a.location}:multi`, '-r');
    // An attestation under cosign's other tag, and the index's signature manifest signed in turn: -r carries both.
    const att = await pushManifest(a, { schemaVersion: 2, mediaType: MediaType.ImageManifest, config: await pushBlob(a, '{}', MediaType.ImageConfig), layers: [await pushBlob(a, 'attestation', 'application/vnd.dsse.envelope.v1+json')] });
    await a.tag(att, cosignTag(children[1]!.digest, 'att'));
    const indexSig = await a.resolve(cosignTag(index.digest, 'sig'));
    await sign(k, `${a.location}@${indexSig.digest}`);
    const b = join(tempDir(), 'b');

    const plan = await runCli('cp', '-r', '--from-oci-layout', '--to-oci-layout', `${a.location}:multi`, `${b}:multi`, '--dry-run', '--format', 'json');
    assert.equal(plan.code, 0, plan.stderr);
    const planned = JSON.parse(plan.stdout) as { cosignTags: Array<{ tag: string; subject: string; current: null | string }>; copy: Array<{ digest: string }> };
    const expected = [
      cosignTag(index.digest, 'sig'),
      ...children.map((c) => cosignTag(c.digest, 'sig')),
      cosignTag(children[1]!.digest, 'att'),
      cosignTag(indexSig.digest, 'sig'),
    ].sort();
    assert.deepEqual(planned.cosignTags.map((t) => t.tag).sort(), expected);
    assert.ok(planned.cosignTags.every((t) => t.current === null));
    assert.ok(planned.copy.some((i) => i.digest === att.digest), 'the tagged manifests are in what is copied');

    const r = await runCli('cp', '-r', '--from-oci-layout', '--to-oci-layout', `${a.location}:multi`, `${b}:multi`);
    assert.equal(r.code, 0, r.stderr);
    const copied = await open(b);
    assert.deepEqual(await tagsOf(copied), [...expected, 'multi'].sort());
    for (const tag of expected) assert.equal((await copied.resolve(tag)).digest, (await a.resolve(tag)).digest, tag);
    const v = await runCli('verify', '--key', k.pub, '--oci-layout', `${b}:multi`, '--recursive');
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stdout.split('\n').filter((l) => l.includes('verified by')).length, 4);

    // Again: nothing to copy, no tag changes.
    const before = folderSnapshot(b);
    const again = await runCli('cp', '-r', '--from-oci-layout', '--to-oci-layout', `${a.location}:multi`, `${b}:multi`);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(folderSnapshot(b), before);
  });

  it('without -r none come; with --platform only that platform\'s .sig', async () => {
    const { store: a, children } = await makeMultiArchLayout();
    const k = makeKeys('cosign');
    await sign(k, `${a.location}:multi`, '-r');
    const plain = join(tempDir(), 'plain');
    let r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${a.location}:multi`, `${plain}:multi`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await tagsOf(await open(plain)), ['multi']);
    const v = await runCli('verify', '--key', k.pub, '--oci-layout', `${plain}:multi`);
    assert.equal(v.code, 3);
    assert.match(v.stderr, /copy with -r \(cp -r carries referrers and cosign's sha256-<hex>\.sig tags/);

    const b = join(tempDir(), 'b');
    r = await runCli('cp', '-r', '--platform', 'linux/arm64', '--from-oci-layout', '--to-oci-layout', `${a.location}:multi`, `${b}:arm64`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await tagsOf(await open(b)), ['arm64', cosignTag(children[1]!.digest, 'sig')].sort());
    const ok = await runCli('verify', '--key', k.pub, '--oci-layout', `${b}:arm64`);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it("a .sig at the destination with a signature the source's lacks is refused, nothing stored; one the source's holds every signature of moves", async () => {
    const { store: a, children } = await makeMultiArchLayout();
    const k1 = makeKeys('one');
    const k2 = makeKeys('two');
    const arm = children[1]!;
    const tag = cosignTag(arm.digest, 'sig');
    await sign(k1, `${a.location}@${arm.digest}`);
    // B has the image, signed there by another key.
    const b = join(tempDir(), 'b');
    let r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${a.location}@${arm.digest}`, `${b}:arm64`);
    assert.equal(r.code, 0, r.stderr);
    await sign(k2, `${b}:arm64`);
    const theirs = (await (await open(b)).resolve(tag)).digest;
    const before = folderSnapshot(b);
    for (const dry of [['--dry-run'], []]) {
      r = await runCli('cp', '-r', '--from-oci-layout', '--to-oci-layout', `${a.location}:multi`, `${b}:multi`, ...dry);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, new RegExp(`${tag} at the destination names ${theirs}, which holds 1 layer .* that the source's sha256:[0-9a-f]{64} lacks`));
      assert.deepEqual(folderSnapshot(b), before, 'nothing stored, no tag moved');
    }
    // B's own signature is as it was.
    assert.equal((await runCli('verify', '--key', k2.pub, '--oci-layout', `${b}:arm64`)).code, 0);

    // The other way round: B got A's .sig by cp -r, then A was signed again (cosign appends): A's holds all of B's.
    const c = join(tempDir(), 'c');
    r = await runCli('cp', '-r', '--from-oci-layout', '--to-oci-layout', `${a.location}@${arm.digest}`, `${c}:arm64`);
    assert.equal(r.code, 0, r.stderr);
    const old = (await (await open(c)).resolve(tag)).digest;
    await sign(k2, `${a.location}@${arm.digest}`);
    const grown = (await a.resolve(tag)).digest;
    r = await runCli('cp', '-r', '--from-oci-layout', '--to-oci-layout', `${a.location}@${arm.digest}`, `${c}:arm64`, '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Cosign tag ${tag} -> ${grown} \\(moves from ${old}, whose signatures the source's holds too\\)`));
    r = await runCli('cp', '-r', '--from-oci-layout', '--to-oci-layout', `${a.location}@${arm.digest}`, `${c}:arm64`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `moved ${tag} from ${old} to ${grown}\n`, 'said as a tag that moves');
    assert.equal((await (await open(c)).resolve(tag)).digest, grown);
    for (const k of [k1, k2]) assert.equal((await runCli('verify', '--key', k.pub, '--oci-layout', `${c}:arm64`)).code, 0);
  });

  it('copyTags (backup, restore, layout import) of one tag carries its cosign tags too', async () => {
    const { store: a, index, children } = await makeMultiArchLayout();
    const k = makeKeys('cosign');
    await sign(k, `${a.location}:multi`, '-r');
    const b = await newLayout();
    await copyTags(a, [{ tag: 'multi', desc: index }], b);
    assert.deepEqual(await tagsOf(b), ['multi', ...[index, ...children].map((d) => cosignTag(d.digest, 'sig'))].sort());
    const v = await runCli('verify', '--key', k.pub, '--oci-layout', `${b.location}:multi`, '--recursive');
    assert.equal(v.code, 0, v.stderr);
  });
});
