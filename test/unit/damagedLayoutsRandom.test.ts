// Layouts damaged at random, the same way every run (seeded): one manifest, index or index.json of a small layout
// mutated, then every command that reads a layout run on it. Each must end with an error that names the problem
// or with output that makes sense: never a crash message or "[object Object]". This sweep found five bugs (pull's
// title, a config size, platform fields, a descriptor size, os.features): each has its own test beside its fix;
// on the code before those fixes, seed 21 here fails (an attestation entry's "os": 0).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from '../../src/oci/validate';
import { readIndexJson } from '../../src/oci/layout/indexFile';
import { manifestFacts } from '../../src/oci/layout/manifest';
import { diagnose, indexModel } from '../../src/oci/indexDocument';
import { isOciError } from '../../src/oci/errors';
import { MediaType } from '../../src/oci/mediaType';
import { CRASH_TEXT, mutateJson, seededRandom } from '../helpers/jsonMutations';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

const REF = 'org.opencontainers.image.ref.name';
// SWEEP_SEEDS=a-b sweeps more seeds (once, outside the suite).
const SWEEP = process.env.SWEEP_SEEDS?.split('-').map(Number);
const [FIRST, LAST] = SWEEP && SWEEP.length === 2 ? SWEEP : [1, 40];
const sha = (b: string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A layout of an index (two images and a buildx attestation entry), an image tagged alone and an SBOM of the index. */
function baseLayout(): { dir: string; documents: { text: string; mediaType: string }[]; entries: object[] } {
  const dir = join(tempDir(), 'base');
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const put = (text: string) => {
    writeFileSync(join(dir, 'blobs', 'sha256', sha(text).slice(7)), text);
    return { digest: sha(text), size: Buffer.byteLength(text) };
  };
  const empty = put('{}');
  const layer = put('layer-bytes');
  const image = (arch: string) =>
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      config: { mediaType: MediaType.ImageConfig, ...put(JSON.stringify({ architecture: arch, os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })) },
      layers: [{ mediaType: MediaType.ImageLayer, ...layer, annotations: { 'org.opencontainers.image.title': 'f.txt' } }],
    });
  const amd = image('amd64');
  const arm = image('arm64');
  const a = put(amd);
  const b = put(arm);
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ImageIndex,
    manifests: [
      { mediaType: MediaType.ImageManifest, ...a, platform: { architecture: 'amd64', os: 'linux' } },
      { mediaType: MediaType.ImageManifest, ...b, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
      { mediaType: MediaType.ImageManifest, ...a, platform: { architecture: 'unknown', os: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': a.digest } },
    ],
    annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
  });
  const x = put(index);
  const sbom = JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    artifactType: 'application/spdx+json',
    config: { mediaType: MediaType.Empty, ...empty, data: 'e30=' },
    layers: [{ mediaType: 'application/spdx+json', ...put('{"spdx":1}'), annotations: { 'org.opencontainers.image.title': 'sbom.json' } }],
    subject: { mediaType: MediaType.ImageIndex, ...x },
  });
  const s = put(sbom);
  const entries = [
    { mediaType: MediaType.ImageIndex, ...x, annotations: { [REF]: 'idx' } },
    { mediaType: MediaType.ImageManifest, ...a, annotations: { [REF]: 'img' } },
    { mediaType: MediaType.ImageManifest, ...s },
  ];
  const documents = [
    { text: amd, mediaType: MediaType.ImageManifest },
    { text: index, mediaType: MediaType.ImageIndex },
    { text: sbom, mediaType: MediaType.ImageManifest },
  ];
  return { dir, documents, entries };
}

/** Every command that reads a layout, on the tag `fz` (the damaged document) or the whole layout. */
function commands(dir: string, out: string): string[][] {
  return [
    ['repo', 'tags', '--oci-layout', dir],
    ['repo', 'tags', '--oci-layout', dir, '--format', 'json'],
    ['check', '--oci-layout', dir],
    ['check', '--oci-layout', `${dir}:fz`, '--format', 'json'],
    ['discover', '--oci-layout', `${dir}:fz`, '--recursive'],
    ['discover', '--oci-layout', `${dir}:idx`, '--platform', 'linux/amd64', '--format', 'json'],
    ['coverage', '--oci-layout', `${dir}:fz`],
    ['coverage', '--oci-layout', `${dir}:idx`, '--format', 'json'],
    ['manifest', 'fetch', '--oci-layout', `${dir}:fz`, '--descriptor'],
    ['manifest', 'fetch', '--oci-layout', `${dir}:fz`, '--platform', 'linux/arm64'],
    ['manifest', 'fetch-config', '--oci-layout', `${dir}:fz`],
    ['manifest', 'index', 'diff', '--oci-layout', `${dir}:fz`, `${dir}:idx`],
    ['resolve', '--oci-layout', `${dir}:fz`],
    ['prune', '--oci-layout', dir, '--dry-run'],
    ['cp', '--from-oci-layout', '--to-oci-layout', `${dir}:fz`, `${join(out, 'copy')}:fz`, '-r'],
    ['cp', '--from-oci-layout', '--to-oci-layout', `${dir}:fz`, `${join(out, 'one')}:fz`, '--platform', 'linux/amd64'],
    ['cp', '--from-oci-layout', '--to-oci-layout', `${dir}:fz`, `${join(out, 'out.tar')}:fz`, '-r'],
    ['pull', '--oci-layout', `${dir}:fz`, '-o', join(out, 'pulled')],
    ['manifest', 'index', 'update', '--oci-layout', `${dir}:fz`, '--add', 'img'],
    ['manifest', 'index', 'update', '--oci-layout', `${dir}:fz`, '--remove-platform', 'linux/arm64'],
    ['manifest', 'index', 'create', '--oci-layout', `${dir}:new`, 'fz', 'img'],
    ['attach', '--oci-layout', `${dir}:fz`, '--artifact-type', 'application/vnd.test', '--recursive', '-a', 'k=v'],
    ['tag', '--oci-layout', `${dir}:fz`, 'fz2'],
    ['untag', '--oci-layout', `${dir}:fz2`],
    ['layout', 'export', dir, join(out, 'all.tar')],
    ['layout', 'import', join(out, 'all.tar'), join(out, 'imported')],
    ['manifest', 'delete', '--oci-layout', `${dir}:fz`, '--force'],
  ];
}

describe('layouts damaged at random (seeded): every command names the problem or makes sense', function () {
  this.timeout(60_000);
  let base: ReturnType<typeof baseLayout>;
  before(() => {
    base = baseLayout();
  });

  let lastWork: string | undefined;
  for (let seed = FIRST!; seed <= LAST!; seed++) {
    it(`seed ${seed}`, async () => {
      const random = seededRandom(seed);
      // The previous seed's copy removed now: a long sweep leaves no pile for cleanupTemps.
      if (lastWork) rmSync(lastWork, { recursive: true, force: true });
      const work = tempDir();
      lastWork = work;
      const dir = join(work, 'layout');
      cpSync(base.dir, dir, { recursive: true });
      let damaged: string;
      if (random() < 0.3) {
        damaged = mutateJson(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: base.entries }), random);
        writeFileSync(join(dir, 'index.json'), damaged);
      } else {
        const doc = base.documents[Math.floor(random() * base.documents.length)]!;
        damaged = mutateJson(doc.text, random);
        writeFileSync(join(dir, 'blobs', 'sha256', sha(damaged).slice(7)), damaged);
        const fz = { mediaType: doc.mediaType, digest: sha(damaged), size: Buffer.byteLength(damaged), annotations: { [REF]: 'fz' } };
        writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [...base.entries, fz] }));
      }
      const bad: string[] = [];
      for (const argv of commands(dir, work)) {
        const r = await runCli(...argv);
        const shown = r.stderr + (argv.includes('fetch') ? '' : r.stdout); // manifest fetch prints the document as it is
        if (CRASH_TEXT.test(shown)) bad.push(`${argv.slice(0, 3).join(' ')}: ${shown.split('\n').find((l) => CRASH_TEXT.test(l))}`);
      }
      assert.deepEqual(bad, [], `damaged document: ${damaged}`);
    });
  }

  it('the parsers and the editor core, 2,000 mutations: errors are OciErrors, diagnostics never throw', async () => {
    const random = seededRandom(2026);
    const texts = [...base.documents.map((d) => d.text), JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: base.entries }, null, 2)];
    const thrown: string[] = [];
    const step = (name: string, text: string, f: () => unknown) => {
      try {
        f();
      } catch (err) {
        if (!isOciError(err)) thrown.push(`${name}: ${String(err)} on ${text}`);
      }
    };
    for (let i = 0; i < 2000; i++) {
      const text = mutateJson(texts[i % texts.length]!, random);
      step('parseDocument', text, () => parseDocument(Buffer.from(text)));
      step('readIndexJson', text, () => readIndexJson(text, 'index.json'));
      step('manifestFacts', text, () => manifestFacts(Buffer.from(text)));
      step('indexModel', text, () => indexModel(text));
      await diagnose(text).catch((err: unknown) => void thrown.push(`diagnose: ${String(err)} on ${text}`));
    }
    assert.deepEqual(thrown, []);
  });
});
