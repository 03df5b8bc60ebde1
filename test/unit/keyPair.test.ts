// generate-key-pair and import-key-pair: cosign's files made without cosign. What they write is read back as sign
// and verify read it (the passphrase opens the key, the key signs an image, the .pub verifies it), openssl agrees
// on the public key, nothing existing is replaced unasked, and the passphrase is asked at a terminal unechoed.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decryptCosignKey, KEY_PAIR_TYPES } from '../../src/oci/signatures';
import { builtCli } from '../helpers/layoutStress';
import { runCliIn } from '../helpers/runCli';
import { cleanupTemps, makeImage, newLayout, tempDir } from './builders';

const mode = (file: string) => statSync(file).mode & 0o777;
const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

/** `verify --key PUB` of an image `sign --key KEY` signed just now in a new layout: the verify line. */
async function signsAndVerifies(dir: string, key: string, pub: string): Promise<string> {
  const store = await newLayout();
  const image = await makeImage(store);
  await store.tag(image, 'v1');
  const signed = await runCliIn(dir, 'sign', '--key', key, '--passphrase-file', 'pass', '--identity', 'r.example/app:v1', '--oci-layout', `${store.location}:v1`);
  assert.equal(signed.code, 0, signed.stderr);
  const verified = await runCliIn(dir, 'verify', '--key', pub, '--oci-layout', `${store.location}:v1`);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  return verified.stdout;
}

/** `manifold ARGS` run at a terminal (script(1)) in `dir`, each answer typed once its question shows, as a person would. */
async function typed(dir: string, args: string[], answers: string[]): Promise<{ code: number | null; shown: string }> {
  const quoted = [process.execPath, builtCli(), ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qfec', quoted, '/dev/null'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, COSIGN_PASSWORD: undefined } });
  let shown = '';
  let asked = 0;
  child.stdout.on('data', (d: Buffer) => {
    shown += d.toString();
    // Typed only once asked: the terminal is then in raw mode.
    while (asked < answers.length && (shown.match(/Enter password for private key|Replace\? \[y\/N\]/g)?.length ?? 0) > asked) child.stdin.write(`${answers[asked++]}\r`);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, shown };
}

describe('generate-key-pair', function () {
  this.timeout(60_000);
  after(cleanupTemps);

  for (const type of KEY_PAIR_TYPES) {
    it(`--key-type ${type}: cosign.key opens with the passphrase, signs; cosign.pub verifies; modes 600 and 644`, async () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'pass'), 'correct horse\n');
      const r = await runCliIn(dir, 'generate-key-pair', '--key-type', type, '--passphrase-file', 'pass');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'Private key written to cosign.key\nPublic key written to cosign.pub\n');
      assert.equal(mode(join(dir, 'cosign.key')), 0o600);
      assert.equal(mode(join(dir, 'cosign.pub')), 0o644);
      const pem = readFileSync(join(dir, 'cosign.key'), 'utf8');
      assert.match(pem, /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
      const key = decryptCosignKey('cosign.key', pem, 'correct horse');
      assert.equal(key.type, type);
      assert.equal(key.publicPem(), readFileSync(join(dir, 'cosign.pub'), 'utf8'));
      assert.throws(() => decryptCosignKey('cosign.key', pem, 'correct horse\n'), /cannot decrypt it/);
      assert.match(await signsAndVerifies(dir, 'cosign.key', 'cosign.pub'), new RegExp(`: verified by cosign\\.pub \\(${type === 'ed25519' ? 'ed25519ph' : type}\\)`));
    });
  }

  it('the default is cosign\'s ecdsa-p256; $COSIGN_PASSWORD, then stdin\'s first line; --output-key-prefix', async () => {
    const dir = tempDir();
    process.env.COSIGN_PASSWORD = 'from env';
    try {
      const r = await runCliIn(dir, 'generate-key-pair', '--output-key-prefix', 'release');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'Private key written to release.key\nPublic key written to release.pub\n');
      assert.equal(decryptCosignKey('release.key', readFileSync(join(dir, 'release.key'), 'utf8'), 'from env').type, 'ecdsa-p256');
    } finally {
      delete process.env.COSIGN_PASSWORD;
    }
    const piped = execFileSync(process.execPath, [builtCli(), 'generate-key-pair', '--output-key-prefix', 'piped'], { cwd: dir, input: 'from stdin\nsecond line\n', stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, COSIGN_PASSWORD: undefined } });
    assert.equal(piped.toString(), 'Private key written to piped.key\nPublic key written to piped.pub\n');
    decryptCosignKey('piped.key', readFileSync(join(dir, 'piped.key'), 'utf8'), 'from stdin');
  });

  it('existing files are kept, byte for byte, unless --force; an unknown --key-type names the choices', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'pass'), 'pw\n');
    writeFileSync(join(dir, 'cosign.pub'), 'mine\n');
    let r = await runCliIn(dir, 'generate-key-pair', '--passphrase-file', 'pass');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cosign\.pub already exists: replace with --force, or choose --output-key-prefix/);
    assert.equal(readFileSync(join(dir, 'cosign.pub'), 'utf8'), 'mine\n');
    assert.throws(() => statSync(join(dir, 'cosign.key')));
    r = await runCliIn(dir, 'generate-key-pair', '--passphrase-file', 'pass', '--force');
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(join(dir, 'cosign.pub'), 'utf8'), /^-----BEGIN PUBLIC KEY-----/);
    r = await runCliIn(dir, 'generate-key-pair', '--key-type', 'dsa', '--output-key-prefix', 'x');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--key-type dsa: one of ecdsa-p256, ecdsa-p384, ecdsa-p521, rsa-2048, rsa-3072, rsa-4096, ed25519/);
  });

  it('at a terminal: the passphrase is asked twice, not echoed; two that differ write nothing', async () => {
    const dir = tempDir();
    let t = await typed(dir, ['generate-key-pair'], ['s3cret-typed', 's3cret-typed']);
    assert.equal(t.code, 0, t.shown);
    assert.match(t.shown, /Enter password for private key: [\s\S]*Enter password for private key again: [\s\S]*Private key written to cosign\.key/);
    assert.ok(!t.shown.includes('s3cret-typed'), t.shown);
    decryptCosignKey('cosign.key', readFileSync(join(dir, 'cosign.key'), 'utf8'), 's3cret-typed');
    const before = readFileSync(join(dir, 'cosign.key'));
    t = await typed(dir, ['generate-key-pair'], ['y', 'one', 'two']);
    assert.equal(t.code, 1, t.shown);
    assert.match(t.shown, /cosign\.key and cosign\.pub already exist\. Replace\? \[y\/N\] \S*y\r[\s\S]*Enter password for private key again: [\s\S]*the two passwords differ: nothing written/);
    assert.deepEqual(readFileSync(join(dir, 'cosign.key')), before);
  });
});

describe('import-key-pair', function () {
  this.timeout(60_000);
  after(cleanupTemps);

  for (const [what, make, type] of [
    ['PKCS#8 Ed25519 (openssl genpkey)', ['genpkey', '-algorithm', 'ed25519', '-out', 'in.pem'], 'ed25519'],
    ['PKCS#1 RSA (openssl genrsa -traditional)', ['genrsa', '-traditional', '-out', 'in.pem', '3072'], 'rsa-3072'],
    ['SEC1 EC after its EC PARAMETERS (openssl ecparam -genkey)', ['ecparam', '-name', 'secp384r1', '-genkey', '-out', 'in.pem'], 'ecdsa-p384'],
  ] as const) {
    it(`${what}: import-cosign.key holds that key; its .pub is openssl's public key; it signs and verifies`, async () => {
      const dir = tempDir();
      openssl(dir, ...make);
      writeFileSync(join(dir, 'pass'), 'pw\n');
      const r = await runCliIn(dir, 'import-key-pair', '--key', 'in.pem', '--passphrase-file', 'pass');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'Private key written to import-cosign.key\nPublic key written to import-cosign.pub\n');
      const theirs = openssl(dir, 'pkey', '-in', 'in.pem', '-pubout').toString();
      assert.equal(readFileSync(join(dir, 'import-cosign.pub'), 'utf8'), theirs);
      const key = decryptCosignKey('k', readFileSync(join(dir, 'import-cosign.key'), 'utf8'), 'pw');
      assert.equal(key.type, type);
      assert.deepEqual(createPublicKey(key.publicPem()).export({ format: 'der', type: 'spki' }), createPublicKey(theirs).export({ format: 'der', type: 'spki' }));
      await signsAndVerifies(dir, 'import-cosign.key', 'import-cosign.pub');
    });
  }

  it('refused by name, before a passphrase is asked or a file written: short RSA, a curve cosign does not sign with, encrypted, a cosign key, a certificate, a public key not its own, no file', async () => {
    const dir = tempDir();
    openssl(dir, 'genrsa', '-out', 'short.pem', '1024');
    openssl(dir, 'ecparam', '-name', 'secp256k1', '-genkey', '-out', 'k1.pem');
    openssl(dir, 'genpkey', '-algorithm', 'ed25519', '-aes256', '-pass', 'pass:x', '-out', 'locked.pem');
    openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-subj', '/CN=x', '-out', 'leaf.crt');
    writeFileSync(join(dir, 'pass'), 'pw\n');
    await runCliIn(dir, 'generate-key-pair', '--passphrase-file', 'pass');
    // A SEC1 key whose stored public point is another key's (its last 65 bytes): OpenSSL reads it (found by damagedPemRandom, seed 26).
    const [a, b] = [0, 1].map(() => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'sec1', format: 'der' }));
    const mixed = Buffer.concat([a!.subarray(0, a!.length - 65), b!.subarray(b!.length - 65)]);
    writeFileSync(join(dir, 'mixed.pem'), `-----BEGIN EC PRIVATE KEY-----\n${mixed.toString('base64')}\n-----END EC PRIVATE KEY-----\n`);
    for (const [file, said] of [
      ['short.pem', /short\.pem: an RSA key of 1024 bits: too short to sign with \(at least 2048\)/],
      ['k1.pem', /k1\.pem: a key of type ec on curve secp256k1: cosign signs with ECDSA \(P-256, P-384, P-521\), RSA or Ed25519 keys/],
      ['locked.pem', /locked\.pem: an encrypted PEM key: decrypt it first/],
      ['cosign.key', /cosign\.key: already a cosign key/],
      ['leaf.crt', /leaf\.crt: a PEM "CERTIFICATE": no private key/],
      ['mixed.pem', /mixed\.pem: its public key does not match its private key \(a damaged key\)/],
      ['missing.pem', /--key missing\.pem: ENOENT/],
    ] as const) {
      const r = await runCliIn(dir, 'import-key-pair', '--key', file, '--output-key-prefix', 'out');
      assert.equal(r.code, 1, `${file}: ${r.stderr}`);
      assert.match(r.stderr, said);
      assert.throws(() => statSync(join(dir, 'out.key')));
    }
  });
});

describe('sign and attest ask for the passphrase at a terminal, as cosign does', function () {
  this.timeout(60_000);
  after(cleanupTemps);

  it('typed at the prompt (not echoed): signed, and the .pub verifies; with no terminal and no passphrase: refused, saying why', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'pass'), 'typed secret\n');
    assert.equal((await runCliIn(dir, 'generate-key-pair', '--passphrase-file', 'pass')).code, 0);
    const store = await newLayout();
    await store.tag(await makeImage(store), 'v1');
    const t = await typed(dir, ['sign', '--key', 'cosign.key', '--identity', 'r.example/app:v1', '--oci-layout', `${store.location}:v1`], ['typed secret']);
    assert.equal(t.code, 0, t.shown);
    assert.match(t.shown, /^Enter password for private key: \r?\n[\s\S]*Signed /);
    assert.ok(!t.shown.includes('typed secret'), t.shown);
    assert.equal((await runCliIn(dir, 'verify', '--key', 'cosign.pub', '--oci-layout', `${store.location}:v1`)).code, 0);
    writeFileSync(join(dir, 'sbom.json'), '{"spdxVersion": "SPDX-2.3"}'); // a predicate attest takes: refused for the passphrase alone
    const piped = spawnSync(process.execPath, [builtCli(), 'attest', '--key', 'cosign.key', '--type', 'spdxjson', '--predicate', 'sbom.json', '--subject-name', 'r.example/app', '--oci-layout', `${store.location}:v1`], { cwd: dir, input: 'typed secret\n', env: { ...process.env, COSIGN_PASSWORD: undefined } });
    assert.equal(piped.status, 1);
    assert.match(piped.stderr.toString(), /no passphrase: give --passphrase-file FILE or set COSIGN_PASSWORD \(standard input is not a terminal, so there is no one to ask\)/);
  });
});
