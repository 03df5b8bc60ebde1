// sign --notary-key --notary-certificate: a Notary Project signature as notation writes one (a JWS envelope, scheme
// notary.x509, a referrer of type application/vnd.cncf.notary.signature with the chain's thumbprints), made with the
// keys and certificates of test/fixtures/notary-made, then checked by verify --notary-roots and by reading the bytes.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { loadNotaryRoots, loadNotarySigner, makeNotaryCose, makeNotaryJws, NOTARY_COSE_MEDIA_TYPE, NOTARY_JWS_MEDIA_TYPE, NOTARY_SIGNATURE_ARTIFACT_TYPE, THUMBPRINT_ANNOTATION, verifyNotaryEnvelope } from '../../src/oci/signatures';
import { made } from '../helpers/notaryEnvelopes';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeMultiArchLayout, tempDir } from './builders';

after(cleanupTemps);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The leaf's chain as a file: the leaf, the intermediate, the root. */
function chainFile(leaf: string): string {
  const file = join(tempDir(), `${leaf}-chain.pem`);
  writeFileSync(file, [leaf, 'intermediate', 'root'].map((n) => readFileSync(made(`${n}.pem`), 'utf8')).join(''));
  return file;
}

const signer = (leaf: string) => loadNotarySigner(`${leaf}.key.pem`, readFileSync(made(`${leaf}.key.pem`)), 'chain.pem', readFileSync(chainFile(leaf)));
const roots = () => loadNotaryRoots('root.pem', readFileSync(made('root.pem')));
const part = (text: string): Json => JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Json;

describe('sign as notation signs (a Notary Project signature)', () => {
  it('sign --recursive: a Notary referrer per manifest, JWS with the chain and thumbprints; verify --notary-roots verifies each', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const r = await runCli('sign', '--notary-key', made('leaf.key.pem'), '--notary-certificate', chainFile('leaf'), '--recursive', '--oci-layout', `${store.location}:multi`);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, new RegExp(`^Signed .*@${index.digest} with .*leaf\\.key\\.pem \\(ES256, .*CN=release signer\\): Notary signature .*@sha256:[0-9a-f]{64} \\(application/vnd\\.cncf\\.notary\\.signature referrer, JWS\\)$`));

    const listed: Descriptor[] = [];
    for await (const d of store.referrers(index)) listed.push(d);
    assert.deepEqual(listed.map((d) => d.artifactType), [NOTARY_SIGNATURE_ARTIFACT_TYPE]);
    const manifest = JSON.parse((await store.fetchBytes(listed[0]!)).toString()) as Json;
    assert.equal(manifest.layers.length, 1);
    assert.equal(manifest.layers[0].mediaType, NOTARY_JWS_MEDIA_TYPE);
    assert.deepEqual(manifest.subject, { mediaType: index.mediaType, digest: index.digest, size: index.size });
    const thumbprints = ['leaf', 'intermediate', 'root'].map((n) => {
      const pem = readFileSync(made(`${n}.pem`), 'utf8').replace(/-----[^-]+-----|\s/g, '');
      return createHash('sha256').update(Buffer.from(pem, 'base64')).digest('hex');
    });
    assert.deepEqual(JSON.parse(manifest.annotations[THUMBPRINT_ANNOTATION]), thumbprints);
    const envelope = JSON.parse((await store.fetchBytes(manifest.layers[0])).toString()) as Json;
    const header = part(envelope.protected);
    assert.deepEqual(
      [header.alg, header.cty, header.crit, header['io.cncf.notary.signingScheme'], typeof header['io.cncf.notary.signingTime']],
      ['ES256', 'application/vnd.cncf.notary.payload.v1+json', ['io.cncf.notary.signingScheme'], 'notary.x509', 'string'],
    );
    assert.deepEqual(part(envelope.payload), { targetArtifact: { mediaType: index.mediaType, digest: index.digest, size: index.size } });
    assert.equal(envelope.header.x5c.length, 3);

    const v = await runCli('verify', '--notary-roots', made('root.pem'), '--recursive', '--format', 'json', '--oci-layout', `${store.location}:multi`);
    assert.equal(v.code, 0, v.stderr + v.stdout);
    const doc = JSON.parse(v.stdout) as Json;
    assert.deepEqual(
      doc.manifests.map((m: Json) => [m.digest, m.valid, m.signatures.map((s: Json) => [s.format, s.notary.envelope, s.notary.signingScheme])]),
      [index, ...children].map((d) => [d.digest, true, [['notary', 'jws', 'notary.x509']]]),
    );
  });

  it('RSA and P-384 keys sign with PS256 and ES384, each verified; an expiry set is critical and ends the signature', () => {
    const subject = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 123 };
    for (const [leaf, alg] of [['rsaleaf', 'PS256'], ['leaf384', 'ES384']] as const) {
      const s = signer(leaf);
      assert.equal(s.alg, alg);
      const check = verifyNotaryEnvelope(makeNotaryJws(subject, s), NOTARY_JWS_MEDIA_TYPE, subject, { roots: roots(), authorityRoots: [], identities: [] });
      assert.deepEqual([check.ok, !check.ok && check.reason], [true, false], leaf);
    }
    const now = new Date();
    const bytes = makeNotaryJws(subject, signer('leaf'), { now, expiresIn: 60_000 });
    const header = part((JSON.parse(bytes.toString()) as Json).protected);
    assert.deepEqual(header.crit, ['io.cncf.notary.signingScheme', 'io.cncf.notary.expiry']);
    const trust = { roots: roots(), authorityRoots: [], identities: [] };
    assert.equal(verifyNotaryEnvelope(bytes, NOTARY_JWS_MEDIA_TYPE, subject, trust).ok, true);
    const later = verifyNotaryEnvelope(bytes, NOTARY_JWS_MEDIA_TYPE, subject, { ...trust, now: new Date(now.getTime() + 120_000) });
    assert.deepEqual([later.ok, !later.ok && later.problem], [false, 'signature-expired']);
    // The envelope names this subject only: another digest is refused.
    const other = verifyNotaryEnvelope(bytes, NOTARY_JWS_MEDIA_TYPE, { ...subject, digest: `sha256:${'b'.repeat(64)}` }, trust);
    assert.equal(other.ok, false);
  });

  it('--signature-format cose: a tagged COSE_Sign1 as notation writes it, verified (ES256, RSA PS256), its expiry critical', async () => {
    const { store, children } = await makeMultiArchLayout();
    const r = await runCli('sign', '--notary-key', made('rsaleaf.key.pem'), '--notary-certificate', chainFile('rsaleaf'), '--signature-format', 'cose', '--platform', 'linux/amd64', '--oci-layout', `${store.location}:multi`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\(PS256, .*\): Notary signature .* \(application\/vnd\.cncf\.notary\.signature referrer, COSE\)\n$/);
    const listed: Descriptor[] = [];
    for await (const d of store.referrers(children[0]!)) listed.push(d);
    const manifest = JSON.parse((await store.fetchBytes(listed[0]!)).toString()) as Json;
    assert.equal(manifest.layers[0].mediaType, 'application/cose');
    const envelope = await store.fetchBytes(manifest.layers[0]);
    // Tag 18 (0xd2), an array of four (0x84), the protected header a byte string.
    assert.deepEqual([envelope[0], envelope[1], envelope[2]! >> 5], [0xd2, 0x84, 2]);
    const v = await runCli('verify', '--notary-roots', made('root.pem'), '--platform', 'linux/amd64', '--format', 'json', '--oci-layout', `${store.location}:multi`);
    assert.equal(v.code, 0, v.stderr + v.stdout);
    const s = (JSON.parse(v.stdout) as Json).manifests[0].signatures[0];
    assert.deepEqual([s.valid, s.notary.envelope, s.keyType], [true, 'cose', 'rsa-2048']);

    const subject = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'c'.repeat(64)}`, size: 9 };
    const now = new Date();
    const cose = makeNotaryCose(subject, signer('leaf'), { now, expiresIn: 60_000 });
    const trust = { roots: roots(), authorityRoots: [], identities: [] };
    const ok = verifyNotaryEnvelope(cose, NOTARY_COSE_MEDIA_TYPE, subject, trust);
    assert.deepEqual([ok.ok, ok.fields.notary?.envelope, ok.fields.notary?.expiry !== undefined], [true, 'cose', true]);
    const later = verifyNotaryEnvelope(cose, NOTARY_COSE_MEDIA_TYPE, subject, { ...trust, now: new Date(now.getTime() + 120_000) });
    assert.deepEqual([later.ok, !later.ok && later.problem], [false, 'signature-expired']);
    const bad = await runCli('sign', '--notary-key', made('leaf.key.pem'), '--notary-certificate', chainFile('leaf'), '--signature-format', 'xml', '--oci-layout', `${store.location}:multi`);
    assert.match(bad.stderr, /--signature-format "xml": jws or cose/);
  });

  it('refuses a chain not for the key, a key notation does not sign with, and mixing with cosign\'s flags, naming each', async () => {
    assert.throws(() => loadNotarySigner('otherleaf.key.pem', readFileSync(made('otherleaf.key.pem')), 'chain.pem', readFileSync(chainFile('leaf'))), /chain\.pem: its first certificate \(.*\) is not for the key otherleaf\.key\.pem/);
    const ed = join(tempDir(), 'ed.pem');
    const { generateKeyPairSync } = await import('node:crypto');
    writeFileSync(ed, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    assert.throws(() => loadNotarySigner('ed.pem', readFileSync(ed), 'chain.pem', readFileSync(chainFile('leaf'))), /ed\.pem: a ed25519 key: the Notary Project signs with RSA 2048, 3072 or 4096 or ECDSA P-256, P-384 or P-521/);
    const { store } = await makeMultiArchLayout();
    const before = readFileSync(join(store.location, 'index.json'));
    let r = await runCli('sign', '--notary-key', made('leaf.key.pem'), '--oci-layout', `${store.location}:multi`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--notary-key FILE and --notary-certificate FILE go together/);
    r = await runCli('sign', '--notary-key', made('leaf.key.pem'), '--notary-certificate', chainFile('leaf'), '--identity', 'x/y:z', '--oci-layout', `${store.location}:multi`);
    assert.match(r.stderr, /--identity and --notary-key: give one/);
    r = await runCli('sign', '--notary-key', made('leaf.key.pem'), '--notary-certificate', chainFile('leaf'), '--expiry', 'soon', '--oci-layout', `${store.location}:multi`);
    assert.match(r.stderr, /--expiry "soon": not a duration/);
    assert.ok(readFileSync(join(store.location, 'index.json')).equals(before), 'nothing stored');
  });
});
