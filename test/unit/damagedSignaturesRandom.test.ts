// Signatures and attestations damaged at random, the same way every run (seeded): in a layout whose v1 (an index)
// and linux/amd64 are signed and v1 attested as cosign does, one of cosign's documents (the .sig or .att manifest,
// a simplesigning payload, a DSSE envelope) is mutated and put back where cosign's tag finds it, then every command
// that reads or adds signatures runs on it. Each must end with an error or a result that names the problem, never a
// crash message or "[object Object]"; verify's exit code stays 0, 3 or 1.
import { strict as assert } from 'node:assert';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attestManifest } from '../../src/oci/attestations';
import { OciLayoutStore } from '../../src/oci/layout';
import { cosignTag } from '../../src/oci/referrers';
import { encryptCosignKey, signKey, signManifest } from '../../src/oci/signatures';
import { CRASH_TEXT, mutateJson, seededRandom } from '../helpers/jsonMutations';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeIndex, newLayout, tempDir } from './builders';

after(cleanupTemps);

const REF = 'org.opencontainers.image.ref.name';
const sha = (b: string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

interface Base {
  dir: string;
  keys: string;
  /** The tags cosign's documents are found by, with the manifest each names. */
  sigTag: string;
  attTag: string;
}

async function baseLayout(): Promise<Base> {
  const store = await newLayout();
  const amd64 = await makeImage(store, { arch: 'amd64' });
  const arm64 = await makeImage(store, { arch: 'arm64' });
  const index = await makeIndex(store, [amd64, arm64]);
  await store.tag(index, 'v1');
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const key = signKey('cosign.key', pair.privateKey);
  for (const d of [index, amd64]) await signManifest(store, d, key, 'registry.example.com/app:v1');
  await attestManifest(store, index, key, 'custom', Buffer.from('{"built":"here"}'), 'registry.example.com/app');
  const keys = tempDir();
  writeFileSync(join(keys, 'cosign.pub'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(keys, 'cosign.key'), encryptCosignKey(pair.privateKey, 'pw'));
  writeFileSync(join(keys, 'pass.txt'), 'pw\n');
  writeFileSync(join(keys, 'predicate.json'), '{"scan":"clean"}');
  return { dir: store.location, keys, sigTag: cosignTag(index.digest, 'sig'), attTag: cosignTag(index.digest, 'att') };
}

/** Every command that reads or adds cosign's signatures and attestations, on v1. */
function commands(dir: string, keys: string, out: string): string[][] {
  const pub = join(keys, 'cosign.pub');
  const signing = ['--key', join(keys, 'cosign.key'), '--passphrase-file', join(keys, 'pass.txt')];
  return [
    ['verify', '--key', pub, '--oci-layout', `${dir}:v1`, '--recursive'],
    ['verify', '--key', pub, '--oci-layout', `${dir}:v1`, '--format', 'json'],
    ['verify-attestation', '--key', pub, '--oci-layout', `${dir}:v1`, '--recursive'],
    ['verify-attestation', '--key', pub, '--type', 'custom', '--oci-layout', `${dir}:v1`, '--format', 'json'],
    ['coverage', '--oci-layout', `${dir}:v1`],
    ['coverage', '--oci-layout', `${dir}:v1`, '--format', 'json'],
    ['discover', '--oci-layout', `${dir}:v1`, '--recursive'],
    ['check', '--oci-layout', `${dir}:v1`],
    ['repo', 'tags', '--oci-layout', dir, '--all'],
    ['cp', '-r', '--from-oci-layout', '--to-oci-layout', `${dir}:v1`, `${join(out, 'copy')}:v1`],
    ['sign', ...signing, '--identity', 'registry.example.com/app:v1', '--oci-layout', `${dir}:v1`],
    ['attest', ...signing, '--predicate', join(keys, 'predicate.json'), '--type', 'custom', '--subject-name', 'registry.example.com/app', '--oci-layout', `${dir}:v1`],
  ];
}

/** Points `tag` in the layout's index.json at `bytes` (stored as a blob of `mediaType`). */
function retag(dir: string, tag: string, bytes: string, mediaType: string): void {
  writeFileSync(join(dir, 'blobs', 'sha256', sha(bytes).slice(7)), bytes);
  const file = join(dir, 'index.json');
  const index = JSON.parse(readFileSync(file, 'utf8')) as { manifests: Array<{ annotations?: Record<string, string> }> };
  index.manifests = index.manifests.map((m) => (m.annotations?.[REF] === tag ? { mediaType, digest: sha(bytes), size: Buffer.byteLength(bytes), annotations: { [REF]: tag } } : m));
  writeFileSync(file, JSON.stringify(index));
}

const blob = (dir: string, digest: string) => readFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), 'utf8');
const tagged = (dir: string, tag: string) =>
  (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> }).manifests.find((m) => m.annotations?.[REF] === tag)!.digest;

/** One of cosign's documents damaged and put where its tag finds it; returns the damaged text. */
function damage(base: Base, dir: string, random: () => number): string {
  const which = Math.floor(random() * 4);
  const tag = which % 2 === 0 ? base.sigTag : base.attTag;
  const manifestText = blob(dir, tagged(dir, tag));
  const manifestType = 'application/vnd.oci.image.manifest.v1+json';
  if (which < 2) {
    // The .sig or .att manifest itself.
    const damaged = mutateJson(manifestText, random);
    retag(dir, tag, damaged, manifestType);
    return damaged;
  }
  // Its first layer's bytes (a payload, an envelope), the manifest made to name the damaged bytes truly.
  const manifest = JSON.parse(manifestText) as { layers: Array<{ digest: string; size: number }> };
  const damaged = mutateJson(blob(dir, manifest.layers[0]!.digest), random);
  writeFileSync(join(dir, 'blobs', 'sha256', sha(damaged).slice(7)), damaged);
  manifest.layers[0] = { ...manifest.layers[0]!, digest: sha(damaged), size: Buffer.byteLength(damaged) };
  retag(dir, tag, JSON.stringify(manifest), manifestType);
  return damaged;
}

describe('signatures and attestations damaged at random (seeded): every command names the problem', function () {
  this.timeout(120_000);
  let base: Base;
  before(async () => {
    base = await baseLayout();
  });

  it('undamaged: every manifest of v1 that was signed verifies, the attestation too (the sweep starts from valid documents)', async () => {
    const signed = await runCli('verify', '--key', join(base.keys, 'cosign.pub'), '--oci-layout', `${base.dir}:v1`, '--format', 'json');
    assert.equal(signed.code, 0, signed.stderr);
    const attested = await runCli('verify-attestation', '--key', join(base.keys, 'cosign.pub'), '--type', 'custom', '--oci-layout', `${base.dir}:v1`);
    assert.equal(attested.code, 0, attested.stderr);
  });

  it('sign and attest refuse to add to a damaged .sig or .att manifest, naming it and the JSON path; nothing changes (found by this sweep: "size [object Object]")', async () => {
    for (const [command, tag] of [['sign', base.sigTag], ['attest', base.attTag]] as const) {
      const dir = join(tempDir(), 'layout');
      cpSync(base.dir, dir, { recursive: true });
      const manifest = JSON.parse(blob(dir, tagged(dir, tag))) as { layers: Array<Record<string, unknown>> };
      manifest.layers[0]!.size = { a: 1 };
      const text = JSON.stringify(manifest);
      retag(dir, tag, text, 'application/vnd.oci.image.manifest.v1+json');
      const before = readFileSync(join(dir, 'index.json'));
      const argv = commands(dir, base.keys, dir).find((a) => a[0] === command)!;
      const r = await runCli(...argv);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, new RegExp(`^Error: ${tag} \\(${sha(text)}\\): layers\\[0\\]\\.size: `), r.stderr);
      assert.ok(readFileSync(join(dir, 'index.json')).equals(before), `${command}: index.json changed`);
    }
  });

  for (let seed = 1; seed <= 40; seed++) {
    it(`seed ${seed}`, async () => {
      const random = seededRandom(seed);
      const work = tempDir();
      const dir = join(work, 'layout');
      cpSync(base.dir, dir, { recursive: true });
      const damaged = damage(base, dir, random);
      const bad: string[] = [];
      for (const argv of commands(dir, base.keys, work)) {
        const r = await runCli(...argv);
        const shown = r.stderr + r.stdout;
        if (CRASH_TEXT.test(shown)) bad.push(`${argv.slice(0, 2).join(' ')}: ${shown.split('\n').find((l) => CRASH_TEXT.test(l))}`);
        if (argv[0]!.startsWith('verify') && ![0, 1, 3].includes(r.code)) bad.push(`${argv[0]}: exit code ${r.code}`);
      }
      assert.deepEqual(bad, [], `damaged document: ${damaged}`);
    });
  }
});
