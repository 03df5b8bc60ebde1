// sign-blob and verify-blob: files signed as cosign sign-blob signs them (a Sigstore bundle v0.3 with a message
// signature, or the classic base64 signature), read back by verify-blob and by a real peer (sigstore-js verifies the
// bundle over the file's bytes, trusting only the key under cosign's hint); a changed file is refused by both.
import { strict as assert } from 'node:assert';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { PublicKeyDetails } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { encryptCosignKey } from '../../src/oci/signatures';
import { builtCli } from '../helpers/layoutStress';
import { runCliIn } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A folder with cosign.key (sealed under pass), cosign.pub, other.pub and release.tar.gz. */
function keysIn(pair: { privateKey: KeyObject; publicKey: KeyObject }): string {
  const dir = tempDir('manifold-blob-');
  writeFileSync(join(dir, 'cosign.key'), encryptCosignKey(pair.privateKey, 'pw'));
  writeFileSync(join(dir, 'pass'), 'pw\n');
  writeFileSync(join(dir, 'cosign.pub'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'other.pub'), generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'release.tar.gz'), Buffer.from('release 1.0 bytes\n'));
  return dir;
}

const ecdsa = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

/** sigstore-js's Verifier trusting `publicKey` alone under cosign's hint, nothing uploaded (thresholds 0). */
function peerVerifies(publicKey: KeyObject, bundle: Json, artifact: Buffer): void {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const hint = createHash('sha256').update(der).digest('base64');
  const noServices = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
  const trust = toTrustMaterial(noServices, { [hint]: { rawBytes: der, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256 } });
  new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundleFromJSON(bundle), artifact));
}

describe('sign-blob and verify-blob', () => {
  it('sign-blob --bundle writes a v0.3 message-signature bundle sigstore-js verifies over the file; verify-blob verifies it, refuses a changed file', async () => {
    const pair = ecdsa();
    const dir = keysIn(pair);
    const signed = await runCliIn(dir, 'sign-blob', '--key', 'cosign.key', '--passphrase-file', 'pass', '--bundle', 'release.sigstore.json', 'release.tar.gz');
    assert.equal(signed.code, 0, signed.stderr);
    const file = readFileSync(join(dir, 'release.tar.gz'));
    const digest = `sha256:${sha256(file).toString('hex')}`;
    assert.equal(signed.stdout, `Signed release.tar.gz (${digest}) with cosign.key (ecdsa-p256): Sigstore bundle release.sigstore.json\n`);
    const bundle = JSON.parse(readFileSync(join(dir, 'release.sigstore.json'), 'utf8')) as Json;
    assert.deepEqual(Object.keys(bundle), ['mediaType', 'verificationMaterial', 'messageSignature']);
    assert.equal(bundle.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
    assert.deepEqual(bundle.verificationMaterial, { publicKey: { hint: createHash('sha256').update(pair.publicKey.export({ type: 'spki', format: 'der' })).digest('base64') } });
    assert.deepEqual(bundle.messageSignature.messageDigest, { algorithm: 'SHA2_256', digest: sha256(file).toString('base64') });

    peerVerifies(pair.publicKey, bundle, file);
    assert.throws(() => peerVerifies(pair.publicKey, bundle, Buffer.concat([file, Buffer.from('x')])));

    let r = await runCliIn(dir, 'verify-blob', '--key', 'cosign.pub', '--bundle', 'release.sigstore.json', 'release.tar.gz');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, `release.tar.gz (${digest}): verified by cosign.pub (ecdsa-p256)\n`);
    r = await runCliIn(dir, 'verify-blob', '--key', 'cosign.pub', '--bundle', 'release.sigstore.json', 'release.tar.gz', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as Json;
    assert.deepEqual(
      { version: json.version, file: json.file, digest: json.digest, bundle: json.bundle, valid: json.valid, format: json.format, key: json.key, keys: json.keys },
      { version: 1, file: 'release.tar.gz', digest, bundle: 'release.sigstore.json', valid: true, format: 'bundle', key: 'cosign.pub', keys: [{ name: 'cosign.pub', type: 'ecdsa-p256' }] },
    );

    r = await runCliIn(dir, 'verify-blob', '--key', 'other.pub', '--bundle', 'release.sigstore.json', 'release.tar.gz', '--format', 'json');
    assert.equal(r.code, 3);
    assert.equal((JSON.parse(r.stdout) as Json).problem, 'bad-signature');

    writeFileSync(join(dir, 'release.tar.gz'), Buffer.from('release 1.0 bytes, changed\n'));
    r = await runCliIn(dir, 'verify-blob', '--key', 'cosign.pub', '--bundle', 'release.sigstore.json', 'release.tar.gz', '--format', 'json');
    assert.equal(r.code, 3, r.stdout);
    const refused = JSON.parse(r.stdout) as Json;
    assert.equal(refused.valid, false);
    assert.equal(refused.problem, 'bad-signature', 'the signature over the bytes fails before the digest is compared');
    assert.match(r.stderr, /Error: release\.tar\.gz: no valid signature/);
  });

  it('a P-384 or P-521 key: the bundle states the key\'s own hash as its messageDigest, as cosign does, and verify-blob checks it in that hash', async () => {
    for (const [curve, alg, hash] of [['secp384r1', 'SHA2_384', 'sha384'], ['secp521r1', 'SHA2_512', 'sha512']] as const) {
      const dir = keysIn(generateKeyPairSync('ec', { namedCurve: curve }));
      const signed = await runCliIn(dir, 'sign-blob', '--key', 'cosign.key', '--passphrase-file', 'pass', '--bundle', 'b.json', 'release.tar.gz');
      assert.equal(signed.code, 0, signed.stderr);
      const bundle = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8')) as Json;
      assert.deepEqual(bundle.messageSignature.messageDigest, { algorithm: alg, digest: createHash(hash).update(readFileSync(join(dir, 'release.tar.gz'))).digest('base64') });
      assert.equal((await runCliIn(dir, 'verify-blob', '--key', 'cosign.pub', '--bundle', 'b.json', 'release.tar.gz')).code, 0);
      // The digest stated must be the file's in that hash: another file's is refused as digest-mismatch.
      bundle.messageSignature.messageDigest.digest = createHash(hash).update('other').digest('base64');
      writeFileSync(join(dir, 'b.json'), JSON.stringify(bundle));
      const r = await runCliIn(dir, 'verify-blob', '--key', 'cosign.pub', '--bundle', 'b.json', 'release.tar.gz', '--format', 'json');
      assert.equal(r.code, 3);
      assert.equal((JSON.parse(r.stdout) as Json).problem, 'digest-mismatch');
    }
  });

  it('--type: an attestation bundle of that predicate type verifies; another type, or a message signature, is refused as wrong-type (cosign verify-blob-attestation --type)', async () => {
    const conformance = join(__dirname, '..', 'fixtures', 'sigstore-conformance', 'bundle-verify');
    const keyless = [
      '--certificate-identity', 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main',
      '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com',
      '--trusted-root', join(__dirname, '..', 'fixtures', 'trusted-root', 'public-good.json'),
      '--bundle', join(conformance, 'happy-path-intoto-in-dsse-v3', 'bundle.sigstore.json'), join(conformance, 'a.txt'), '--format', 'json',
    ];
    let r = await runCliIn(tempDir(), 'verify-blob', ...keyless, '--type', 'https://slsa.dev/provenance/v1');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    r = await runCliIn(tempDir(), 'verify-blob', ...keyless, '--type', 'spdxjson');
    assert.equal(r.code, 3);
    assert.deepEqual([(JSON.parse(r.stdout) as Json).problem, (JSON.parse(r.stdout) as Json).reason], ['wrong-type', 'it is an attestation of https://slsa.dev/provenance/v1, not of https://spdx.dev/Document (--type)']);
    const dir = keysIn(ecdsa());
    assert.equal((await runCliIn(dir, 'sign-blob', '--key', 'cosign.key', '--passphrase-file', 'pass', '--bundle', 'b.json', 'release.tar.gz')).code, 0);
    r = await runCliIn(dir, 'verify-blob', '--key', 'cosign.pub', '--bundle', 'b.json', '--type', 'slsaprovenance', 'release.tar.gz');
    assert.equal(r.code, 3);
    assert.match(r.stdout, /wrong-type: it is a message signature, no attestation, not of https:\/\/slsa\.dev\/provenance\/v0\.2 \(--type\)/);
    // --signature with --type reads attest-blob's envelope (test/unit/attestBlob.test.ts): a bundle there is named.
    r = await runCliIn(dir, 'verify-blob', '--key', 'cosign.pub', '--signature', 'b.json', '--type', 'slsaprovenance', 'release.tar.gz');
    assert.equal(r.code, 3);
    assert.match(r.stdout, /malformed-signature: the envelope: .* \(it is a Sigstore bundle: give it as --bundle\)/);
  });

  it('sign-blob --output-signature writes the classic base64 signature; verify-blob --signature --key verifies it, refuses a changed file or another key', async () => {
    for (const [name, pair] of [['ecdsa-p256', ecdsa], ['ed25519', () => generateKeyPairSync('ed25519')]] as const) {
      const dir = keysIn(pair());
      const signed = await runCliIn(dir, 'sign-blob', '--key', 'cosign.key', '--passphrase-file', 'pass', '--output-signature', 'release.sig', 'release.tar.gz');
      assert.equal(signed.code, 0, signed.stderr);
      assert.match(readFileSync(join(dir, 'release.sig'), 'utf8'), /^[A-Za-z0-9+/]+=*$/);
      let r = await runCliIn(dir, 'verify-blob', '--key', 'cosign.pub', '--signature', 'release.sig', 'release.tar.gz', '--format', 'json');
      assert.equal(r.code, 0, name + r.stdout + r.stderr);
      const json = JSON.parse(r.stdout) as Json;
      assert.deepEqual([json.valid, json.key, json.keyType, json.signature, json.format], [true, 'cosign.pub', name, 'release.sig', undefined]);
      r = await runCliIn(dir, 'verify-blob', '--key', 'other.pub', '--signature', 'release.sig', 'release.tar.gz');
      assert.equal(r.code, 3);
      assert.match(r.stdout, /: bad-signature: no key given verifies it over this file \(other\.pub\)\n$/);
      writeFileSync(join(dir, 'release.tar.gz'), 'changed');
      r = await runCliIn(dir, 'verify-blob', '--key', 'cosign.pub', '--signature', 'release.sig', 'release.tar.gz');
      assert.equal(r.code, 3, name);
      writeFileSync(join(dir, 'bad.sig'), 'not base64!');
      r = await runCliIn(dir, 'verify-blob', '--key', 'cosign.pub', '--signature', 'bad.sig', 'release.tar.gz');
      assert.equal(r.code, 3);
      assert.match(r.stdout, /: malformed-signature: the signature: expected base64/);
    }
  });

  it('- reads the file from standard input, as cosign: sign-blob - and verify-blob - in the built CLI; the passphrase then from a file, never asked', () => {
    const pair = ecdsa();
    const dir = keysIn(pair);
    const blob = readFileSync(join(dir, 'release.tar.gz'));
    const cli = (input: Buffer, ...args: string[]) => spawnSync(process.execPath, [builtCli(), ...args], { cwd: dir, input, encoding: 'utf8' });
    const signed = cli(blob, 'sign-blob', '--key', 'cosign.key', '--passphrase-file', 'pass', '--bundle', 'stdin.sigstore.json', '-');
    assert.equal(signed.status, 0, signed.stderr);
    assert.match(signed.stdout, /^Signed standard input \(sha256:[0-9a-f]{64}\) with cosign\.key \(ecdsa-p256\): Sigstore bundle stdin\.sigstore\.json\n$/);
    peerVerifies(pair.publicKey, JSON.parse(readFileSync(join(dir, 'stdin.sigstore.json'), 'utf8')) as Json, blob);
    const verified = cli(blob, 'verify-blob', '--key', 'cosign.pub', '--bundle', 'stdin.sigstore.json', '-');
    assert.equal(verified.status, 0, verified.stderr);
    const other = cli(Buffer.from('another file\n'), 'verify-blob', '--key', 'cosign.pub', '--bundle', 'stdin.sigstore.json', '-');
    assert.equal(other.status, 3, other.stdout);
    // The passphrase cannot come from standard input too: said, not read from the file's bytes.
    const env = { ...process.env };
    delete env.COSIGN_PASSWORD;
    const noPass = spawnSync(process.execPath, [builtCli(), 'sign-blob', '--key', 'cosign.key', '--bundle', 'x.json', '-'], { cwd: dir, input: blob, encoding: 'utf8', env });
    assert.equal(noPass.status, 1);
    assert.match(noPass.stderr, /no passphrase: give --passphrase-file FILE or set COSIGN_PASSWORD \(standard input is not a terminal/);
    // attest-blob and Notary's sign-blob name the file: - is refused, saying why.
    const attest = cli(blob, 'attest-blob', '--key', 'cosign.key', '--passphrase-file', 'pass', '--predicate', 'pass', '--type', 'custom', '--bundle', 'a.json', '-');
    assert.equal(attest.status, 1);
    assert.match(attest.stderr, /- \(standard input\): the statement names the file: give its path/);
  });

  it('asks for what it needs: one of --bundle or --signature, a key or an identity, a key for --signature, an output for sign-blob', async () => {
    const dir = keysIn(ecdsa());
    const usage = async (...argv: string[]) => {
      const r = await runCliIn(dir, ...argv);
      assert.equal(r.code, 1, `${argv.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /Run "manifold .* --help" for usage/);
      return r.stderr;
    };
    assert.match(await usage('verify-blob', '--key', 'cosign.pub', 'release.tar.gz'), /give one of --bundle FILE .* or --signature FILE/);
    assert.match(await usage('verify-blob', '--key', 'cosign.pub', '--bundle', 'b', '--signature', 's', 'release.tar.gz'), /give one of --bundle/);
    assert.match(await usage('verify-blob', '--bundle', 'b', 'release.tar.gz'), /--key FILE is required, or --certificate-identity/);
    assert.match(await usage('verify-blob', '--certificate-identity', 'me', '--certificate-oidc-issuer', 'https://i', '--trusted-root', 't.json', '--signature', 's', 'release.tar.gz'), /--signature needs --key FILE/);
    assert.match(await usage('sign-blob', '--key', 'cosign.key', 'release.tar.gz'), /--bundle OUT or --output-signature OUT is required/);
    assert.match(await usage('sign-blob', '--bundle', 'out.json', 'release.tar.gz'), /--key FILE is required/);
  });
});
