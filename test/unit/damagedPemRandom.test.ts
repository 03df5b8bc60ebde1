// PEM private keys damaged at random, the same way every run (seeded), given to import-key-pair's reader
// (importedPrivateKey): RSA PKCS#1, PKCS#8 EC and Ed25519, SEC1 after openssl ecparam's EC PARAMETERS block; cut,
// a base64 character changed, their DER damaged and re-encoded, a label changed, blocks added around. Each must give
// a key that signs (sealed as cosign.key it opens to the same public key, which verifies what it signed) or an
// OciError naming the file; never another exception, never a hang. SWEEP_SEEDS=a-b sweeps more seeds.
import { strict as assert } from 'node:assert';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OciError } from '../../src/oci/errors';
import { cosignKeyPair, decryptCosignKey, importedPrivateKey, loadPublicKey } from '../../src/oci/signatures';
import { mutateDer } from '../helpers/byteMutations';
import { seededRandom } from '../helpers/jsonMutations';

const SWEEP = process.env.SWEEP_SEEDS?.split('-').map(Number);
const [FIRST, LAST] = SWEEP && SWEEP.length === 2 ? SWEEP : [1, 25];
const NAME = 'imported.pem';
const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
/** openssl ecparam -name prime256v1 -genkey's first block: the curve's OID. */
const EC_PARAMETERS = '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n';
const LABELS = ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PUBLIC KEY', 'ENCRYPTED PRIVATE KEY', 'EC PARAMETERS', 'CERTIFICATE', 'DSA PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'ENCRYPTED SIGSTORE PRIVATE KEY', 'private key', ''];

/** The keys import-key-pair reads, as openssl writes them: fixed keys (the made Notary fixtures', an Ed25519 of a fixed seed), so a seed replays. */
function keys(): Array<{ kind: string; pem: string }> {
  const fixture = (name: string) => createPrivateKey(readFileSync(join(__dirname, '..', 'fixtures', 'notary-made', name)));
  const rsa = fixture('rsaleaf.key.pem');
  const ec = fixture('leaf.key.pem');
  const p384 = fixture('leaf384.key.pem');
  // RFC 8410's PKCS#8 of an Ed25519 key: a fixed prefix, then the 32-byte seed.
  const ed = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 7)]), format: 'der', type: 'pkcs8' });
  return [
    { kind: 'RSA PKCS#1', pem: rsa.export({ type: 'pkcs1', format: 'pem' }).toString() },
    { kind: 'EC PKCS#8', pem: ec.export({ type: 'pkcs8', format: 'pem' }).toString() },
    { kind: 'Ed25519 PKCS#8', pem: ed.export({ type: 'pkcs8', format: 'pem' }).toString() },
    { kind: 'SEC1 with EC PARAMETERS', pem: EC_PARAMETERS + ec.export({ type: 'sec1', format: 'pem' }).toString() },
    { kind: 'SEC1 P-384', pem: p384.export({ type: 'sec1', format: 'pem' }).toString() },
  ];
}

const BLOCK = /-----BEGIN ([^-]*)-----\r?\n([\s\S]*?)-----END \1-----\r?\n?/g;

/** `pem` damaged once; returns it and what was done. */
function damaged(pem: string, random: () => number): { pem: string; what: string } {
  const blocks = [...pem.matchAll(BLOCK)];
  const b = blocks[blocks.length - 1]!; // the key's block (after EC PARAMETERS)
  const kind = Math.floor(random() * 6);
  if (kind === 0) {
    const at = Math.floor(random() * pem.length);
    return { pem: pem.slice(0, at), what: `cut at ${at}` };
  }
  if (kind === 1) {
    const body = b.index! + b[0].indexOf('\n') + 1;
    const at = body + Math.floor(random() * b[2]!.length);
    const by = pick(random, ['A', '/', '+', '=', '==', '', '\n', '*', ' ', '\r\n', '-']);
    return { pem: pem.slice(0, at) + by + pem.slice(at + 1), what: `base64 at ${at}: ${JSON.stringify(pem[at])} to ${JSON.stringify(by)}` };
  }
  if (kind === 2) {
    const der = Buffer.from(b[2]!.replace(/\s+/g, ''), 'base64');
    const m = mutateDer(der, random);
    const again = `-----BEGIN ${b[1]}-----\n${m.bytes.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END ${b[1]}-----\n`;
    return { pem: pem.slice(0, b.index) + again + pem.slice(b.index! + b[0].length), what: `DER: ${m.what}` };
  }
  if (kind === 3) {
    // A label changed: both lines, or one (BEGIN and END then disagree).
    const label = pick(random, LABELS);
    const which = Math.floor(random() * 3);
    const text = b[0].replace(which === 2 ? /(?!)/ : `BEGIN ${b[1]}`, `BEGIN ${label}`).replace(which === 1 ? /(?!)/ : `END ${b[1]}`, `END ${label}`);
    return { pem: pem.slice(0, b.index) + text + pem.slice(b.index! + b[0].length), what: `label ${which === 0 ? 'both' : which === 1 ? 'BEGIN' : 'END'} to ${JSON.stringify(label)}` };
  }
  if (kind === 4) {
    // Blocks added: before or after, another key, the same one, headers, text.
    const extra = pick(random, [
      pem,
      EC_PARAMETERS,
      '-----BEGIN EC PARAMETERS-----\nBgUrgQQAIg==\n-----END EC PARAMETERS-----\n',
      '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n',
      '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n',
      '-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n',
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n',
      'Bag Attributes\n    localKeyID: 01\n',
      '\0\xff\n',
      '-----BEGIN ',
    ]);
    return random() < 0.5 ? { pem: extra + pem, what: `before: ${JSON.stringify(extra.slice(0, 60))}` } : { pem: pem + extra, what: `after: ${JSON.stringify(extra.slice(0, 60))}` };
  }
  // Line endings and spaces: CRLF, no final newline, indented lines, the body on one line.
  const how = pick(random, ['crlf', 'no newline', 'indented', 'one line', 'tabs']);
  const text = how === 'crlf' ? pem.replace(/\n/g, '\r\n') : how === 'no newline' ? pem.trimEnd() : how === 'indented' ? pem.replace(/^/gm, '  ') : how === 'tabs' ? pem.replace(/\n(?=[A-Za-z0-9+/])/g, '\n\t') : pem.replace(/\n(?=[A-Za-z0-9+/=])/g, '');
  return { pem: text, what: how };
}

describe('PEM private keys damaged at random (seeded): import-key-pair gives a key that signs or an OciError naming the file', function () {
  this.timeout(120_000);
  let made: Array<{ kind: string; pem: string }>;
  before(() => {
    made = keys();
  });

  /** What is wrong with what importedPrivateKey did with `pem`: undefined when it is a key that works or an OciError naming the file. */
  const judge = (pem: string): { wrong?: string; said: string } => {
    let key;
    try {
      key = importedPrivateKey(NAME, pem);
    } catch (err) {
      const message = (err as Error).message;
      if (!(err instanceof OciError)) return { wrong: `${(err as Error).constructor.name}: ${(err as Error).stack}`, said: message };
      return { ...(message.startsWith(`${NAME}: `) ? {} : { wrong: `does not name the file: ${message}` }), said: message };
    }
    // A key: sealed as cosign.key, opened again to the same public key, which verifies what the key signs.
    const pair = cosignKeyPair(NAME, key, 'pw');
    const opened = decryptCosignKey('cosign.key', pair.privatePem, 'pw');
    if (opened.publicPem() !== pair.publicPem) return { wrong: 'the sealed key opens to another public key', said: 'a key' };
    const payload = Buffer.from('{"critical":{}}');
    if (!loadPublicKey('cosign.pub', pair.publicPem).verifies(payload, opened.sign(payload))) return { wrong: `a ${opened.type} key whose signatures its public key does not verify`, said: 'a key' };
    return { said: `a key (${opened.type})` };
  };

  it('undamaged: each kind reads as a key that signs (the sweep starts from keys that import)', () => {
    for (const k of made) assert.deepEqual(judge(k.pem).wrong, undefined, k.kind);
  });

  for (let seed = FIRST; seed <= LAST; seed++) {
    it(`seed ${seed}`, () => {
      const random = seededRandom(seed);
      const k = pick(random, made);
      const d = damaged(k.pem, random);
      const r = judge(d.pem);
      if (process.env.SWEEP_LOG) console.log(`${seed} ${k.kind}, ${d.what}: ${r.said.slice(0, 200)}`);
      assert.equal(r.wrong, undefined, `${k.kind}, ${d.what}:\n${d.pem}`);
    });
  }
});
