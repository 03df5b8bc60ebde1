// attest-blob's DSSE envelopes damaged at random, the same way every run (seeded): the envelope's JSON mutated (what
// is signed or not), or its statement mutated and signed again (so the statement's checks are reached). verify-blob
// --signature must end with a result naming the problem (or valid, when what changed is not checked), never a crash
// message; its exit code stays 0, 3 or 1. SWEEP_SEEDS=a-b sweeps more seeds.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeEnvelope } from '../../src/oci/attestations';
import { attestBlob, blobDigest, loadPublicKey, signKey, verifyBlobEnvelope } from '../../src/oci/signatures';
import { CRASH_TEXT, mutateJson, seededRandom } from '../helpers/jsonMutations';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

const SWEEP = process.env.SWEEP_SEEDS?.split('-').map(Number);
const [FIRST, LAST] = SWEEP && SWEEP.length === 2 ? SWEEP : [1, 40];

describe('attest-blob envelopes damaged at random', () => {
  it(`seeds ${FIRST}-${LAST}: verify-blob --signature names the problem, never crashes`, async function () {
    this.timeout(120_000);
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const key = signKey('cosign.key', pair.privateKey);
    const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const keys = [loadPublicKey('cosign.pub', pem)];
    const dir = tempDir('manifold-envelopes-');
    writeFileSync(join(dir, 'cosign.pub'), pem);
    const blob = Buffer.from('release 1.0\n');
    writeFileSync(join(dir, 'release.tar.gz'), blob);
    const digest = blobDigest(blob);
    const made = attestBlob('release.tar.gz', digest, key, { type: 'spdxjson', predicate: Buffer.from('{"spdxVersion":"SPDX-2.3","packages":[{"name":"zlib"}]}') });
    assert.equal(verifyBlobEnvelope(made.envelope, digest, keys).ok, true);
    const outcomes = new Map<string, number>();
    for (let seed = FIRST!; seed <= LAST!; seed++) {
      const random = seededRandom(seed);
      const damaged = seed % 2 === 0
        ? Buffer.from(mutateJson(made.envelope.toString('utf8'), random))
        : makeEnvelope('application/vnd.in-toto+json', Buffer.from(mutateJson(made.statement.toString('utf8'), random)), (b) => key.sign(b));
      const check = verifyBlobEnvelope(damaged, digest, keys);
      const what = `seed ${seed}: ${damaged.toString('utf8').slice(0, 300)}`;
      if (!check.ok) assert.doesNotMatch(check.reason, CRASH_TEXT, what);
      outcomes.set(check.ok ? 'valid' : check.problem, (outcomes.get(check.ok ? 'valid' : check.problem) ?? 0) + 1);
      if (seed % 5 !== 0) continue;
      writeFileSync(join(dir, 'damaged.json'), damaged);
      for (const format of [[], ['--format', 'json']]) {
        const r = await runCli('verify-blob', '--key', join(dir, 'cosign.pub'), '--signature', join(dir, 'damaged.json'), '--type', 'spdxjson', join(dir, 'release.tar.gz'), ...format);
        assert.ok([0, 1, 3].includes(r.code), `${what}: exit ${r.code}`);
        assert.doesNotMatch(r.stdout + r.stderr, CRASH_TEXT, what);
      }
    }
    // The sweep reaches past the signature: damaged statements signed again are judged by what they say.
    if (LAST! - FIRST! >= 20) assert.ok(outcomes.size >= 3, JSON.stringify([...outcomes]));
  });
});
