// Trust damaged at random, the same way every run (seeded): Sigstore's trusted_root.json (its JSON, or the DER of one
// of its certificates or keys) given to verify, verify-attestation and coverage; a made leaf's SCT list (its TLS
// bytes) checked under --ctlog-key; notation's trust policy (its JSON) over notation's own signature. Each run must end with a result or an error naming the problem, never a
// crash message or "[object Object]"; verify's exit code stays 0, 3 or 1.
import { strict as assert } from 'node:assert';
import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { digestOf } from '../../src/oci/digest';
import { mutateBytes, mutateDer } from '../helpers/byteMutations';
import { cosignVector, DOCKER_MANIFEST, storeCosignVector } from '../helpers/cosignVectors';
import { CRASH_TEXT, mutateJson, seededRandom } from '../helpers/jsonMutations';
import { GHA, MADE_FIXTURES, WORKFLOW } from '../helpers/keylessAttestations';
import { ctLog, type MadeCtLog, signedByMadeLeaf, withScts } from '../helpers/madeScts';
import { attachNotary, VECTOR } from '../helpers/notaryEnvelopes';
import { runCli } from '../helpers/runCli';
import { attachBundle, attestation, IDENTITY, ISSUER, storeImage } from '../helpers/sigstoreBundles';
import { cleanupTemps, newLayout, tempDir } from './builders';

after(cleanupTemps);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const PUBLIC_GOOD = join(__dirname, '..', 'fixtures', 'trusted-root', 'public-good.json');
const SWEEP = process.env.SWEEP_SEEDS?.split('-').map(Number);
const [FIRST, LAST] = SWEEP && SWEEP.length === 2 ? SWEEP : [1, 25];

/** Every base64 DER in a trusted root (certificates, public keys): where mutateDer may strike. */
function derPlaces(doc: Json): Array<{ holder: Json; key: string; at: string }> {
  const out: Array<{ holder: Json; key: string; at: string }> = [];
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'rawBytes' && typeof x === 'string') out.push({ holder: v as Json, key: k, at: `${at}.${k}` });
        else walk(x, `${at}.${k}`);
      }
    }
  };
  walk(doc, '$');
  return out;
}

/** public-good.json damaged: half the seeds its JSON, half one DER inside it; returns the file and what was done. */
function damagedRoot(random: () => number): { file: string; what: string } {
  const text = readFileSync(PUBLIC_GOOD, 'utf8');
  let damaged: string;
  let what: string;
  if (random() < 0.5) {
    damaged = mutateJson(text, random);
    what = `JSON: ${damaged.length > 600 ? `${damaged.slice(0, 600)}…` : damaged}`;
  } else {
    const doc = JSON.parse(text) as Json;
    const places = derPlaces(doc);
    const place = places[Math.floor(random() * places.length)]!;
    const mutated = mutateDer(Buffer.from(place.holder[place.key] as string, 'base64'), random);
    place.holder[place.key] = mutated.bytes.toString('base64');
    damaged = JSON.stringify(doc);
    what = `${place.at}: ${mutated.what}`;
  }
  const file = join(tempDir(), 'trusted_root.json');
  writeFileSync(file, damaged);
  return { file, what };
}

describe('keyless trust damaged at random (seeded): trusted roots and SCT lists, every command names the problem', function () {
  this.timeout(300_000);
  let classic: string;
  let bundled: string;
  before(async () => {
    const store = await newLayout();
    await storeCosignVector(store, 'manifest.json', DOCKER_MANIFEST, cosignVector('fulcio-rekor'));
    classic = `${store.location}:v1`;
    const other = await newLayout();
    await attachBundle(other, await storeImage(other), attestation());
    bundled = `${other.location}:v1`;
  });

  const mitr = ['--certificate-identity', 'mitr@redhat.com', '--certificate-oidc-issuer', 'https://github.com/login/oauth'];
  const cody = ['--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER];
  const runs = (root: string): string[][] => [
    ['verify', ...mitr, '--trusted-root', root, '--oci-layout', classic],
    ['verify', ...mitr, '--trusted-root', root, '--format', 'json', '--oci-layout', classic],
    ['verify', ...cody, '--trusted-root', root, '--oci-layout', bundled],
    ['verify-attestation', ...cody, '--trusted-root', root, '--format', 'json', '--oci-layout', bundled],
    ['coverage', ...mitr, '--trusted-root', root, '--oci-layout', classic],
  ];

  /** What each run showed that looks like a crash, and exit codes other than verify's three. */
  async function crashes(argvs: string[][]): Promise<string[]> {
    const bad: string[] = [];
    for (const argv of argvs) {
      const r = await runCli(...argv);
      const shown = r.stderr + r.stdout;
      if (CRASH_TEXT.test(shown)) bad.push(`${argv[0]}: ${shown.split('\n').find((l) => CRASH_TEXT.test(l))}`);
      if (![0, 1, 3].includes(r.code)) bad.push(`${argv[0]}: exit code ${r.code}`);
    }
    return bad;
  }

  it('undamaged: each run verifies (the sweep starts from a trusted root that works)', async () => {
    for (const argv of runs(PUBLIC_GOOD)) {
      const r = await runCli(...argv);
      assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}${r.stdout}`);
    }
  });

  for (let seed = FIRST; seed <= LAST; seed++) {
    it(`trusted root, seed ${seed}`, async () => {
      const { file, what } = damagedRoot(seededRandom(seed));
      assert.deepEqual(await crashes(runs(file)), [], what);
    });
  }

  describe("notation's trust policies", () => {
    const POLICY = join(__dirname, '..', 'fixtures', 'notary-policy');
    let signed: string;
    before(async () => {
      const store = await newLayout();
      const bytes = readFileSync(join(VECTOR, 'manifest.json'));
      const image = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(bytes), size: bytes.length };
      await store.push(image, bytes);
      await store.tag(image, 'v2');
      await attachNotary(store, image, readFileSync(join(VECTOR, 'jws_signature.sig')));
      signed = `${store.location}:v2`;
    });
    const runsOf = (policy: string): string[][] => [
      ['verify', '--notary-trust-policy', policy, '--notary-trust-store', join(POLICY, 'truststore'), '--notary-scope', 'local/alpine', '--oci-layout', signed],
      ['verify', '--notary-trust-policy', policy, '--notary-trust-store', join(POLICY, 'truststore'), '--notary-scope', 'local/other', '--format', 'json', '--oci-layout', signed],
      ['coverage', '--notary-trust-policy', policy, '--notary-trust-store', join(POLICY, 'truststore'), '--notary-scope', 'local/alpine', '--oci-layout', signed],
    ];

    it('undamaged: the alpine statement verifies notation’s signature', async () => {
      const r = await runCli(...runsOf(join(POLICY, 'trustpolicy.json'))[0]!);
      assert.equal(r.code, 0, r.stderr + r.stdout);
    });

    for (let seed = FIRST; seed <= LAST; seed++) {
      it(`trust policy, seed ${seed}`, async () => {
        const damaged = mutateJson(readFileSync(join(POLICY, 'trustpolicy.json'), 'utf8'), seededRandom(seed));
        const file = join(tempDir(), 'trustpolicy.json');
        writeFileSync(file, damaged);
        assert.deepEqual(await crashes(runsOf(file)), [], damaged);
      });
    }
  });

  describe('SCT lists', () => {
    const pem = (name: string) => readFileSync(join(MADE_FIXTURES, `${name}.pem`), 'utf8');
    const flags = ['--certificate-identity', WORKFLOW, '--certificate-oidc-issuer', GHA, '--ca-roots', join(MADE_FIXTURES, 'root.pem')];
    let log: MadeCtLog;
    before(() => {
      log = ctLog(tempDir(), 'ec-log');
    });

    const signedLayout = async (leaf: string) => `${await signedByMadeLeaf(leaf)}:v1`;

    it('undamaged: two SCTs of the log, verified', async () => {
      const ref = await signedLayout(withScts(pem('workflow'), pem('intermediate'), createPrivateKey(readFileSync(join(MADE_FIXTURES, 'intermediate.key.pem'))), [{ log }, { log }]));
      const r = await runCli('verify', ...flags, '--ctlog-key', log.file, '--oci-layout', ref);
      assert.equal(r.code, 0, r.stderr + r.stdout);
    });

    for (let seed = FIRST; seed <= LAST; seed++) {
      it(`SCT list, seed ${seed}`, async () => {
        const random = seededRandom(seed);
        let what = '';
        const leaf = withScts(pem('workflow'), pem('intermediate'), createPrivateKey(readFileSync(join(MADE_FIXTURES, 'intermediate.key.pem'))), [{ log }, { log }], (bytes) => {
          const damaged = mutateBytes(bytes, random);
          what = `list ${bytes.toString('hex')} -> ${damaged.toString('hex')}`;
          return damaged;
        });
        const ref = await signedLayout(leaf);
        const bad = await crashes([
          ['verify', ...flags, '--ctlog-key', log.file, '--oci-layout', ref],
          ['verify', ...flags, '--ctlog-key', log.file, '--format', 'json', '--oci-layout', ref],
        ]);
        assert.deepEqual(bad, [], what);
      });
    }
  });
});
