import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, newLayout } from './builders';

const HOUR_AGO = new Date(Date.now() - 3_600_000);

/** Every file of the layout with the sha256 of its bytes: what must be the same after a refused prune. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = join(rel, e.name);
      if (e.isDirectory()) visit(path);
      else out.set(path, createHash('sha256').update(readFileSync(join(dir, path))).digest('hex'));
    }
  };
  visit('');
  return out;
}

function age(dir: string): void {
  for (const hex of readdirSync(join(dir, 'blobs', 'sha256'))) utimesSync(join(dir, 'blobs', 'sha256', hex), HOUR_AGO, HOUR_AGO);
}

const blobFile = (dir: string, d: Descriptor): string => join(dir, 'blobs', 'sha256', d.digest.slice(7));

/** A layout with images v1 (amd64) and v2 (arm64), each tagged, nothing unreachable; blobs aged past the grace period. */
async function twoImages(): Promise<{ dir: string; v1: Descriptor; v2: Descriptor; index: string }> {
  const store = await newLayout();
  const v1 = await makeImage(store, { arch: 'amd64' });
  await store.tag(v1, 'v1');
  const v2 = await makeImage(store, { arch: 'arm64' });
  await store.tag(v2, 'v2');
  age(store.location);
  return { dir: store.location, v1, v2, index: join(store.location, 'index.json') };
}

after(cleanupTemps);

describe('prune on a damaged layout', () => {
  it('refuses, changing nothing, when an index.json entry has a digest it cannot use (upper-case hex, unknown algorithm)', async () => {
    for (const bad of [(hex: string) => `sha256:${hex.toUpperCase()}`, (hex: string) => `blake3:${hex}`]) {
      const l = await twoImages();
      const hex = l.v2.digest.slice(7);
      writeFileSync(l.index, readFileSync(l.index, 'utf8').replace(l.v2.digest, bad(hex)));
      const before = snapshot(l.dir);
      for (const dry of [['--dry-run'], []]) {
        const r = await runCli('prune', '--oci-layout', l.dir, '--grace', '0', ...dry);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
        const problem = bad(hex).startsWith('blake3')
          ? `invalid digest ${bad(hex)}: unsupported algorithm blake3`
          : `invalid digest ${bad(hex)}: sha256 needs 64 lowercase hex characters`;
        assert.equal(
          r.stderr,
          `Error: prune: ${l.index}: manifests[1].digest (tag "v2"): ${problem}; what that entry keeps cannot be told, so nothing is removed: fix the entry or remove it (manifold untag), then prune\n`,
        );
        assert.deepEqual(snapshot(l.dir), before, 'every file as it was: v2 manifest, config and layers kept');
      }
    }
  });

  it('refuses, changing nothing, when a manifest index.json reaches is stored but cannot be read (cut short, a folder)', async () => {
    const cases: Array<[string, (path: string) => void, string]> = [
      ['cut short', (p) => truncateSync(p, 100), 'not valid JSON'],
      ['a folder', (p) => (rmSync(p), mkdirSync(p)), 'a folder, not a file'],
    ];
    for (const [, damage, problem] of cases) {
      const l = await twoImages();
      const path = blobFile(l.dir, l.v2);
      damage(path);
      const before = snapshot(l.dir);
      for (const dry of [['--dry-run'], []]) {
        const r = await runCli('prune', '--oci-layout', l.dir, '--grace', '0', ...dry);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
        // A folder is named as every read names it (see specialFiles.test.ts).
        const said = problem === 'a folder, not a file' ? `Error: prune: ${path} is a folder, not a file: the layout is damaged` : `Error: prune: ${path}: a manifest index.json reaches is ${problem}`;
        assert.ok(r.stderr.startsWith(said), r.stderr);
        assert.ok(r.stderr.endsWith('; what it references cannot be told, so nothing is removed: restore it or remove what names it, then prune\n'), r.stderr);
        assert.deepEqual(snapshot(l.dir), before, 'the config and layers of v2 are kept');
      }
    }
  });

  it('with --untagged, refuses to drop an untagged entry whose manifest cannot be read (it may be a referrer of something kept)', async () => {
    const l = await twoImages();
    writeFileSync(l.index, readFileSync(l.index, 'utf8').replace(/,"annotations":\{"org\.opencontainers\.image\.ref\.name":"v2"\}/, ''));
    const path = blobFile(l.dir, l.v2);
    truncateSync(path, 100);
    const before = snapshot(l.dir);
    const r = await runCli('prune', '--oci-layout', l.dir, '--grace', '0', '--untagged');
    assert.equal(r.code, 1);
    assert.ok(r.stderr.startsWith(`Error: prune: ${path}: a manifest index.json reaches is not valid JSON`), r.stderr);
    assert.deepEqual(snapshot(l.dir), before);
  });

  it('still treats a missing manifest as one that references nothing (another tool left a dangling child)', async () => {
    const l = await twoImages();
    const config = JSON.parse(readFileSync(blobFile(l.dir, l.v2), 'utf8')).config as Descriptor;
    rmSync(blobFile(l.dir, l.v2));
    const r = await runCli('prune', '--oci-layout', l.dir, '--grace', '0');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(`Removed blob ${config.digest}`), r.stdout);
  });

  it('names index.json when it is missing or a folder', async () => {
    const cases: Array<[(p: string) => void, (l: { dir: string; index: string }) => string]> = [
      [(p) => rmSync(p), (l) => `${l.index}: missing; ${l.dir} is not an OCI image layout`],
      [(p) => (rmSync(p), mkdirSync(p)), (l) => `${l.index} is a folder, not a file: the layout is damaged`],
    ];
    for (const [damage, said] of cases) {
      const l = await twoImages();
      damage(l.index);
      const r = await runCli('prune', '--oci-layout', l.dir, '--dry-run');
      assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', `Error: ${said(l)}\n`]);
    }
  });
});
