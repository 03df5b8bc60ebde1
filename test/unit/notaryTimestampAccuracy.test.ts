// A Notary signature's timestamp as notation checks it: the range genTime ± accuracy (RFC 3161's TSTInfo.accuracy),
// each certificate of the signing chain valid over all of it, bounds included (notation-go's verifier, tspclient-go's
// BoundedAfter/BoundedBefore); and TSA trust stores holding root CA certificates only, as notation-go's trust store
// requires. Signatures and tokens OpenSSL made (test/fixtures/rfc3161-made/make.sh, notary-*): a leaf valid
// 2025-01-01T00:00:00Z to 2025-03-01T00:00:00Z, countersigned by the made TSA with TSTInfos written for each case.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { loadNotaryRoots, NOTARY_JWS_MEDIA_TYPE, type NotaryTrust, parseTrustPolicy, readNotaryTrustStore, selectTrustPolicy, trustPolicyTrust, verifyNotaryEnvelope } from '../../src/oci/signatures';
import { attachNotary } from '../helpers/notaryEnvelopes';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, newLayout, tempDir } from './builders';

after(cleanupTemps);

const MADE = (name: string) => join(__dirname, '..', 'fixtures', 'rfc3161-made', name);
const MANIFEST = readFileSync(MADE('notary-manifest.json'));
const SUBJECT: Descriptor = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(MANIFEST), size: MANIFEST.length };
const sig = (name: string) => readFileSync(MADE(`notary-${name}.sig`));
const certs = (name: string) => loadNotaryRoots(name, readFileSync(MADE(name)));
/** Checked long after the leaf expired: only a timestamp can make it valid. */
const LATER = new Date('2030-01-01T00:00:00Z');
const flags = (): NotaryTrust => ({ roots: certs('notary-root.pem'), authorityRoots: [], identities: [], tsaRoots: certs('root.pem'), now: LATER });
const check = (name: string, trust: NotaryTrust = flags()) => verifyNotaryEnvelope(sig(name), NOTARY_JWS_MEDIA_TYPE, SUBJECT, trust);
const LEAF = 'the certificate chain\\[0\\] \\(CN=made notary signer, O=example\\)';

describe('Notary timestamps: the range genTime ± accuracy', () => {
  it('verifies when the range ends on the leaf\'s notAfter (bounds included), and reports the accuracy and the range', () => {
    const c = check('inside');
    assert.equal(c.ok, true, JSON.stringify(c));
    assert.deepEqual(c.fields.timestamp, {
      time: '2025-02-28T23:59:58.000Z',
      authority: 'CN=made tsa, O=example',
      root: 'root.pem',
      accuracy: '2s',
      earliest: '2025-02-28T23:59:56.000Z',
      latest: '2025-03-01T00:00:00.000Z',
    });
    assert.equal(c.fields.certificate?.checkedAt, '2025-02-28T23:59:58.000Z');
  });

  it('refuses a range that ends after the leaf\'s notAfter, or begins before its notBefore, though genTime is inside: certificate-expired naming the certificate and the bound', () => {
    const cases: Array<[string, RegExp]> = [
      ['after', new RegExp(`^${LEAF} expired at 2025-03-01T00:00:00\\.000Z, before the latest time its timestamp countersignature stands for, 2025-03-01T00:00:00\\.500Z \\(genTime 2025-02-28T23:59:59\\.000Z ± 1\\.5s\\)$`)],
      // 1 µs before: finer than a Date, counted in nanoseconds.
      ['before', new RegExp(`^${LEAF} is valid from 2025-01-01T00:00:00\\.000Z, after the earliest time its timestamp countersignature stands for, 2024-12-31T23:59:59\\.999999Z \\(genTime 2025-01-01T00:00:01\\.000Z ± 1\\.000001s\\)$`)],
    ];
    for (const [name, reason] of cases) {
      const c = check(name);
      assert.deepEqual([c.ok, !c.ok && c.problem], [false, 'certificate-expired'], name);
      assert.match(!c.ok ? c.reason : '', reason, name);
      // genTime itself is inside the leaf's validity: read alone, as before, it would have verified.
      const at = new Date(c.fields.timestamp!.time);
      assert.ok(at > new Date('2025-01-01T00:00:00Z') && at < new Date('2025-03-01T00:00:00Z'), name);
    }
  });

  it('no accuracy: genTime alone, unless the TSTInfo is under the baseline policy (0.4.0.2023.1.1): then ± 1 s, as tspclient-go takes it', () => {
    const exact = check('exact');
    assert.equal(exact.ok, true, JSON.stringify(exact));
    assert.deepEqual(exact.fields.timestamp, { time: '2025-02-28T23:59:59.500Z', authority: 'CN=made tsa, O=example', root: 'root.pem', earliest: '2025-02-28T23:59:59.500Z', latest: '2025-02-28T23:59:59.500Z' });
    const baseline = check('baseline');
    assert.deepEqual([baseline.ok, !baseline.ok && baseline.problem], [false, 'certificate-expired']);
    assert.match(!baseline.ok ? baseline.reason : '', /expired at 2025-03-01T00:00:00\.000Z, before the latest time its timestamp countersignature stands for, 2025-03-01T00:00:00\.500Z \(genTime 2025-02-28T23:59:59\.500Z ± 1s \(no accuracy, under the baseline policy\)\)$/);
  });

  it('refuses a malformed accuracy by name: bad-timestamp', () => {
    const c = check('badmillis');
    assert.deepEqual([c.ok, !c.ok && c.problem], [false, 'bad-timestamp']);
    assert.equal(!c.ok && c.reason, 'its timestamp countersignature (io.cncf.notary.timestampSignature): TSTInfo.accuracy.millis: 1000, not within 1..999');
  });

  it('verify --notary-tsa-roots: the range in the text and the JSON; one past the notAfter refused', async () => {
    const store = await newLayout();
    await store.push(SUBJECT, MANIFEST);
    await store.tag(SUBJECT, 'v1');
    await attachNotary(store, SUBJECT, sig('inside'));
    const args = ['verify', '--oci-layout', `${store.location}:v1`, '--notary-roots', MADE('notary-root.pem'), '--notary-tsa-roots', MADE('root.pem')];
    const r = await runCli(...args);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /verified by Notary signature of CN=made notary signer, O=example \(root .*notary-root\.pem, notary\.x509\), timestamped by CN=made tsa, O=example at 2025-02-28T23:59:58Z ± 2s, signed as/);
    const json = JSON.parse((await runCli(...args, '--format', 'json')).stdout) as { manifests: Array<{ signatures: Array<{ timestamp: unknown }> }> };
    assert.deepEqual(json.manifests[0]!.signatures[0]!.timestamp, { time: '2025-02-28T23:59:58.000Z', authority: 'CN=made tsa, O=example', root: MADE('root.pem'), accuracy: '2s', earliest: '2025-02-28T23:59:56.000Z', latest: '2025-03-01T00:00:00.000Z' });

    const late = await newLayout();
    await late.push(SUBJECT, MANIFEST);
    await late.tag(SUBJECT, 'v1');
    await attachNotary(late, SUBJECT, sig('after'));
    const refused = await runCli('verify', '--oci-layout', `${late.location}:v1`, '--notary-roots', MADE('notary-root.pem'), '--notary-tsa-roots', MADE('root.pem'));
    assert.equal(refused.code, 3, refused.stderr + refused.stdout);
    assert.match(refused.stdout, /certificate-expired: layers\[0\]: the certificate chain\[0\] \(CN=made notary signer, O=example\) expired at 2025-03-01T00:00:00\.000Z, before the latest time/);
  });
});

describe('every trust store holds CA or self-signed certificates (notation-go ValidateCertificates)', () => {
  const notaryMade = (name: string) => join(__dirname, '..', 'fixtures', 'notary-made', name);

  it('a leaf issued by another, in a ca store: refused whole by file and subject; a CA intermediate, or a self-signed leaf, read', async () => {
    await assert.rejects(
      readNotaryTrustStore(notaryMade('leaf.pem')),
      (err: Error) => err.message === `${notaryMade('leaf.pem')}: the certificate C=US, ST=WA, L=Seattle, O=example.com, OU=Release, CN=release signer is neither a CA certificate nor self-signed; a trust store holds CA or self-signed certificates only`,
    );
    assert.equal((await readNotaryTrustStore(notaryMade('intermediate.pem'))).length, 1);
    const dir = tempDir();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'self.key'), '-subj', '/CN=self-signed signer', '-addext', 'basicConstraints=critical,CA:FALSE', '-out', join(dir, 'self.pem')], { stdio: 'ignore' });
    assert.equal((await readNotaryTrustStore(join(dir, 'self.pem')))[0]!.fields.ca, false);
    // The CLI's flag says which one and where.
    const r = await runCli('verify', '--oci-layout', `${(await newLayout()).location}:v1`, '--notary-roots', notaryMade('leaf.pem'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--notary-roots .*leaf\.pem: the certificate .*CN=release signer is neither a CA certificate nor self-signed/);
  });
});

describe('TSA trust stores hold root CA certificates only', () => {
  const NOT_ROOT = /: the certificate CN=made tsa intermediate, O=example is not a root CA certificate: issued by CN=made tsa root, O=example, not by itself; a tsa trust store holds root certificates only$/;

  it('readNotaryTrustStore as a tsa store: a root read; an intermediate, a TSA leaf, or a folder mixing a root and an intermediate refused by file and subject', async () => {
    assert.equal((await readNotaryTrustStore(MADE('root.pem'), { tsa: true })).length, 1);
    await assert.rejects(readNotaryTrustStore(MADE('intermediate.pem'), { tsa: true }), (err: Error) => err.message.startsWith(MADE('intermediate.pem')) && NOT_ROOT.test(err.message));
    await assert.rejects(readNotaryTrustStore(MADE('tsa.pem'), { tsa: true }), /tsa\.pem: the certificate CN=made tsa, O=example is not a root CA certificate: not a CA \(basicConstraints without cA\)/);
    // A store mixing them is refused whole, as notation-go refuses the store (its root is not taken alone).
    const dir = tempDir();
    writeFileSync(join(dir, 'a-root.pem'), readFileSync(MADE('root.pem')));
    writeFileSync(join(dir, 'b-intermediate.pem'), readFileSync(MADE('intermediate.pem')));
    await assert.rejects(readNotaryTrustStore(dir, { tsa: true }), (err: Error) => err.message.startsWith(join(dir, 'b-intermediate.pem')) && NOT_ROOT.test(err.message));
    // Other stores are read as before: an intermediate may be what a ca store trusts.
    assert.equal((await readNotaryTrustStore(dir)).length, 2);
  });

  it('verify --notary-tsa-roots with an intermediate: refused before anything is verified, naming the flag, the file and the certificate', async () => {
    const r = await runCli('verify', '--oci-layout', `${(await newLayout()).location}:v1`, '--notary-roots', MADE('notary-root.pem'), '--notary-tsa-roots', MADE('intermediate.pem'));
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(r.stderr, /--notary-tsa-roots .*intermediate\.pem: the certificate CN=made tsa intermediate, O=example is not a root CA certificate/);
  });

  it('a trust policy whose tsa store holds an intermediate: the authentic timestamp fails (bad-timestamp) naming the store, the file and the certificate; its root alone verifies', async () => {
    const store = tempDir();
    const put = (dir: string, file: string, from: string) => {
      mkdirSync(join(store, dir), { recursive: true });
      writeFileSync(join(store, dir, file), readFileSync(MADE(from)));
    };
    put('x509/ca/made', 'notary-root.pem', 'notary-root.pem');
    put('x509/tsa/mixed', 'a-root.pem', 'root.pem');
    put('x509/tsa/mixed', 'b-intermediate.pem', 'intermediate.pem');
    put('x509/tsa/made', 'root.pem', 'root.pem');
    const trust = async (tsa: string): Promise<NotaryTrust> => {
      const doc = parseTrustPolicy(JSON.stringify({ version: '1.0', trustPolicies: [{ name: 'p', registryScopes: ['*'], signatureVerification: { level: 'strict', override: { revocation: 'skip' } }, trustStores: ['ca:made', `tsa:${tsa}`], trustedIdentities: ['*'] }] }), 'policy.json');
      return { ...(await trustPolicyTrust(selectTrustPolicy(doc, 'registry.example.com/app'), store)), now: LATER };
    };
    const mixed = check('inside', await trust('mixed'));
    assert.deepEqual([mixed.ok, !mixed.ok && mixed.problem], [false, 'bad-timestamp']);
    assert.match(!mixed.ok ? mixed.reason : '', /^trust store tsa:mixed: .*\/x509\/tsa\/mixed\/b-intermediate\.pem: the certificate CN=made tsa intermediate, O=example is not a root CA certificate/);
    const ok = check('inside', await trust('made'));
    assert.equal(ok.ok, true, JSON.stringify(ok));
    assert.equal(ok.fields.timestamp?.root, 'tsa:made/root.pem');
    // The range is checked under a trust policy too.
    const after = check('after', await trust('made'));
    assert.deepEqual([after.ok, !after.ok && after.problem], [false, 'certificate-expired']);
  });
});
