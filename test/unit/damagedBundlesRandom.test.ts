// Sigstore bundles damaged at random, the same way every run (seeded): cosign 3's keyless bundle (with its Rekor
// entry, SET and inclusion proof) and a key-signed bundle of cosign's sign/v1 shape, both referrers of the image the
// vector signs; one of them (its JSON, or the referrer manifest that holds it) is mutated, then every command that
// reads signatures, attestations or referrers runs on it. Each must end with an error or a result naming the
// problem, never a crash message or "[object Object]"; verify's exit code stays 0, 3 or 1.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeEnvelope } from '../../src/oci/attestations/dsse';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { COSIGN_SIGN_PREDICATE_TYPE, SIGSTORE_BUNDLE_MEDIA_TYPE } from '../../src/oci/signatures';
import { CRASH_TEXT, mutateJson, seededRandom } from '../helpers/jsonMutations';
import { runCli } from '../helpers/runCli';
import { attachBundle, attestation, FULCIO_V1, IDENTITY, IMAGE_DIGEST, ISSUER, type Json, REKOR_PUB, sigstoreFixture, storeImage } from '../helpers/sigstoreBundles';
import { cleanupTemps, newLayout, tempDir } from './builders';

after(cleanupTemps);

const REF = 'org.opencontainers.image.ref.name';
// SWEEP_SEEDS=a-b sweeps more seeds (once, outside the suite).
const SWEEP = process.env.SWEEP_SEEDS?.split('-').map(Number);
const [FIRST, LAST] = SWEEP && SWEEP.length === 2 ? SWEEP : [1, 30];

interface Base {
  keys: string;
  /** The key-signed bundle, as JSON text. */
  keyBundle: string;
}

function base(): Base {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const keys = tempDir();
  writeFileSync(join(keys, 'cosign.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  const [algorithm, hex] = IMAGE_DIGEST.split(':');
  const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ digest: { [algorithm!]: hex } }], predicateType: COSIGN_SIGN_PREDICATE_TYPE, predicate: {} }));
  const envelope = JSON.parse(makeEnvelope('application/vnd.in-toto+json', statement, (bytes) => sign('sha256', bytes, privateKey)).toString()) as Json;
  const keyBundle = JSON.stringify({ mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE, verificationMaterial: { publicKey: { hint: 'a hint' }, tlogEntries: [] }, dsseEnvelope: envelope });
  return { keys, keyBundle };
}

/** Every command that reads what a bundle says, on v1. */
function commands(dir: string, keys: string, out: string): string[][] {
  const keyless = ['--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER, '--ca-roots', FULCIO_V1, '--ca-intermediates', sigstoreFixture('fulcio_intermediate.pem'), '--rekor-key', REKOR_PUB];
  const pub = join(keys, 'cosign.pub');
  return [
    ['verify', ...keyless, '--oci-layout', `${dir}:v1`],
    ['verify', ...keyless, '--format', 'json', '--oci-layout', `${dir}:v1`],
    ['verify', '--key', pub, '--oci-layout', `${dir}:v1`],
    ['verify', '--key', pub, '--rekor-key', REKOR_PUB, '--format', 'json', '--oci-layout', `${dir}:v1`],
    ['verify-attestation', ...keyless, '--oci-layout', `${dir}:v1`],
    ['verify-attestation', '--key', pub, '--format', 'json', '--oci-layout', `${dir}:v1`],
    ['coverage', '--oci-layout', `${dir}:v1`],
    ['coverage', '--oci-layout', `${dir}:v1`, '--format', 'json'],
    ['discover', '--oci-layout', `${dir}:v1`, '--recursive'],
    ['check', '--oci-layout', `${dir}:v1`],
    ['cp', '-r', '--from-oci-layout', '--to-oci-layout', `${dir}:v1`, `${join(out, 'copy')}:v1`],
  ];
}

/** A layout with the image tagged v1 and both bundles as its referrers, one of them damaged at random (none without `random`); returns what was damaged. */
async function damagedLayout(b: Base, random?: () => number): Promise<{ dir: string; damaged: string }> {
  const store = await newLayout();
  const image = await storeImage(store);
  const which = random ? Math.floor(random() * 4) : -1;
  const keyless = JSON.stringify(attestation());
  const bundles = [keyless, b.keyBundle];
  // 0, 1: a bundle's JSON; 2, 3: the referrer manifest holding it (stored as its bytes say, listed in index.json).
  const target = which % 2;
  if (which === 0 || which === 1) bundles[target] = mutateJson(bundles[target]!, random!);
  const made: Descriptor[] = [];
  for (const [i, text] of bundles.entries()) made.push(await attachBundle(store, image, Buffer.from(text), i === 1 ? COSIGN_SIGN_PREDICATE_TYPE : undefined));
  if (which < 2) return { dir: store.location, damaged: which < 0 ? '' : bundles[target]! };
  const path = (digest: string) => join(store.location, 'blobs', 'sha256', digest.slice(7));
  const damaged = mutateJson(readFileSync(path(made[target]!.digest), 'utf8'), random!);
  // Written as a file: the store refuses to push a damaged manifest, as it should.
  const stored = { digest: digestOf(Buffer.from(damaged)), size: Buffer.byteLength(damaged) };
  writeFileSync(path(stored.digest), damaged);
  const file = join(store.location, 'index.json');
  const index = JSON.parse(readFileSync(file, 'utf8')) as { manifests: Array<{ digest: string; size: number; annotations?: Record<string, string> }> };
  index.manifests = index.manifests.map((m) => (m.digest === made[target]!.digest && !m.annotations?.[REF] ? { ...m, digest: stored.digest, size: stored.size } : m));
  writeFileSync(file, JSON.stringify(index));
  return { dir: store.location, damaged };
}

describe('Sigstore bundles damaged at random (seeded): every command names the problem', function () {
  this.timeout(120_000);
  let b: Base;
  before(() => {
    b = base();
  });

  it('undamaged: the keyless bundle verifies under its identity, the key bundle under its key (the sweep starts from valid bundles)', async () => {
    const { dir } = await damagedLayout(b);
    const work = tempDir();
    const [keylessText, , keyText] = commands(dir, b.keys, work);
    for (const argv of [keylessText!, keyText!]) {
      const r = await runCli(...argv);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /verified/);
    }
  });

  let last: string[] = [];
  for (let seed = FIRST!; seed <= LAST!; seed++) {
    it(`seed ${seed}`, async () => {
      const random = seededRandom(seed);
      // The previous seed's folders removed now: a long sweep leaves no pile for cleanupTemps.
      for (const dir of last) rmSync(dir, { recursive: true, force: true });
      const work = tempDir();
      const { dir, damaged } = await damagedLayout(b, random);
      last = [work, dirname(dir)];
      const bad: string[] = [];
      for (const argv of commands(dir, b.keys, work)) {
        const r = await runCli(...argv);
        const shown = r.stderr + r.stdout;
        if (CRASH_TEXT.test(shown)) bad.push(`${argv.slice(0, 2).join(' ')}: ${shown.split('\n').find((l) => CRASH_TEXT.test(l))}`);
        if (argv[0]!.startsWith('verify') && ![0, 1, 3].includes(r.code)) bad.push(`${argv[0]}: exit code ${r.code}`);
      }
      assert.deepEqual(bad, [], `damaged document: ${damaged}`);
    });
  }
});
