// `manifold layout export DIR OUT.tar` and `manifold layout import IN.tar DIR`: a whole layout (every tag) through a tar.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { openSync, readdirSync, readFileSync, writeFileSync, writeSync, closeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { importLayout } from '../../src/oci/copy';
import { OciLayoutStore } from '../../src/oci/layout';
import { indexTar } from '../../src/oci/layout/tar';
import { writeLayoutTar } from '../../src/oci/layout/tarExport';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, makeMultiArchLayout, tempDir } from './builders';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('manifold layout export / import (a whole layout through a tar)', () => {
  after(cleanupTemps);
  let layout: string;
  let tags: Record<string, string>;
  let sbom: string;
  let loose: string;

  before(async () => {
    const { store, index, children } = await makeMultiArchLayout();
    layout = store.location;
    sbom = (await makeArtifact(store, { subject: index, artifactType: 'application/spdx+json' })).digest;
    // Untagged and the referrer of nothing (the manifest a tag moved from stays listed): in the tar, left out by import.
    const image = await makeImage(store, { arch: 's390x' });
    await store.tag(image, 'linux-amd64');
    await store.tag(children[0]!, 'linux-amd64');
    loose = image.digest;
    tags = { 'linux-amd64': children[0]!.digest, multi: index.digest };
  });

  describe('export', () => {
    it('writes the same bytes as the extension export (writeLayoutTar), which tar and openTar read back', async () => {
      const dir = tempDir();
      const out = join(dir, 'out.tar');
      const r = await runCli('layout', 'export', layout, out);
      assert.equal(r.code, 0, r.stderr);
      await writeLayoutTar(layout, join(dir, 'extension.tar'));
      const bytes = readFileSync(out);
      assert.ok(bytes.equals(readFileSync(join(dir, 'extension.tar'))));
      assert.equal(r.stdout, `Wrote ${out} (${bytes.length} bytes, ${sha256(bytes)})\n`);
      // Every file of the layout, by the same name, byte for byte.
      const names = execFileSync('tar', ['-tf', out], { encoding: 'utf8' }).trim().split('\n');
      const blobs = readdirSync(join(layout, 'blobs', 'sha256')).map((b) => `blobs/sha256/${b}`);
      assert.deepEqual(names, ['blobs/', 'blobs/sha256/', ...blobs.sort(), 'index.json', 'oci-layout']);
      const tar = await OciLayoutStore.openTar(out);
      for (const [tag, digest] of Object.entries(tags)) assert.equal((await tar.resolve(tag)).digest, digest);
      for (const b of blobs) assert.ok((await tar.fetchBytes(await tar.resolveBlob(`sha256:${b.slice(13)}`))).equals(readFileSync(join(layout, b))));
      assert.deepEqual(readdirSync(dir).sort(), ['extension.tar', 'out.tar']); // no temp file left beside it
    });

    it('--format json gives the file, its size and digest; an earlier layout tar under the name is replaced', async () => {
      const dir = tempDir();
      const out = join(dir, 'out.tar');
      await writeLayoutTar(join(layout), out);
      writeFileSync(out, readFileSync(out)); // an earlier export
      const r = await runCli('layout', 'export', layout, out, '--format', 'json');
      assert.equal(r.code, 0, r.stderr);
      const bytes = readFileSync(out);
      assert.deepEqual(JSON.parse(r.stdout), { layout, file: out, size: bytes.length, digest: sha256(bytes) });
    });

    it('keeps a file under the name that is not a layout tar, and refuses a tar inside the layout', async () => {
      const dir = tempDir();
      const mine = join(dir, 'notes.tar');
      writeFileSync(mine, 'my notes\n');
      const r = await runCli('layout', 'export', layout, mine);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /notes\.tar: a file that is not an OCI layout tar is already there/);
      assert.equal(readFileSync(mine, 'utf8'), 'my notes\n');
      const inside = await runCli('layout', 'export', layout, join(layout, 'self.tar'));
      assert.equal(inside.code, 1);
      assert.match(inside.stderr, /self\.tar: inside the layout/);
      assert.ok(!existsSync(join(layout, 'self.tar')));
      const notLayout = await runCli('layout', 'export', dir, join(tempDir(), 'x.tar'));
      assert.equal(notLayout.code, 1);
      assert.match(notLayout.stderr, /not an OCI image layout \(no oci-layout\)/);
    });
  });

  describe('import', () => {
    let archive: string;
    before(async () => {
      archive = join(tempDir(), 'transfer.tar');
      await writeLayoutTar(layout, archive);
    });

    it('copies every tag with its referrers into a new folder, and says what it left out', async () => {
      const dir = join(tempDir(), 'imported');
      const r = await runCli('layout', 'import', archive, dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.equal(
        r.stdout,
        [
          `Imported linux-amd64 ${tags['linux-amd64']}`,
          `Imported multi ${tags.multi}`,
          'Referrers: 1',
          `Left out ${loose}: untagged in the archive and no referrer of what was imported (tag it there to import it)`,
          '',
        ].join('\n'),
      );
      const store = await OciLayoutStore.open(dir);
      for (const [tag, digest] of Object.entries(tags)) assert.equal((await store.resolve(tag)).digest, digest);
      const referrers: string[] = [];
      for await (const d of store.referrers(await store.resolve('multi'))) referrers.push(d.digest);
      assert.deepEqual(referrers, [sbom]);
      assert.equal(await store.exists({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: loose, size: 1 }), false);
      // Every blob it holds is the archive's, byte for byte.
      const tar = await OciLayoutStore.openTar(archive);
      for (const b of readdirSync(join(dir, 'blobs', 'sha256'))) {
        assert.ok(readFileSync(join(dir, 'blobs', 'sha256', b)).equals(await tar.fetchBytes(await tar.resolveBlob(`sha256:${b}`))));
      }
    });

    it('moves a tag that names something else: stdout as usual, stderr says moved ... from ... to ...; --format json lists it', async () => {
      const dir = join(tempDir(), 'busy');
      const store = await OciLayoutStore.open(dir, { create: true });
      const other = await makeImage(store, { arch: 'riscv64' });
      await store.tag(other, 'multi');
      const r = await runCli('layout', 'import', archive, dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, `moved multi from ${other.digest} to ${tags.multi}\n`);
      assert.match(r.stdout, new RegExp(`^Imported multi ${tags.multi}$`, 'm'));
      assert.equal((await store.resolve('multi')).digest, tags.multi);
      // The manifest it left stays, listed untagged.
      assert.ok((await store.entries()).some((d: Descriptor) => d.digest === other.digest));

      await store.tag(other, 'multi');
      const j = await runCli('layout', 'import', archive, dir, '--format', 'json');
      assert.equal(j.code, 0, j.stderr);
      assert.deepEqual(JSON.parse(j.stdout), { archive, layout: dir, tags, referrers: [sbom], leftOut: [loose], referrersLeft: [], moved: [{ tag: 'multi', from: other.digest, to: tags.multi }] });
      assert.equal(j.stderr, `moved multi from ${other.digest} to ${tags.multi}\n`);
    });

    it('refuses a folder or a file that is no layout tar as the archive, and makes no folder then', async () => {
      const dir = join(tempDir(), 'never');
      const folder = await runCli('layout', 'import', layout, dir);
      assert.equal(folder.code, 1);
      assert.match(folder.stderr, /: a folder; layout import reads a layout tar/);
      const notes = join(tempDir(), 'notes.tar');
      writeFileSync(notes, 'my notes\n');
      const r = await runCli('layout', 'import', notes, dir);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /notes\.tar: the archive is cut short/);
      assert.ok(!existsSync(dir));
    });

    it('importLayout (the core both the CLI and the extension call) reports each tag, and an aborted import writes no tag', async () => {
      const src = await OciLayoutStore.openTar(archive);
      const dst = await OciLayoutStore.open(join(tempDir(), 'core'), { create: true });
      const seen: string[] = [];
      const result = await importLayout(src, dst, { onTag: (tag, i, total) => seen.push(`${tag} ${i + 1}/${total}`) });
      assert.deepEqual(seen, ['linux-amd64 1/2', 'multi 2/2']);
      assert.deepEqual(result, { tags, referrers: [sbom], leftOut: [loose], referrersLeft: [], moved: [] });

      const other = await OciLayoutStore.open(join(tempDir(), 'aborted'), { create: true });
      const before = readFileSync(join(other.location, 'index.json'));
      const controller = new AbortController();
      // Aborted as the second tag's content is about to be copied: the first one's is stored, but no tag is written.
      const aborted = importLayout(src, other, { signal: controller.signal, onTag: (_tag, i) => i === 1 && controller.abort(new Error('cancelled')) });
      await assert.rejects(aborted, /cancelled/);
      assert.ok(readFileSync(join(other.location, 'index.json')).equals(before));
    });

    it('a damaged blob of the archive fails naming it, and no tag of the destination changes (index.json as it was)', async () => {
      const damaged = join(tempDir(), 'damaged.tar');
      writeFileSync(damaged, readFileSync(archive));
      // A layer of multi's last child: copied after linux-amd64, the first tag, is complete.
      const source = await OciLayoutStore.open(layout);
      const child = JSON.parse((await source.fetchBytes(await source.resolve('multi'))).toString()).manifests[2] as Descriptor;
      const layer = (JSON.parse((await source.fetchBytes(child)).toString()).layers as Descriptor[])[0]!;
      const at = (await indexTar(damaged)).files.get(`blobs/sha256/${layer.digest.slice(7)}`)!;
      const fd = openSync(damaged, 'r+');
      writeSync(fd, Buffer.from([readFileSync(damaged)[at.offset]! ^ 0xff]), 0, 1, at.offset);
      closeSync(fd);

      const dir = join(tempDir(), 'kept');
      const store = await OciLayoutStore.open(dir, { create: true });
      await store.tag(await makeImage(store, { arch: 'riscv64' }), 'multi');
      const before = readFileSync(join(dir, 'index.json'));
      const r = await runCli('layout', 'import', damaged, dir);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(layer.digest));
      assert.equal(r.stdout, '');
      assert.ok(readFileSync(join(dir, 'index.json')).equals(before));
    });
  });
});
