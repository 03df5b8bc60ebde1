// Notary trust stores damaged at random, the same way every run (seeded): a root, an intermediate, a leaf, a TSA's
// root and leaf (made fixtures, notation's own and GlobalSign's roots) as PEM or DER, their DER damaged (a length, a
// tag, a node cut, bytes) or their PEM text (cut, base64, a label, text around), alone or in a folder beside a good
// root, read as a ca or signingAuthority store and as a tsa store. Each read gives certificates that are CA or
// self-signed (a tsa store's: self-issued roots) or an Error naming the file; never a crash, never a hang; the root
// and CA checks never throw on a certificate node parses but cannot verify with. SWEEP_SEEDS=a-b sweeps more seeds.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNotaryTrustStore } from '../../src/oci/signatures';
import { mutateBytes, mutateDer } from '../helpers/byteMutations';
import { CRASH_TEXT, seededRandom } from '../helpers/jsonMutations';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

const SWEEP = process.env.SWEEP_SEEDS?.split('-').map(Number);
const [FIRST, LAST] = SWEEP && SWEEP.length === 2 ? SWEEP : [1, 25];
const FIXTURES = join(__dirname, '..', 'fixtures');
const SOURCES = ['notary-made/root.pem', 'notary-made/intermediate.pem', 'notary-made/leaf.pem', 'notary-made/rsaleaf.pem', 'notary-vector/alpine.crt', 'notary-vector/globalsign-root-r6.crt', 'rfc3161-made/root.pem', 'rfc3161-made/tsa.pem'];
const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const derOf = (file: string) => Buffer.from(readFileSync(join(FIXTURES, file), 'utf8').replace(/-----[^-]+-----|\s+/g, ''), 'base64');
const pemOf = (der: Buffer, label = 'CERTIFICATE') => `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END ${label}-----\n`;

/** A certificate file's bytes damaged once (PEM or DER); returns them and what was done. */
function damagedFile(random: () => number): { bytes: Buffer; what: string } {
  const source = pick(random, SOURCES);
  const der = derOf(source);
  const kind = Math.floor(random() * 5);
  if (kind <= 1) {
    // The DER damaged, written as DER or as PEM.
    const m = mutateDer(der, random);
    const asPem = random() < 0.5;
    return { bytes: asPem ? Buffer.from(pemOf(m.bytes)) : m.bytes, what: `${source} ${asPem ? 'PEM' : 'DER'}, ${m.what}` };
  }
  if (kind === 2) return { bytes: mutateBytes(random() < 0.5 ? der : Buffer.from(pemOf(der)), random), what: `${source}, bytes` };
  const pem = pemOf(der);
  if (kind === 3) {
    const at = Math.floor(random() * pem.length);
    const by = pick(random, ['', 'A', '/', '=', '\n', '*', '-----END CERTIFICATE-----\n', '\0']);
    return { bytes: Buffer.from(random() < 0.5 ? pem.slice(0, at) : pem.slice(0, at) + by + pem.slice(at + 1)), what: `${source} PEM changed at ${at}` };
  }
  // Text around it, a label changed, or two certificates (the second another, damaged or not) in one file.
  const how = pick(random, ['label', 'before', 'after', 'two', 'DER twice']);
  if (how === 'label') return { bytes: Buffer.from(pemOf(der, pick(random, ['PUBLIC KEY', 'X509 CRL', 'TRUSTED CERTIFICATE', 'CERTIFICATE REQUEST', '']))), what: `${source} label` };
  if (how === 'DER twice') return { bytes: Buffer.concat([der, mutateDer(derOf(pick(random, SOURCES)), random).bytes]), what: `${source} DER, another damaged after it` };
  const other = pick(random, SOURCES);
  const extra = how === 'two' ? pemOf(mutateDer(derOf(other), random).bytes) : pick(random, ['junk\n', '\ufeff', '-----BEGIN CERTIFICATE-----\n', '-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n', '\r\n']);
  return { bytes: Buffer.from(how === 'before' ? extra + pem : pem + extra), what: `${source} PEM, ${how}: ${JSON.stringify(extra.slice(0, 40))}` };
}

/** Whether a certificate's own key verifies its signature (a test's own look, apart from the reader's). */
const selfSigned = (c: { x509: { verify(k: unknown): boolean; publicKey: unknown } }) => {
  try {
    return c.x509.verify(c.x509.publicKey);
  } catch {
    return false;
  }
};

/** What is wrong with reading the store at `path` (the damaged file `file` in it): undefined when it is certificates as a store takes them, or an Error naming the file. */
async function judged(path: string, file: string, tsa: boolean): Promise<{ wrong?: string; said: string }> {
  let certs;
  try {
    certs = await readNotaryTrustStore(path, { tsa, noSymlinks: true });
  } catch (err) {
    const e = err as Error;
    if (!(e instanceof Error) || e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError) return { wrong: `a crash: ${e?.stack}`, said: String(e) };
    if (CRASH_TEXT.test(e.message)) return { wrong: `crash text: ${e.message}`, said: e.message };
    return { ...(e.message.startsWith(`${file}: `) || e.message.startsWith(`${file}[`) ? {} : { wrong: `does not start with the file: ${e.message}` }), said: e.message };
  }
  for (const c of certs) {
    if (!c.fields.ca && !selfSigned(c)) return { wrong: `${c.name}: neither a CA nor self-signed, yet read`, said: 'read' };
    if (tsa && !c.fields.issuerDer.equals(c.fields.subjectDer)) return { wrong: `${c.name}: not self-issued, yet read into a tsa store`, said: 'read' };
  }
  return { said: `${certs.length} certificate(s)` };
}

describe('Notary trust stores damaged at random (seeded): certificates a store takes, or an Error naming the file', function () {
  this.timeout(120_000);

  it("undamaged: the root CAs read into both kinds of store, the intermediate and notation's self-signed signer into a ca store only, the leaves into neither (the sweep starts from what reads)", async () => {
    const dir = tempDir();
    const outcome = async (source: string, tsa: boolean) => {
      const file = join(dir, source.replace('/', '-'));
      writeFileSync(file, readFileSync(join(FIXTURES, source)));
      return readNotaryTrustStore(file, { tsa }).then((c) => c.length, (e: Error) => (e.message.startsWith(`${file}: `) ? 'refused' : e.message));
    };
    const got: Record<string, unknown[]> = {};
    for (const s of SOURCES) got[s] = [await outcome(s, false), await outcome(s, true)];
    assert.deepEqual(got, {
      'notary-made/root.pem': [1, 1],
      'notary-made/intermediate.pem': [1, 'refused'],
      'notary-made/leaf.pem': ['refused', 'refused'],
      'notary-made/rsaleaf.pem': ['refused', 'refused'],
      'notary-vector/alpine.crt': [1, 'refused'], // notation's test signer: self-signed, no CA
      'notary-vector/globalsign-root-r6.crt': [1, 1],
      'rfc3161-made/root.pem': [1, 1],
      'rfc3161-made/tsa.pem': ['refused', 'refused'],
    });
  });

  it("a root whose key algorithm node cannot use (its SPKI's OID changed): a ca store reads it (a CA), a tsa store refuses it by file, never throwing from the key", async () => {
    const der = derOf('notary-made/root.pem');
    const ecPublicKey = Buffer.from('06072a8648ce3d0201', 'hex');
    const at = der.indexOf(ecPublicKey);
    assert.ok(at > 0);
    const odd = Buffer.from(der);
    odd[at + ecPublicKey.length - 1] = 0x09; // 1.2.840.10045.2.9: no key type OpenSSL knows
    const file = join(tempDir(), 'odd-key.pem');
    writeFileSync(file, pemOf(odd));
    const [read] = await readNotaryTrustStore(file);
    assert.throws(() => read!.x509.publicKey); // node parses the certificate but has no key of it
    await assert.rejects(readNotaryTrustStore(file, { tsa: true }), (e: Error) => e.message === `${file}: the certificate C=US, ST=WA, O=example.com, CN=made Notary root is not a root CA certificate: its own key does not verify its signature; a tsa trust store holds root certificates only`);
  });

  for (let seed = FIRST; seed <= LAST; seed++) {
    it(`seed ${seed}`, async () => {
      const random = seededRandom(seed);
      const d = damagedFile(random);
      const tsa = random() < 0.5;
      const dir = join(tempDir(), 'store');
      mkdirSync(dir);
      const file = join(dir, pick(random, ['b.pem', 'b.crt', 'b.der']));
      writeFileSync(file, d.bytes);
      // Alone, or in a folder after a good root (read first: name order).
      const inFolder = random() < 0.4;
      if (inFolder) writeFileSync(join(dir, 'a-root.pem'), readFileSync(join(FIXTURES, tsa ? 'rfc3161-made/root.pem' : 'notary-made/root.pem')));
      const r = await judged(inFolder ? dir : file, file, tsa);
      if (process.env.SWEEP_LOG) console.log(`${seed} ${tsa ? 'tsa' : 'ca'}${inFolder ? ' folder' : ''} ${d.what}: ${r.said.slice(0, 160)}`);
      assert.equal(r.wrong, undefined, `${d.what}\n${d.bytes.toString('base64')}`);
    });
  }
});
