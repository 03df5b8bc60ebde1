// What the sweep of the files sign, attest and verify read found (damagedSigningFilesRandom.test.ts), one case each:
// the error names the file and the problem (its JSON path where there is one), exit 1, and nothing is stored.
import { strict as assert } from 'node:assert';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { digestOf } from '../../src/oci/digest';
import { encryptCosignKey } from '../../src/oci/signatures';
import { runCliIn } from '../helpers/runCli';
import { cleanupTemps, folderSnapshot, makeImage, newLayout, tempDir } from './builders';

after(cleanupTemps);

const PASS = 'correct horse';
const KEY = createPrivateKey(readFileSync(join(__dirname, '..', 'fixtures', 'notary-made', 'leaf.key.pem')));

/** A folder with cosign.key (sealed under PASS), pass.txt and release.txt, and a layout whose v1 is an image. */
async function setup() {
  const dir = tempDir();
  writeFileSync(join(dir, 'cosign.key'), encryptCosignKey(KEY, PASS));
  writeFileSync(join(dir, 'pass.txt'), `${PASS}\n`);
  writeFileSync(join(dir, 'release.txt'), 'release 1.0\n');
  const store = await newLayout();
  await store.tag(await makeImage(store), 'v1');
  return { dir, layout: store.location };
}

const attest = (dir: string, layout: string, predicate: string, type: string) =>
  runCliIn(dir, 'attest', '--key', 'cosign.key', '--passphrase-file', 'pass.txt', '--predicate', predicate, '--type', type, '--subject-name', 'registry.example.com/app', '--oci-layout', `${layout}:v1`);

/** cosign.key with its sealed JSON's scrypt parameters changed (the rest as sealed). */
function withScrypt(params: Record<string, number>): string {
  const pem = encryptCosignKey(KEY, PASS);
  const doc = JSON.parse(Buffer.from(/-----\n([\s\S]*?)-----END/.exec(pem)![1]!.replace(/\s+/g, ''), 'base64').toString());
  doc.kdf.params = { ...doc.kdf.params, ...params };
  const b64 = Buffer.from(JSON.stringify(doc)).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${b64}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`;
}

describe('attest --predicate FILE', () => {
  it('not JSON: the file named, and where it stops being JSON', async () => {
    const { dir, layout } = await setup();
    const before = folderSnapshot(layout);
    writeFileSync(join(dir, 'sbom.json'), '\ufeff{"spdxVersion": "SPDX-2.3"}');
    const r = await attest(dir, layout, 'sbom.json', 'spdxjson');
    // Was: Error: --predicate: not JSON, as --type spdxjson needs (Unexpected token '﻿', "﻿{"spdxVers"... is not valid JSON)
    assert.deepEqual([r.code, r.stderr], [1, 'Error: --predicate sbom.json: not JSON, as --type spdxjson needs (at line 1, column 1: a byte order mark (U+FEFF) is not allowed before JSON)\n']);
    writeFileSync(join(dir, 'list.json'), '[1]');
    const l = await attest(dir, layout, 'list.json', 'vuln');
    // Was: Error: --predicate: expected a JSON object, as --type vuln needs
    assert.deepEqual([l.code, l.stderr], [1, 'Error: --predicate list.json: expected a JSON object, as --type vuln needs\n']);
    assert.deepEqual(folderSnapshot(layout), before);
  });

  it('a number past a double\'s range: refused at its JSON path, as cosign\'s decoder refuses it (JavaScript would sign null)', async () => {
    const { dir, layout } = await setup();
    const before = folderSnapshot(layout);
    writeFileSync(join(dir, 'provenance.json'), '{"builder": {"id": "https://example.com/b"}, "metadata": {"completeness": [1, 1e400]}}');
    const r = await attest(dir, layout, 'provenance.json', 'slsaprovenance');
    // Was: exit 0, the statement's predicate {"builder":{"id":"https://example.com/b"},"metadata":{"completeness":[1,null]}}
    assert.deepEqual([r.code, r.stderr], [1, "Error: --predicate provenance.json: $.metadata.completeness[1]: a number past a double's range\n"]);
    assert.deepEqual(folderSnapshot(layout), before);
    const b = await runCliIn(dir, 'attest-blob', '--key', 'cosign.key', '--passphrase-file', 'pass.txt', '--predicate', 'provenance.json', '--type', 'slsaprovenance', '--bundle', 'out.json', 'release.txt');
    assert.deepEqual([b.code, b.stderr], [1, "Error: --predicate provenance.json: $.metadata.completeness[1]: a number past a double's range\n"]);
  });

  it('nested 5,000 deep: refused by name, not a stack overflow', async () => {
    const { dir, layout } = await setup();
    const before = folderSnapshot(layout);
    writeFileSync(join(dir, 'deep.json'), `{"a": ${'['.repeat(5000)}${']'.repeat(5000)}}`);
    const r = await attest(dir, layout, 'deep.json', 'cyclonedx');
    // Was: Error: Maximum call stack size exceeded
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: --predicate deep\.json: \$\.a(\[0\]){999}: nested deeper than 1000 levels\n$/);
    assert.deepEqual(folderSnapshot(layout), before);
    // 1,000 levels, as deep as any predicate: signed, the predicate as written.
    writeFileSync(join(dir, 'deep.json'), `{"a": ${'['.repeat(999)}${']'.repeat(999)}}`);
    assert.equal((await attest(dir, layout, 'deep.json', 'cyclonedx')).code, 0);
  });
});

describe('attest-blob --statement FILE', () => {
  it('no statement, or one of another file: the file named', async () => {
    const { dir } = await setup();
    writeFileSync(join(dir, 'st.json'), '{"_type": 5}');
    const run = () => runCliIn(dir, 'attest-blob', '--key', 'cosign.key', '--passphrase-file', 'pass.txt', '--statement', 'st.json', '--bundle', 'out.json', 'release.txt');
    // Was: Error: --statement: not an in-toto statement ($._type: expected a string)
    assert.deepEqual(await run(), { code: 1, stdout: '', stderr: 'Error: --statement st.json: not an in-toto statement ($._type: expected a string)\n' });
    writeFileSync(join(dir, 'st.json'), JSON.stringify({ _type: 'A'.repeat(1 << 20) }));
    // Was: the megabyte _type whole on the error line.
    assert.deepEqual(await run(), { code: 1, stdout: '', stderr: `Error: --statement st.json: not an in-toto statement ($._type: "${'A'.repeat(64)}"... (1048576 characters), not an in-toto Statement)\n` });
    writeFileSync(join(dir, 'st.json'), JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'x', digest: { sha256: '0'.repeat(64) } }], predicateType: 'https://example.com/t', predicate: {} }));
    const digest = digestOf(readFileSync(join(dir, 'release.txt')));
    // Was: Error: --statement: its subjects do not name release.txt (sha256:…)
    assert.deepEqual(await run(), { code: 1, stdout: '', stderr: `Error: --statement st.json: its subjects do not name release.txt (${digest})\n` });
    const good = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'release.txt', digest: { sha256: digest.slice(7) } }], predicateType: 'https://example.com/t', predicate: { note: 'b?d' } }));
    good[good.indexOf('?')] = 0xff;
    writeFileSync(join(dir, 'st.json'), good);
    // Was: exit 0, the bytes signed, and --output-attestation written with U+FFFD in place of the byte 0xff.
    assert.deepEqual(await run(), { code: 1, stdout: '', stderr: `Error: --statement st.json: not UTF-8 (byte ${good.indexOf(0xff)}), as an in-toto statement's JSON must be\n` });
  });
});

describe('cosign.key: scrypt parameters', () => {
  it('N not a power of two, or one OpenSSL refuses: the file and the JSON path named', async () => {
    const { dir, layout } = await setup();
    const sign = () => runCliIn(dir, 'sign', '--key', 'cosign.key', '--passphrase-file', 'pass.txt', '--identity', 'registry.example.com/app:v1', '--oci-layout', `${layout}:v1`);
    writeFileSync(join(dir, 'cosign.key'), withScrypt({ N: 3 }));
    // Was: Error: Invalid scrypt params: …
    assert.deepEqual(await sign(), { code: 1, stdout: '', stderr: 'Error: cosign.key: $.kdf.params.N: 3, not a power of two above 1\n' });
    writeFileSync(join(dir, 'cosign.key'), withScrypt({ N: 65536, r: 1 }));
    const r = await sign();
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: cosign\.key: \$\.kdf\.params: N 65536, r 1 and p 1: Invalid scrypt param/);
  });

  it('p of 1,000 (a thousand times cosign\'s work): refused before scrypt runs', async () => {
    const { dir, layout } = await setup();
    const before = folderSnapshot(layout);
    writeFileSync(join(dir, 'cosign.key'), withScrypt({ p: 1000 }));
    const r = await runCliIn(dir, 'sign', '--key', 'cosign.key', '--passphrase-file', 'pass.txt', '--identity', 'registry.example.com/app:v1', '--oci-layout', `${layout}:v1`);
    // Was: scrypt ran p = 1,000 times cosign's work (minutes), then "cannot decrypt it".
    assert.deepEqual(r, { code: 1, stdout: '', stderr: 'Error: cosign.key: $.kdf.params: N 32768, r 8 and p 1000 ask for more work than a key needs\n' });
    assert.deepEqual(folderSnapshot(layout), before);
  });
});

describe('--passphrase-file FILE', () => {
  it('a passphrase that opens nothing: the file it came from named (a byte order mark said)', async () => {
    const { dir, layout } = await setup();
    const before = folderSnapshot(layout);
    writeFileSync(join(dir, 'pass.txt'), `\ufeff${PASS}\r\n`);
    const r = await runCliIn(dir, 'sign', '--key', 'cosign.key', '--passphrase-file', 'pass.txt', '--identity', 'registry.example.com/app:v1', '--oci-layout', `${layout}:v1`);
    // Was: Error: cosign.key: cannot decrypt it: wrong passphrase, or the key is damaged
    assert.deepEqual([r.code, r.stderr], [1, 'Error: cosign.key: cannot decrypt it: wrong passphrase, or the key is damaged (the passphrase: the first line of --passphrase-file pass.txt, which starts with a byte order mark (U+FEFF))\n']);
    writeFileSync(join(dir, 'pass.txt'), 'wrong\n');
    const b = await runCliIn(dir, 'sign-blob', '--key', 'cosign.key', '--passphrase-file', 'pass.txt', '--bundle', 'out.json', 'release.txt');
    assert.deepEqual([b.code, b.stderr], [1, 'Error: cosign.key: cannot decrypt it: wrong passphrase, or the key is damaged (the passphrase: the first line of --passphrase-file pass.txt)\n']);
    assert.deepEqual(folderSnapshot(layout), before);
    // Its first line, CRLF or not, opens the key.
    writeFileSync(join(dir, 'pass.txt'), `${PASS}\r\nanother line\r\n`);
    assert.equal((await runCliIn(dir, 'sign', '--key', 'cosign.key', '--passphrase-file', 'pass.txt', '--identity', 'registry.example.com/app:v1', '--oci-layout', `${layout}:v1`)).code, 0);
  });
});

describe('JSON files of trust, a value nested deep or missing: named, not a stack overflow nor "undefined"', () => {
  const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it("notation's trust policy: a level nested 5,000 deep", async () => {
    const { dir, layout } = await setup();
    const policy = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'notary-policy', 'trustpolicy.json'), 'utf8'));
    writeFileSync(join(dir, 'trustpolicy.json'), JSON.stringify(policy).replace('"level":"strict"', `"level":${deep(5000)}`));
    const r = await runCliIn(dir, 'verify', '--notary-trust-policy', 'trustpolicy.json', '--notary-scope', 'local/app', '--oci-layout', `${layout}:v1`);
    // Was: Error: Maximum call stack size exceeded
    assert.deepEqual([r.code, r.stderr], [1, 'Error: --notary-trust-policy trustpolicy.json: $.trustPolicies[0].signatureVerification.level: an array is not a level: one of strict, permissive, audit, skip\n']);
    // An identity of 400,000 characters: shown cut. Was: all of it on the error line.
    writeFileSync(join(dir, 'trustpolicy.json'), JSON.stringify(policy).replace('"x509.subject: C=US, ST=WA, L=Seattle, O=Notary, CN=alpine"', `"x509.subject:${'['.repeat(400_000)}"`));
    const long = await runCliIn(dir, 'verify', '--notary-trust-policy', 'trustpolicy.json', '--notary-scope', 'local/app', '--oci-layout', `${layout}:v1`);
    assert.equal(long.code, 1);
    assert.ok(long.stderr.length < 1000 && long.stderr.includes(`"x509.subject:${'['.repeat(51)}"... (400013 characters)`), long.stderr.slice(0, 400));
    // A megabyte value: shown cut. Was: the whole megabyte on the error line.
    writeFileSync(join(dir, 'trustpolicy.json'), JSON.stringify(policy).replace('"ca:alpine"', `"${'A'.repeat(1 << 20)}"`));
    const huge = await runCliIn(dir, 'verify', '--notary-trust-policy', 'trustpolicy.json', '--notary-scope', 'local/app', '--oci-layout', `${layout}:v1`);
    assert.deepEqual([huge.code, huge.stderr], [1, `Error: --notary-trust-policy trustpolicy.json: $.trustPolicies[0].trustStores[0]: "${'A'.repeat(64)}"... (1048576 characters): expected TYPE:NAME (ca, signingAuthority or tsa)\n`]);
  });

  it("notation's blob trust policy: globalPolicy nested 5,000 deep", async () => {
    const { dir } = await setup();
    const policy = { version: '1.0', trustPolicies: [{ name: 'blobs', signatureVerification: { level: 'strict' }, trustStores: ['ca:made'], trustedIdentities: ['*'], globalPolicy: '@' }] };
    writeFileSync(join(dir, 'trustpolicy.blob.json'), JSON.stringify(policy).replace('"@"', deep(5000)));
    writeFileSync(join(dir, 'release.txt.jws.sig'), '{}');
    const r = await runCliIn(dir, 'verify-blob', '--notary-trust-policy', 'trustpolicy.blob.json', '--signature', 'release.txt.jws.sig', 'release.txt');
    // Was: Error: Maximum call stack size exceeded
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /^Error: --notary-trust-policy trustpolicy\.blob\.json: \$\.trustPolicies\[0\]\.globalPolicy: an array: expected true or false\n$/);
  });

  it("Sigstore's trusted root: its mediaType missing, or nested 5,000 deep", async () => {
    const { dir, layout } = await setup();
    const root = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'trusted-root', 'public-good.json'), 'utf8'));
    writeFileSync(join(dir, 'cosign.pub'), createPublicKey(KEY).export({ type: 'spki', format: 'pem' }));
    const verify = () => runCliIn(dir, 'verify', '--key', 'cosign.pub', '--trusted-root', 'trusted_root.json', '--oci-layout', `${layout}:v1`);
    writeFileSync(join(dir, 'trusted_root.json'), JSON.stringify({ ...root, mediaType: undefined }));
    // Was: Error: trusted_root.json: mediaType: undefined, not a TrustedRoot's (...)
    const types = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1 or application/vnd.dev.sigstore.trustedroot+json;version=0.2';
    assert.deepEqual(await verify(), { code: 1, stdout: '', stderr: `Error: trusted_root.json: mediaType: missing, expected a TrustedRoot's (${types})\n` });
    writeFileSync(join(dir, 'trusted_root.json'), JSON.stringify(root).replace(/"mediaType":"[^"]*"/, `"mediaType":${deep(5000)}`));
    // Was: Error: Maximum call stack size exceeded
    assert.deepEqual(await verify(), { code: 1, stdout: '', stderr: `Error: trusted_root.json: mediaType: an array, not a TrustedRoot's (${types})\n` });
    // A log ID of a megabyte: its start and length. Was: the whole of it in hex (1.5 million characters on the line).
    root.tlogs[0].logId.keyId = Buffer.alloc(1 << 20).toString('base64');
    writeFileSync(join(dir, 'trusted_root.json'), JSON.stringify(root));
    const r = await verify();
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^Error: trusted_root\\.json: tlogs\\[0\\]\\.logId\\.keyId: ${'00'.repeat(32)}\\.\\.\\. \\(1048576 bytes\\) is not its key's log ID \\(the SHA-256 of its DER: [0-9a-f]{64}\\)\\n$`));
  });

  it("verify-blob --bundle: a field of the bundle's DSSE envelope nested 5,000 deep", async () => {
    const { dir } = await setup();
    writeFileSync(join(dir, 'cosign.pub'), createPublicKey(KEY).export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(dir, 'provenance.json'), '{"builder": {"id": "https://example.com/b"}}');
    const a = await runCliIn(dir, 'attest-blob', '--key', 'cosign.key', '--passphrase-file', 'pass.txt', '--predicate', 'provenance.json', '--type', 'slsaprovenance', '--bundle', 'att.json', 'release.txt');
    assert.equal(a.code, 0, a.stderr);
    const bundle = JSON.parse(readFileSync(join(dir, 'att.json'), 'utf8'));
    bundle.dsseEnvelope.payloadType = '@';
    writeFileSync(join(dir, 'att.json'), JSON.stringify(bundle).replace('"@"', deep(5000)));
    const r = await runCliIn(dir, 'verify-blob', '--key', 'cosign.pub', '--bundle', 'att.json', 'release.txt');
    // Was: exit 1, Error: Maximum call stack size exceeded
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout + r.stderr, /\$\.dsseEnvelope\.payloadType: expected a string/);
  });
});

describe('sign --notary-key KEY --notary-certificate CHAIN', () => {
  it('a chain verify would refuse (the leaf alone, out of order) is refused by name, not signed', async () => {
    const { dir, layout } = await setup();
    const before = folderSnapshot(layout);
    const pem = (f: string) => readFileSync(join(__dirname, '..', 'fixtures', 'notary-made', f), 'utf8');
    writeFileSync(join(dir, 'notary.key'), KEY.export({ type: 'pkcs8', format: 'pem' }));
    const sign = () => runCliIn(dir, 'sign', '--notary-key', 'notary.key', '--notary-certificate', 'chain.pem', '--oci-layout', `${layout}:v1`);
    // The key's private scalar damaged (a base64 character of its PKCS#8), its public point intact: OpenSSL reads it.
    const keyPem = KEY.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileSync(join(dir, 'notary.key'), `${keyPem.slice(0, 88)}${keyPem[88] === '+' ? 'A' : '+'}${keyPem.slice(89)}`);
    writeFileSync(join(dir, 'chain.pem'), pem('leaf.pem') + pem('intermediate.pem') + pem('root.pem'));
    // Was: exit 0, a signature verify then refused (bad-signature: its signing certificate's key does not verify it).
    assert.deepEqual(await sign(), { code: 1, stdout: '', stderr: 'Error: notary.key: damaged: its private key does not sign as its public key says, so no verifier would take what it signs\n' });
    writeFileSync(join(dir, 'notary.key'), keyPem);
    writeFileSync(join(dir, 'chain.pem'), pem('leaf.pem'));
    // Was: exit 0, a signature verify --notary-roots root.pem then refused (untrusted-certificate: the chain ends at the leaf).
    assert.deepEqual(await sign(), {
      code: 1,
      stdout: '',
      stderr: 'Error: chain.pem: not a chain the Notary Project signs with: chain.pem (C=US, ST=WA, L=Seattle, O=example.com, OU=Release, CN=release signer) is the last of the chain and not a self-signed root: the chain must end with its root\n',
    });
    writeFileSync(join(dir, 'chain.pem'), pem('leaf.pem') + pem('root.pem') + pem('intermediate.pem'));
    const r = await sign();
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: chain\.pem: not a chain the Notary Project signs with: chain\.pem\[0\] \(.*CN=release signer\) is not issued by chain\.pem\[1\]/);
    assert.deepEqual(folderSnapshot(layout), before);
    // Leaf, intermediate, root: signed, and verify trusts it under the root.
    writeFileSync(join(dir, 'chain.pem'), pem('leaf.pem') + pem('intermediate.pem') + pem('root.pem'));
    assert.equal((await sign()).code, 0);
    const v = await runCliIn(dir, 'verify', '--notary-roots', join(__dirname, '..', 'fixtures', 'notary-made', 'root.pem'), '--oci-layout', `${layout}:v1`);
    assert.equal(v.code, 0, v.stdout);
  });
});

describe('verify-blob --signature FILE.jws.sig (a Notary JWS signature)', () => {
  it('its protected alg or signing time nested 5,000 deep: a malformed signature named, not a stack overflow', async () => {
    const { dir } = await setup();
    const made = join(__dirname, '..', 'fixtures', 'notary-made');
    const x5c = readFileSync(join(made, 'leaf.pem'), 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const jws = (header: string) => JSON.stringify({ payload: Buffer.from('{}').toString('base64url'), protected: Buffer.from(header).toString('base64url'), header: { x5c: [x5c] }, signature: 'AAAA' });
    const verify = async (header: string) => {
      writeFileSync(join(dir, 'release.txt.jws.sig'), jws(header));
      const r = await runCliIn(dir, 'verify-blob', '--notary-roots', join(made, 'root.pem'), '--signature', 'release.txt.jws.sig', 'release.txt');
      assert.equal(r.code, 3, r.stderr);
      return r.stdout;
    };
    // Was (both): exit 1, Error: Maximum call stack size exceeded
    assert.match(await verify(`{"alg":${deep}}`), /malformed-signature: JWS envelope: protected\.alg: an array is none of PS256, PS384, PS512, ES256, ES384, ES512\n/);
    const header = '{"alg":"ES256","cty":"application/vnd.cncf.notary.payload.v1+json","io.cncf.notary.signingScheme":"notary.x509","io.cncf.notary.signingTime":@}';
    assert.match(await verify(header.replace('@', deep)), /malformed-signature: JWS envelope: protected\["io\.cncf\.notary\.signingTime"\]: not an RFC 3339 time: an array\n/);
  });
});
