// attest-blob and verify-blob's attestations: a file attested as cosign attest-blob attests it (an in-toto statement
// naming its SHA-256, in a DSSE envelope: a Sigstore bundle v0.3 and/or the bare envelope), read back by verify-blob
// --bundle and --signature (cosign verify-blob-attestation's), by a real peer (sigstore-js verifies the bundle) and
// by node:crypto over PAE; envelopes cosign itself wrote verify too. A changed file, another type, another file's
// statement, another key each fail as named.
import { strict as assert } from 'node:assert';
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, verify as cryptoVerify } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { PublicKeyDetails } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { encryptCosignKey } from '../../src/oci/signatures';
import { runCliIn } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SPDX = 'https://spdx.dev/Document';
const INTOTO = 'application/vnd.in-toto+json';
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const ecdsa = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const COSIGN_VECTORS = join(__dirname, '..', 'fixtures', 'cosign-blob-attestation');

/** A folder with cosign.key (sealed under pw), cosign.pub, other.pub, release.tar.gz and an SPDX document. */
function keysIn(pair: { privateKey: KeyObject; publicKey: KeyObject }): string {
  const dir = tempDir('manifold-attestblob-');
  writeFileSync(join(dir, 'cosign.key'), encryptCosignKey(pair.privateKey, 'pw'));
  writeFileSync(join(dir, 'pass'), 'pw\n');
  writeFileSync(join(dir, 'cosign.pub'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'other.pub'), ecdsa().publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'release.tar.gz'), 'release 1.0 bytes\n');
  writeFileSync(join(dir, 'sbom.spdx.json'), JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'release', packages: [{ name: 'zlib', versionInfo: '1.3.1' }] }));
  return dir;
}

const attest = (dir: string, ...more: string[]) => runCliIn(dir, 'attest-blob', '--key', 'cosign.key', '--passphrase-file', 'pass', ...more);
const readJson = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json;

/** verify-blob --format json: its exit code and its document. */
async function verifyJson(dir: string, ...argv: string[]): Promise<{ code: number; json: Json; stderr: string }> {
  const r = await runCliIn(dir, 'verify-blob', ...argv, '--format', 'json');
  return { code: r.code, json: JSON.parse(r.stdout || '{}') as Json, stderr: r.stderr };
}

/** DSSE's PAE, written out here (not src's pae()): what the envelope's signature is over. */
function pae(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);
}

/** sigstore-js's Verifier trusting `publicKey` alone under cosign's hint, nothing uploaded (thresholds 0). */
function peerVerifies(publicKey: KeyObject, bundle: Json): void {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const hint = createHash('sha256').update(der).digest('base64');
  const noServices = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
  const trust = toTrustMaterial(noServices, { [hint]: { rawBytes: der, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256 } });
  new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundleFromJSON(bundle)));
}

describe('attest-blob and verify-blob of attestations', () => {
  it('attest-blob writes the statement, the DSSE envelope and the bundle as cosign does; sigstore-js and node:crypto verify them; verify-blob --bundle and --signature with --type verify', async () => {
    const pair = ecdsa();
    const dir = keysIn(pair);
    const hex = sha256(readFileSync(join(dir, 'release.tar.gz')));
    const r = await attest(dir, '--predicate', 'sbom.spdx.json', '--type', 'spdxjson', '--bundle', 'att.sigstore.json', '--output-signature', 'att.intoto.json', '--output-attestation', 'statement.json', 'release.tar.gz');
    assert.equal(r.code, 0, r.stderr);
    const said = `Attested release.tar.gz (sha256:${hex}) as ${SPDX} with cosign.key (ecdsa-p256): `;
    assert.equal(r.stdout, `${said}Sigstore bundle att.sigstore.json\n${said}DSSE envelope att.intoto.json\n${said}statement statement.json\n`);

    // The statement: cosign's GenerateStatement for a file: v0.1, one subject, the file's base name and SHA-256.
    const statementBytes = readFileSync(join(dir, 'statement.json'));
    const statement = JSON.parse(statementBytes.toString('utf8')) as Json;
    assert.deepEqual(Object.keys(statement), ['_type', 'predicateType', 'subject', 'predicate']);
    assert.deepEqual(statement, { _type: 'https://in-toto.io/Statement/v0.1', predicateType: SPDX, subject: [{ name: 'release.tar.gz', digest: { sha256: hex } }], predicate: readJson(dir, 'sbom.spdx.json') });

    // The envelope, byte for byte as cosign 3 writes it (Go's encoding of the protobuf envelope: no empty keyid).
    const envelopeText = readFileSync(join(dir, 'att.intoto.json'), 'utf8');
    const envelope = JSON.parse(envelopeText) as Json;
    assert.equal(envelopeText, `{"payload":"${statementBytes.toString('base64')}","payloadType":"${INTOTO}","signatures":[{"sig":"${envelope.signatures[0].sig as string}"}]}`);
    assert.ok(cryptoVerify('sha256', pae(INTOTO, statementBytes), pair.publicKey, Buffer.from(envelope.signatures[0].sig as string, 'base64')), 'the signature is over PAE(type, statement)');

    // The bundle holds that very envelope, the key named by its hint.
    const bundle = readJson(dir, 'att.sigstore.json');
    assert.deepEqual(Object.keys(bundle), ['mediaType', 'verificationMaterial', 'dsseEnvelope']);
    assert.equal(bundle.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
    assert.deepEqual(bundle.verificationMaterial, { publicKey: { hint: createHash('sha256').update(pair.publicKey.export({ type: 'spki', format: 'der' })).digest('base64') } });
    assert.deepEqual(bundle.dsseEnvelope, envelope);
    peerVerifies(pair.publicKey, bundle);
    assert.throws(() => peerVerifies(ecdsa().publicKey, bundle), 'sigstore-js trusts only the key under its hint');

    const text = await runCliIn(dir, 'verify-blob', '--key', 'cosign.pub', '--bundle', 'att.sigstore.json', '--type', 'spdxjson', 'release.tar.gz');
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.equal(text.stdout, `release.tar.gz (sha256:${hex}): verified by cosign.pub (ecdsa-p256)\n`);
    for (const flag of ['--bundle', '--signature']) {
      const file = flag === '--bundle' ? 'att.sigstore.json' : 'att.intoto.json';
      for (const type of [['--type', 'spdxjson'], ['--type', SPDX], []]) {
        const v = await verifyJson(dir, '--key', 'cosign.pub', flag, file, ...type, 'release.tar.gz');
        assert.equal(v.code, 0, `${flag} ${type.join(' ')}: ${JSON.stringify(v.json)}`);
        assert.deepEqual([v.json.valid, v.json.predicateType, v.json.identity, v.json.key, v.json.digest], [true, SPDX, 'release.tar.gz', 'cosign.pub', `sha256:${hex}`]);
      }
    }
    const v = await verifyJson(dir, '--key', 'cosign.pub', '--signature', 'att.intoto.json', 'release.tar.gz');
    assert.equal(v.json.signature, 'att.intoto.json');
  });

  it('refused as named: a changed file (digest-mismatch), another type (wrong-type), another key (bad-signature), a statement for another file (digest-mismatch), a tampered envelope', async () => {
    const dir = keysIn(ecdsa());
    assert.equal((await attest(dir, '--predicate', 'sbom.spdx.json', '--type', 'spdxjson', '--bundle', 'att.sigstore.json', '--output-signature', 'att.intoto.json', 'release.tar.gz')).code, 0);
    const hex = sha256(readFileSync(join(dir, 'release.tar.gz')));
    for (const [flag, file] of [['--bundle', 'att.sigstore.json'], ['--signature', 'att.intoto.json']] as const) {
      let v = await verifyJson(dir, '--key', 'cosign.pub', flag, file, '--type', 'slsaprovenance', 'release.tar.gz');
      assert.equal(v.code, 3);
      assert.deepEqual([v.json.valid, v.json.problem, v.json.reason], [false, 'wrong-type', `it is an attestation of ${SPDX}, not of https://slsa.dev/provenance/v0.2 (--type)`]);
      assert.match(v.stderr, /Error: release\.tar\.gz: no valid signature/);
      v = await verifyJson(dir, '--key', 'other.pub', flag, file, '--type', 'spdxjson', 'release.tar.gz');
      assert.deepEqual([v.code, v.json.problem], [3, 'bad-signature'], flag);
    }
    copyFileSync(join(dir, 'release.tar.gz'), join(dir, 'kept.tar.gz'));
    writeFileSync(join(dir, 'release.tar.gz'), 'release 1.0 bytes, changed\n');
    const changed = sha256(readFileSync(join(dir, 'release.tar.gz')));
    for (const [flag, file] of [['--bundle', 'att.sigstore.json'], ['--signature', 'att.intoto.json']] as const) {
      const v = await verifyJson(dir, '--key', 'cosign.pub', flag, file, '--type', 'spdxjson', 'release.tar.gz');
      assert.equal(v.code, 3, flag);
      assert.equal(v.json.problem, 'digest-mismatch', flag);
      assert.match(v.json.reason as string, new RegExp(`sha256:${hex}.*, not sha256:${changed}$`));
    }

    // --hash: a statement of another file (its SHA-256 given), signed: valid, but of nothing this file is.
    copyFileSync(join(dir, 'kept.tar.gz'), join(dir, 'release.tar.gz'));
    const other = sha256('another release');
    let r = await attest(dir, '--predicate', 'sbom.spdx.json', '--type', 'spdxjson', '--hash', other.toUpperCase(), '--output-signature', 'other.intoto.json', 'release.tar.gz');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Attested release\\.tar\\.gz \\(sha256:${other}\\) as `));
    let v = await verifyJson(dir, '--key', 'cosign.pub', '--signature', 'other.intoto.json', '--type', 'spdxjson', 'release.tar.gz');
    assert.deepEqual([v.code, v.json.problem, v.json.reason], [3, 'digest-mismatch', `its statement is of sha256:${other}, not sha256:${hex}`]);

    // The payload changed after signing: the signature over PAE no longer verifies, whatever the statement says.
    const envelope = readJson(dir, 'att.intoto.json');
    const statement = JSON.parse(Buffer.from(envelope.payload as string, 'base64').toString('utf8')) as Json;
    statement.predicateType = 'https://slsa.dev/provenance/v1';
    envelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(envelope));
    v = await verifyJson(dir, '--key', 'cosign.pub', '--signature', 'tampered.json', '--type', 'slsaprovenance1', 'release.tar.gz');
    assert.deepEqual([v.code, v.json.problem, v.json.reason], [3, 'bad-signature', 'no key given verifies the envelope (cosign.pub)']);

    // --statement: signed as it is, but only when it names this file.
    writeFileSync(join(dir, 'mine.json'), JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'r', digest: { sha256: hex } }], predicateType: 'https://example.com/test/v1', predicate: { ok: true } }));
    r = await attest(dir, '--statement', 'mine.json', '--output-signature', 'mine.intoto.json', 'release.tar.gz');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(Buffer.from(readJson(dir, 'mine.intoto.json').payload as string, 'base64').toString('utf8'), readFileSync(join(dir, 'mine.json'), 'utf8'));
    v = await verifyJson(dir, '--key', 'cosign.pub', '--signature', 'mine.intoto.json', '--type', 'https://example.com/test/v1', 'release.tar.gz');
    assert.deepEqual([v.code, v.json.identity], [0, 'r']);
    writeFileSync(join(dir, 'theirs.json'), JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'x', digest: { sha256: other } }], predicateType: 'https://example.com/test/v1', predicate: {} }));
    r = await attest(dir, '--statement', 'theirs.json', '--output-signature', 'theirs.intoto.json', 'release.tar.gz');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--statement theirs\.json: its subjects do not name release\.tar\.gz \(sha256:/);
  });

  it("envelopes cosign's attest-blob wrote (its test data, cosign 2's encoding) verify with --signature as verify-blob-attestation verifies them", async () => {
    const dir = tempDir('manifold-attestblob-');
    const at = (name: string) => join(COSIGN_VECTORS, name);
    const check = (envelope: string, ...more: string[]) => verifyJson(dir, '--key', at('cosign.pub'), '--signature', at(envelope), ...more);
    let v = await check('blob.intoto.json', '--type', 'slsaprovenance', at('blob'));
    assert.equal(v.code, 0, JSON.stringify(v.json));
    assert.deepEqual([v.json.predicateType, v.json.identity, v.json.digest], ['https://slsa.dev/provenance/v0.2', 'blob', 'sha256:658781cd4ed9bca60dacd09f7bb914bb51502e8b5d619f57f39a1d652596cc24']);
    v = await check('blob.intoto.json', '--type', 'custom', at('blob'));
    assert.deepEqual([v.code, v.json.problem], [3, 'wrong-type']);
    writeFileSync(join(dir, 'other-blob'), 'another-blob');
    v = await check('blob.intoto.json', '--type', 'slsaprovenance', join(dir, 'other-blob'));
    assert.deepEqual([v.code, v.json.problem], [3, 'digest-mismatch']);
    v = await check('two-subjects.intoto.json', '--type', 'slsaprovenance', at('blob'));
    assert.deepEqual([v.code, v.json.identity], [0, 'blob']);
    v = await check('other-subjects.intoto.json', '--type', 'slsaprovenance', at('blob'));
    assert.deepEqual([v.code, v.json.problem], [3, 'digest-mismatch']);
    v = await check('no-subject.intoto.json', at('blob'));
    assert.deepEqual([v.code, v.json.problem, v.json.reason], [3, 'malformed-payload', 'its statement: $.subject: expected a non-empty array']);
    // Its key verifies nothing of ours: the same envelope checked with another key fails.
    writeFileSync(join(dir, 'other.pub'), ecdsa().publicKey.export({ type: 'spki', format: 'pem' }));
    v = await verifyJson(dir, '--key', join(dir, 'other.pub'), '--signature', at('blob.intoto.json'), at('blob'));
    assert.deepEqual([v.code, v.json.problem], [3, 'bad-signature']);
    assert.ok(createPublicKey(readFileSync(at('cosign.pub'))).asymmetricKeyType === 'ec');
  });

  it("--signature takes the signature's base64 itself when no file has that name (cosign's text form); a bundle given there is named", async () => {
    const dir = keysIn(ecdsa());
    assert.equal((await runCliIn(dir, 'sign-blob', '--key', 'cosign.key', '--passphrase-file', 'pass', '--output-signature', 'release.sig', '--bundle', 'b.json', 'release.tar.gz')).code, 0);
    const sig = readFileSync(join(dir, 'release.sig'), 'utf8');
    let v = await verifyJson(dir, '--key', 'cosign.pub', '--signature', sig, 'release.tar.gz');
    assert.deepEqual([v.code, v.json.valid, v.json.key], [0, true, 'cosign.pub']);
    v = await verifyJson(dir, '--key', 'other.pub', '--signature', sig, 'release.tar.gz');
    assert.deepEqual([v.code, v.json.problem], [3, 'bad-signature']);
    assert.match(v.json.reason as string, /\(--signature read as the signature's base64: there is no file of that name\)$/);
    // A name that is no base64 is a missing file, said as such.
    const r = await runCliIn(dir, 'verify-blob', '--key', 'cosign.pub', '--signature', 'relase.sig', 'release.tar.gz');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error: --signature relase\.sig: ENOENT/);
    v = await verifyJson(dir, '--key', 'cosign.pub', '--signature', 'b.json', 'release.tar.gz');
    assert.deepEqual([v.code, v.json.problem, v.json.reason], [3, 'malformed-signature', 'the envelope: $.payloadType: expected a string (it is a Sigstore bundle: give it as --bundle)']);
    // A classic signature with --type: it attests nothing.
    v = await verifyJson(dir, '--key', 'cosign.pub', '--signature', 'release.sig', '--type', 'spdxjson', 'release.tar.gz');
    assert.deepEqual([v.code, v.json.problem], [3, 'wrong-type']);
  });

  it('attest-blob asks for what it needs: a key, a predicate and its type or a statement, an output, a hash that is one', async () => {
    const dir = keysIn(ecdsa());
    const usage = async (...argv: string[]) => {
      const r = await runCliIn(dir, 'attest-blob', ...argv, 'release.tar.gz');
      assert.equal(r.code, 1, `${argv.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '');
      return r.stderr;
    };
    const out = ['--bundle', 'out.json'];
    assert.match(await usage('--predicate', 'sbom.spdx.json', '--type', 'spdxjson', ...out), /--key FILE is required/);
    assert.match(await usage('--key', 'cosign.key', ...out), /give one of --predicate FILE \(with --type TYPE\) or --statement FILE/);
    assert.match(await usage('--key', 'cosign.key', '--predicate', 'a', '--statement', 'b', ...out), /give one of --predicate/);
    assert.match(await usage('--key', 'cosign.key', '--predicate', 'sbom.spdx.json', ...out), /--type TYPE is required with --predicate: custom\|slsaprovenance\|/);
    assert.match(await usage('--key', 'cosign.key', '--statement', 's.json', '--type', 'spdxjson', ...out), /--type is for --predicate/);
    assert.match(await usage('--key', 'cosign.key', '--predicate', 'sbom.spdx.json', '--type', 'spdxjson'), /--bundle OUT or --output-signature OUT is required/);
    assert.match(await usage('--key', 'cosign.key', '--predicate', 'sbom.spdx.json', '--type', 'spdxjson', '--hash', 'abc', ...out), /--hash "abc": expected the file's SHA-256, 64 hex digits/);
    assert.match(await usage('--key', 'cosign.key', '--predicate', 'sbom.spdx.json', '--type', 'nonsense', ...out), /--type nonsense: not a predicate type/);
    assert.match(await usage('--key', 'cosign.key', '--predicate', 'sbom.spdx.json', '--type', 'slsaprovenance', '--passphrase-file', 'pass', '--output-attestation', 's.json'), /--bundle OUT or --output-signature OUT is required/);
  });
});
