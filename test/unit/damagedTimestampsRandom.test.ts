// RFC 3161 timestamps damaged at random, the same way every run (seeded): the bundle of timestamp.test.ts's CLI case
// (cosign 3's keyless bundle, its SET taken away, a token made for it: test/fixtures/rfc3161-made/attestation.tok)
// with its token's DER damaged, by bytes (flipped, inserted, deleted, cut off) or in its structure (a length field,
// a tag, a TLV cut short), then verify and verify-attestation under the TSA's chain. None may crash; each must say
// bad-bundle naming rfc3161Timestamps[0], unless the damage missed every part the token's signature covers and the
// verifier reads (then the test names the part).
// More seeds, once, outside the suite: SWEEP_SEEDS=37-400 npx mocha test/unit/damagedTimestampsRandom.test.ts
// (SWEEP_LOG=1 prints what verify said of each).
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childrenOf, readNode } from '../../src/oci/signatures/x509/der';
import { mutateBytes, mutateDer } from '../helpers/byteMutations';
import { CRASH_TEXT, seededRandom } from '../helpers/jsonMutations';
import { runCli } from '../helpers/runCli';
import { attachBundle, attestation, FULCIO_V1, IDENTITY, ISSUER, type Json, REKOR_PUB, sigstoreFixture, storeImage } from '../helpers/sigstoreBundles';
import { cleanupTemps, newLayout, tempDir } from './builders';

after(cleanupTemps);

const MADE = (name: string) => join(__dirname, '..', 'fixtures', 'rfc3161-made', name);
const TOKEN = readFileSync(MADE('attestation.tok'));

/** The token's parts by where they are (SignedData's fields; the SignerInfo's), to name the one a change hit. */
function partsOf(token: Buffer): Array<[string, number, number]> {
  const out: Array<[string, number, number]> = [];
  const base = (n: { raw: Buffer }) => n.raw.byteOffset - token.byteOffset;
  const info = childrenOf(readNode(token).node);
  const sd = childrenOf(childrenOf(info[1]!)[0]!);
  const names = ['SignedData.version', 'SignedData.digestAlgorithms', 'encapContentInfo (the TSTInfo)', 'certificates', 'signerInfos'];
  sd.forEach((n, i) => out.push([names[i]!, base(n), base(n) + n.raw.length]));
  const si = childrenOf(childrenOf(sd[4]!)[0]!);
  const siNames = ['SignerInfo.version', 'SignerInfo.sid', 'SignerInfo.digestAlgorithm', 'SignerInfo.signedAttrs', 'SignerInfo.signatureAlgorithm', 'SignerInfo.signature', 'SignerInfo.unsignedAttrs'];
  si.forEach((n, i) => out.unshift([siNames[i]!, base(n), base(n) + n.raw.length]));
  return out;
}
const PARTS = partsOf(TOKEN);

/** The part of the token the first changed byte is in (the innermost named). */
function partHit(damaged: Buffer): string {
  if (damaged.equals(TOKEN)) return 'nothing (the change wrote the byte that was there)';
  let i = 0;
  while (i < TOKEN.length && i < damaged.length && TOKEN[i] === damaged[i]) i++;
  return PARTS.find(([, from, to]) => i >= from && i < to)?.[0] ?? `the token's outer heads (byte ${i})`;
}

/**
 * Parts a change may hit and still verify: the certificates it carries (the chain given holds the TSA's leaf), the
 * version INTEGERs' values (not checked, as sigstore-go's pkcs7 does not), the digestAlgorithms SET (the SignerInfo's
 * own is read). Every other part is signed or names how to verify, and must be refused.
 */
const IGNORED = ['nothing (the change wrote the byte that was there)', 'certificates', 'SignedData.version', 'SignerInfo.version', 'SignedData.digestAlgorithms'];

function layoutWith(token: Buffer) {
  const bundle = attestation();
  bundle.verificationMaterial.timestampVerificationData = { rfc3161Timestamps: [{ signedTimestamp: token.toString('base64') }] };
  delete bundle.verificationMaterial.tlogEntries[0].inclusionPromise;
  return bundle;
}

async function storeBundle(bundle: Json): Promise<string> {
  const store = await newLayout();
  const image = await storeImage(store);
  await attachBundle(store, image, bundle);
  return store.location;
}

describe('RFC 3161 timestamps damaged at random (seeded): verify and verify-attestation name the timestamp', function () {
  this.timeout(120_000);
  let chain: string;
  const flags = () => ['--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER, '--ca-roots', FULCIO_V1, '--ca-intermediates', sigstoreFixture('fulcio_intermediate.pem'), '--rekor-key', REKOR_PUB, '--timestamp-certificate-chain', chain];
  before(() => {
    chain = join(tempDir(), 'tsa-chain.pem');
    writeFileSync(chain, ['tsa.pem', 'intermediate.pem', 'root.pem'].map((f) => readFileSync(MADE(f), 'utf8')).join(''));
  });

  it('undamaged: verified at its timestamp (the sweep starts from a valid token)', async () => {
    const dir = await storeBundle(layoutWith(TOKEN));
    const r = await runCli('verify', ...flags(), '--oci-layout', `${dir}:v1`);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /timestamped by CN=made tsa, O=example at 2025-02-28T19:18:12Z/);
  });

  const seeds = (process.env.SWEEP_SEEDS ?? '1-36').split('-').map(Number);
  for (let seed = seeds[0]!; seed <= seeds[1]!; seed++) {
    it(`seed ${seed}`, async () => {
      const random = seededRandom(seed);
      const structural = random() < 0.6;
      const d = structural ? mutateDer(TOKEN, random) : { bytes: mutateBytes(TOKEN, random), what: 'bytes' };
      const part = partHit(d.bytes);
      const dir = await storeBundle(layoutWith(d.bytes));
      const bad: string[] = [];
      for (const command of ['verify', 'verify-attestation']) {
        for (const json of [false, true]) {
          const r = await runCli(command, ...flags(), ...(json ? ['--format', 'json'] : []), '--oci-layout', `${dir}:v1`);
          const shown = r.stderr + r.stdout;
          if (CRASH_TEXT.test(shown)) bad.push(`${command}: ${shown.split('\n').find((l) => CRASH_TEXT.test(l))}`);
          if (![0, 3].includes(r.code)) bad.push(`${command}: exit code ${r.code}: ${shown}`);
          if (!json) continue;
          const doc = JSON.parse(r.stdout) as Json;
          const s = (command === 'verify' ? doc.manifests[0].signatures[0] : doc.manifests[0].attestations[0]) as Json;
          if (process.env.SWEEP_LOG && command === 'verify') console.log(`${part}: ${s.valid ? 'valid' : s.reason}`);
          if (s.valid) {
            if (!IGNORED.includes(part)) bad.push(`${command}: valid, the damage in ${part}`);
          } else if (s.problem !== 'bad-bundle' || !/(?:^|: )timestampVerificationData\.rfc3161Timestamps\[0\]: \S/.test(s.reason)) bad.push(`${command}: ${s.problem}: ${s.reason}`);
        }
      }
      assert.deepEqual(bad, [], `${d.what}, in ${part}: ${d.bytes.toString('hex')}`);
    });
  }
});
