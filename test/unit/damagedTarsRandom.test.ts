// Layout tars damaged at random, the same way every run (seeded), imported as `layout import` imports them: the
// tars Manifold's own export writes (ustar) and GNU tar's gnu and posix (pax) formats, with a long name, links and
// folders; a header field rewritten with its checksum made right again (so the damage reaches the reader's checks),
// a pax record damaged, bytes flipped, inserted or cut, blocks added. Each import must either copy only what the
// original held (every tag naming a manifest of the original, every blob of the destination whole) or fail with an
// OciError naming the tar, leaving the destination with no tag; never another exception, never a hang. The CLI
// says the same failure (exit 1). SWEEP_SEEDS=a-b sweeps more seeds.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { importLayout } from '../../src/oci/copy';
import { OciError } from '../../src/oci/errors';
import { OciLayoutStore } from '../../src/oci/layout';
import { exportLayoutTar } from '../../src/oci/layout/tarExport';
import { mutateBytes } from '../helpers/byteMutations';
import { seededRandom } from '../helpers/jsonMutations';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout, tempDir } from './builders';

const SWEEP = process.env.SWEEP_SEEDS?.split('-').map(Number);
const [FIRST, LAST] = SWEEP && SWEEP.length === 2 ? SWEEP : [1, 25];
const BLOCK = 512;
const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

after(cleanupTemps);

interface Original {
  kind: string;
  bytes: Buffer;
}

/** The offsets of every header of a well-formed tar (pax and GNU long-name headers included). */
function headers(tar: Buffer): number[] {
  const out: number[] = [];
  for (let at = 0; at + BLOCK <= tar.length; ) {
    if (tar.subarray(at, at + BLOCK).every((b) => b === 0)) break;
    out.push(at);
    const size = parseInt(tar.toString('latin1', at + 124, at + 136).replace(/\0.*$/s, '').trim() || '0', 8);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}

/** The header's checksum written again over what it now holds, as a careful writer would. */
function resum(tar: Buffer, at: number): void {
  tar.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let i = at; i < at + BLOCK; i++) sum += tar[i]!;
  tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'latin1');
}

const FIELDS: ReadonlyArray<[string, number, number]> = [
  ['name', 0, 100],
  ['mode', 100, 8],
  ['size', 124, 12],
  ['typeflag', 156, 1],
  ['linkname', 157, 100],
  ['magic', 257, 6],
  ['prefix', 345, 155],
];
const VALUES = ['../x', '/etc/passwd', 'index.json', 'blobs', 'blobs/sha256', './', '', '\0', 'blobs/sha256/../../..', '0', '5', '2', '1', 'x', 'g', 'L', 'K', '7', '77777777777', '00000001000', '-1', '9', ' 12 ', '\x80\0\0\0\0\0\0\0\0\0\x10\0', '\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff', 'ustar\0', 'oci-layout', 'C:\\x'];

/** `tar` damaged once; returns it and what was done. */
function damaged(tar: Buffer, random: () => number): { bytes: Buffer; what: string } {
  const at = headers(tar);
  const kind = Math.floor(random() * 6);
  if (kind <= 1) {
    // A header field rewritten, the checksum made right: the reader's own checks must catch what is wrong.
    const b = Buffer.from(tar);
    const h = pick(random, at);
    const [field, start, length] = pick(random, FIELDS);
    const value = Buffer.from(pick(random, VALUES), 'latin1').subarray(0, length);
    b.fill(0, h + start, h + start + length);
    value.copy(b, h + start);
    resum(b, h);
    return { bytes: b, what: `header at ${h}: ${field} = ${JSON.stringify(value.toString('latin1'))}` };
  }
  if (kind === 2) {
    // A pax record's body (not under the checksum): its length digits, its key or its value.
    const pax = at.filter((h) => tar[h + 156] === 0x78);
    if (pax.length > 0) {
      const b = Buffer.from(tar);
      const h = pick(random, pax);
      const size = parseInt(tar.toString('latin1', h + 124, h + 136).replace(/\0.*$/s, '').trim(), 8);
      const i = h + BLOCK + Math.floor(random() * size);
      b[i] = pick(random, [0x30, 0x39, 0x20, 0x3d, 0x0a, 0x00, 0x2f, 0x2e, 0xff]);
      return { bytes: b, what: `pax record byte ${i} = ${b[i]}` };
    }
  }
  if (kind === 3) {
    const cut = Math.floor(random() * tar.length);
    return { bytes: tar.subarray(0, cut), what: `cut at ${cut}` };
  }
  if (kind === 4) {
    // A block repeated or dropped: entries shift against their headers.
    const i = Math.floor(random() * (tar.length / BLOCK)) * BLOCK;
    const block = tar.subarray(i, i + BLOCK);
    return random() < 0.5
      ? { bytes: Buffer.concat([tar.subarray(0, i), block, tar.subarray(i)]), what: `block at ${i} repeated` }
      : { bytes: Buffer.concat([tar.subarray(0, i), tar.subarray(i + BLOCK)]), what: `block at ${i} dropped` };
  }
  return { bytes: mutateBytes(tar, random), what: 'bytes' };
}

/** Every blob of a layout folder hashes to its name. */
function blobsWhole(dir: string): void {
  const blobs = join(dir, 'blobs', 'sha256');
  for (const name of readdirSync(blobs)) {
    assert.equal(createHash('sha256').update(readFileSync(join(blobs, name))).digest('hex'), name, `${dir}: blob ${name} is not whole`);
  }
}

async function tagsOf(dir: string): Promise<string[]> {
  const store = await OciLayoutStore.open(dir);
  const tags: string[] = [];
  for await (const t of store.tags()) tags.push(t);
  return tags;
}

describe('layout tars damaged at random, imported (seeded)', function () {
  this.timeout(600_000);
  const originals: Original[] = [];
  let manifests = new Set<string>();
  let expected: Record<string, string> = {};

  before(async () => {
    const store = await newLayout();
    const amd = await makeImage(store, { arch: 'amd64' });
    const arm = await makeImage(store, { arch: 'arm64' });
    const index = await makeIndex(store, [amd, arm]);
    await store.tag(index, 'multi');
    await store.tag(amd, 'v1');
    const sig = await makeArtifact(store, { subject: index, artifactType: 'application/example.sig' });
    manifests = new Set([amd.digest, arm.digest, index.digest, sig.digest]);
    expected = { multi: index.digest, v1: amd.digest };
    const work = tempDir();
    const ours = join(work, 'ours.tar');
    await exportLayoutTar(store.location, ours);
    originals.push({ kind: 'manifold export (ustar)', bytes: readFileSync(ours) });
    // GNU tar's formats over a copy with what a hand-made tar holds: a long name (GNU's L record, pax's path), a
    // folder entry, a symlink to the folder of blobs.
    const copy = join(work, 'copy');
    execFileSync('cp', ['-r', store.location, copy]);
    mkdirSync(join(copy, 'extra'));
    writeFileSync(join(copy, 'extra', `${'n'.repeat(120)}.txt`), 'a long name\n');
    symlinkSync('blobs', join(copy, 'blobs-link'));
    for (const format of ['gnu', 'posix']) {
      const file = join(work, `${format}.tar`);
      execFileSync('tar', ['-cf', file, `--format=${format}`, '--sort=name', '--mtime=@0', '-C', copy, '.']);
      originals.push({ kind: `tar --format=${format}`, bytes: readFileSync(file) });
    }
    // Each original, undamaged, imports whole.
    for (const o of originals) {
      const file = join(tempDir(), 'whole.tar');
      writeFileSync(file, o.bytes);
      const dst = join(tempDir(), 'dst');
      const result = await importLayout(await OciLayoutStore.openTar(file), await OciLayoutStore.open(dst, { create: true }));
      assert.deepEqual(result.tags, expected, o.kind);
      assert.deepEqual(result.referrers, [sig.digest], o.kind);
    }
  });

  it('the originals hold what the damage aims at: a GNU long name and pax records', () => {
    const types = (o: Original) => new Set(headers(o.bytes).map((h) => String.fromCharCode(o.bytes[h + 156]!)));
    assert.ok(types(originals[1]!).has('L'), 'gnu: an L record');
    assert.ok(types(originals[2]!).has('x'), 'posix: a pax record');
    assert.ok(types(originals[1]!).has('2') && types(originals[1]!).has('5'), 'gnu: a symlink and folders');
  });

  for (let seed = FIRST; seed <= LAST; seed++) {
    it(`seed ${seed}`, async () => {
      const random = seededRandom(seed);
      const original = pick(random, originals);
      const { bytes, what } = damaged(original.bytes, random);
      const file = join(tempDir(), 'damaged.tar');
      writeFileSync(file, bytes);
      const label = `seed ${seed}, ${original.kind}, ${what}`;
      const dst = join(tempDir(), 'dst');
      let failure: unknown;
      try {
        const src = await OciLayoutStore.openTar(file);
        const result = await importLayout(src, await OciLayoutStore.open(dst, { create: true }));
        for (const [tag, digest] of Object.entries(result.tags)) assert.ok(manifests.has(digest), `${label}: ${tag} names ${digest}, which the original did not hold`);
        for (const d of result.referrers) assert.ok(manifests.has(d), `${label}: referrer ${d} not in the original`);
        blobsWhole(dst);
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
        failure = err;
      }
      if (failure === undefined) return;
      assert.ok(failure instanceof OciError, `${label}: not an OciError: ${(failure as Error)?.stack ?? failure}`);
      assert.ok((failure as Error).message.includes(file) || (failure as Error).message.includes(basename(file)), `${label}: the message does not name the tar: ${(failure as Error).message}`);
      // Nothing tagged in the destination (made or not), and what it stored is whole.
      try {
        assert.deepEqual(await tagsOf(dst), [], `${label}: tags written by a failed import`);
        blobsWhole(dst);
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
      }
      if (seed % 5 === 0) {
        const cli = await runCli('layout', 'import', file, join(tempDir(), 'cli-dst'));
        assert.equal(cli.code, 1, `${label}: CLI exit ${cli.code}: ${cli.stderr}`);
        assert.ok(cli.stderr.includes(basename(file)), `${label}: CLI stderr ${cli.stderr}`);
      }
    });
  }
});
