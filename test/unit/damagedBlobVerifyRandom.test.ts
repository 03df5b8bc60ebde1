// verify-blob's inputs damaged at random, the same way every run (seeded): a message-signature bundle and a DSSE
// bundle made by sign-blob's core (bundleWrite.ts) with an ECDSA, RSA or Ed25519 key; a keyless (or managed-key)
// sigstore-conformance happy case's bundle (each bundle's JSON, or the bytes of one field it encodes); that case's
// trusted root (its JSON, or one certificate's or key's DER); the classic base64 signature; the PEM public key
// (test/helpers/blobInputDamage.ts). Each is verified through the core (verifyBlobBundle, verifyBlobSignature) and
// through `manifold verify-blob` (JSON and text). Verified only when the damage is harmless (what is signed and the
// signature intact, or a part test/helpers/harmlessChanges.ts names as not read); else a failure naming a reason,
// or (a key or a trusted root) an OciError naming the file; never another exception, never crash text, the CLI
// agreeing with the core (exit 0, 3, or 1 naming the file). SWEEP_SEEDS=a-b sweeps more seeds.
import { strict as assert } from 'node:assert';
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOciError } from '../../src/oci/errors';
import { blobDigest, type BundleCheck, cosignSignStatement, loadPublicKey, makeKeyBundle, makeMessageBundle, parseTrustedRoot, type SignKey, signKey, trustedRootCertificates, trustedRootCtLogKeys, trustedRootTimestampAuthorities, verifyBlobBundle, verifyBlobSignature } from '../../src/oci/signatures';
import { damagedBundle, damagedPem, damagedSignature, rawBytesPlaces, strictBase64 } from '../helpers/blobInputDamage';
import { mutateDer } from '../helpers/byteMutations';
import { changedPaths, HARMLESS, parsed, rawAt } from '../helpers/harmlessChanges';
import { CRASH_TEXT, mutateJson, seededRandom } from '../helpers/jsonMutations';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const SWEEP = process.env.SWEEP_SEEDS?.split('-').map(Number);
const [FIRST, LAST] = SWEEP && SWEEP.length === 2 ? SWEEP : [1, 25];
const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const bytes = (text: string) => Buffer.from(text);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const FIXTURES = join(__dirname, '..', 'fixtures');
const CONFORMANCE = join(FIXTURES, 'sigstore-conformance', 'bundle-verify');
const PUBLIC_GOOD = join(FIXTURES, 'trusted-root', 'public-good.json');
const IDENTITY = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const BLOB = Buffer.from('release 1.0 bytes\n');
/** A certificate no case chains to (a made Notary root), base64 DER: what a trusted root's certificate is replaced by to see whether it is needed. */
const OTHER_CERTIFICATE = new X509Certificate(readFileSync(join(FIXTURES, 'notary-made', 'root.pem'))).raw.toString('base64');

/**
 * ECDSA's nonce is random: the P-256 key's signatures over the two byte strings signed here (the file; the DSSE
 * statement's PAE) are these, made by it once, so a seed replays the same bundle text. RSA and Ed25519 sign the same
 * bytes the same way every time.
 */
const ECDSA_SIGNED: Record<string, string> = {
  c53b29fb2204588be9c44e7e63cae134aebd0a400e9d991d6fb2519d3351cf5d: 'MEUCIQC1o6cvb3IBTkY2Dbk7btYE8sL1Cdpv+FGck0n3NpBLIgIgPdggCBTgX4CPZO55/wa9qhYURNx0BJojOnNZN7cyr7s=',
  '284bf3ab892d9e928a0f0cb60c541422a211187076b2a87df319ebb296e32503': 'MEQCICS9pd1pW5ZNYFaDJ4dsC3GhDWBQU5DWl4jEDCd9y6QyAiB7iXWyT8Y+oRPix6LSgjBFb3FdTFebDvx90Mk5DjKsOA==',
};

/** A signer and what it made: the PEM public key, the message bundle, the DSSE bundle, the classic signature (base64). */
interface Keyed {
  kind: string;
  pub: string;
  message: string;
  dsse: string;
  signature: string;
}

function keyed(kind: string, key: SignKey): Keyed {
  return {
    kind,
    pub: key.publicPem(),
    message: makeMessageBundle(BLOB, key).toString('utf8'),
    dsse: makeKeyBundle(cosignSignStatement(blobDigest(BLOB)), key).toString('utf8'),
    signature: key.sign(BLOB).toString('base64'),
  };
}

function signers(): Keyed[] {
  const fixture = (name: string) => createPrivateKey(readFileSync(join(FIXTURES, 'notary-made', name)));
  const ec = signKey('ecdsa', fixture('leaf.key.pem'));
  const fixedEc = { ...ec, sign: (b: Buffer) => Buffer.from(ECDSA_SIGNED[sha256(b)] ?? assert.fail('an ECDSA signature not made once here'), 'base64') };
  // RFC 8410's PKCS#8 of an Ed25519 key: a fixed prefix, then the 32-byte seed.
  const ed = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 7)]), format: 'der', type: 'pkcs8' });
  return [keyed('ECDSA P-256', fixedEc), keyed('RSA', signKey('rsa', fixture('rsaleaf.key.pem'))), keyed('Ed25519', signKey('ed25519', ed))];
}

/** A sigstore-conformance happy case: its bundle, artifact, trusted root, and key (managed-key) or identity. */
interface Case {
  name: string;
  bundle: string;
  artifact: Buffer;
  root: string;
  key?: string;
}

const CASES = ['happy-path-v0.3', 'happy-path-intoto-in-dsse-v3', 'rekor2-happy-path', 'managed-key-happy-path'];

function caseOf(name: string): Case {
  const at = (f: string) => join(CONFORMANCE, name, f);
  return {
    name,
    bundle: readFileSync(at('bundle.sigstore.json'), 'utf8'),
    artifact: readFileSync(existsSync(at('artifact')) ? at('artifact') : join(CONFORMANCE, 'a.txt')),
    root: readFileSync(existsSync(at('trusted_root.json')) ? at('trusted_root.json') : PUBLIC_GOOD, 'utf8'),
    ...(existsSync(at('key.pub')) ? { key: readFileSync(at('key.pub'), 'utf8') } : {}),
  };
}

/** What is verified, each part as text (damaged or not), and what the CLI is given. */
interface Run {
  how: 'bundle' | 'signature';
  /** The bundle or the classic signature. */
  signed: Buffer;
  artifact: Buffer;
  /** The PEM public key, when verified with a key. */
  pub?: Buffer;
  /** The trusted root, when keyless or a conformance case. */
  root?: Buffer;
}

/** The core's verdict (`thrown` with the message when it threw; the error's class is checked by the caller). */
type Verdict = { ok: true } | { ok: false; problem: string; reason: string } | { thrown: Error };

async function throughCore(run: Run): Promise<Verdict> {
  let check: BundleCheck;
  try {
    const keys = run.pub !== undefined ? [loadPublicKey('cosign.pub', run.pub)] : [];
    const root = run.root !== undefined ? parseTrustedRoot('trusted_root.json', run.root) : undefined;
    const certificates = root && run.pub === undefined ? { ...trustedRootCertificates(root), identity: { equals: IDENTITY }, oidcIssuer: { equals: ISSUER } } : undefined;
    const tsa = root ? trustedRootTimestampAuthorities(root) : undefined;
    const trust = root ? { ...(certificates ? { certificates } : {}), rekorKeys: root.rekorKeys, ctLogKeys: trustedRootCtLogKeys(root), ...(tsa ? { timestampAuthorities: tsa } : {}) } : {};
    check = run.how === 'bundle' ? await verifyBlobBundle(run.signed, run.artifact, keys, trust) : verifyBlobSignature(run.signed, run.artifact, keys);
  } catch (err) {
    return { thrown: err as Error };
  }
  return check.ok ? { ok: true } : { ok: false, problem: check.problem, reason: check.reason };
}

/** Files for the CLI: what a run verifies, written to a folder. */
let lastDir: string | undefined;
function cliArgs(run: Run): { argv: string[]; files: Record<string, string> } {
  // The previous run's folder removed now: a long sweep leaves no pile for cleanupTemps.
  if (lastDir) rmSync(lastDir, { recursive: true, force: true });
  const dir = tempDir('manifold-blobsweep-');
  lastDir = dir;
  const files = { signed: join(dir, run.how === 'bundle' ? 'blob.sigstore.json' : 'blob.sig'), artifact: join(dir, 'blob'), pub: join(dir, 'cosign.pub'), root: join(dir, 'trusted_root.json') };
  writeFileSync(files.signed, run.signed);
  writeFileSync(files.artifact, run.artifact);
  const argv = ['verify-blob'];
  if (run.pub !== undefined) {
    writeFileSync(files.pub, run.pub);
    argv.push('--key', files.pub);
  } else argv.push('--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER);
  if (run.root !== undefined) {
    writeFileSync(files.root, run.root);
    argv.push('--trusted-root', files.root);
  }
  argv.push(run.how === 'bundle' ? '--bundle' : '--signature', files.signed, files.artifact);
  return { argv, files };
}

/** What is wrong with how the CLI took `run` given the core's verdict: crash text, an exit code other than the verdict's, JSON disagreeing. */
async function cliWrongs(run: Run, core: Verdict, named: string | undefined): Promise<string[]> {
  const { argv, files } = cliArgs(run);
  const wrong: string[] = [];
  for (const json of [true, false]) {
    const r = await runCli(...argv, ...(json ? ['--format', 'json'] : []));
    const shown = r.stderr + r.stdout;
    const how = json ? 'cli json' : 'cli text';
    if (CRASH_TEXT.test(shown)) wrong.push(`${how}: ${shown.split('\n').find((l) => CRASH_TEXT.test(l))}`);
    const expected = 'thrown' in core ? 1 : core.ok ? 0 : 3;
    if (r.code !== expected) wrong.push(`${how}: exit code ${r.code}, the core's verdict ${JSON.stringify('thrown' in core ? core.thrown.message : core)}; ${shown.slice(0, 300)}`);
    if (r.code === 1 && named !== undefined && !r.stderr.includes(files[named as keyof typeof files])) wrong.push(`${how}: the error does not name ${named}: ${r.stderr}`);
    if (json && r.code !== 1 && !('thrown' in core)) {
      const out = JSON.parse(r.stdout) as { valid: boolean; problem?: string };
      if (out.valid !== core.ok || (!core.ok && out.problem !== core.problem)) wrong.push(`${how}: ${r.stdout.slice(0, 300)}, the core's ${JSON.stringify(core)}`);
    }
  }
  return wrong;
}

/**
 * Whether a change at `path` of a case's trusted root may leave it verifying: in an entry the case does not need
 * (removed, it still verifies) or a chain's certificate it does not use (replaced, it still verifies), never the
 * document or its mediaType; the tlogs for a key's bundle all gone (with no Rekor key given, a key's bundle is
 * verified by the key alone, as without --trusted-root); a needed self-signed certificate whose subject and key are
 * unchanged (a trust anchor is taken as the root gives it: its own signature and other fields are not checked, by
 * OpenSSL or Go either).
 */
function rootChangeHarmless(path: string, need: readonly string[], c: Case, original: Json, damaged: Json): boolean {
  if (path === '$' || path === '$.mediaType') return false;
  // No Rekor key given: a key's bundle is verified by the key alone, as without --trusted-root.
  if (/^\$\.tlogs(\[|$)/.test(path) && c.key !== undefined && !((damaged.tlogs as unknown[] | undefined)?.length)) return true;
  const cert = /^(\$\.\w+\[\d+\]\.certChain\.certificates\[\d+\])(\.rawBytes)?$/.exec(path);
  if (cert) {
    if (!need.includes(cert[1]!)) return true;
    try {
      const [was, now] = [new X509Certificate(rawAt(original, `${cert[1]}.rawBytes`)!), new X509Certificate(rawAt(damaged, `${cert[1]}.rawBytes`)!)];
      return was.subject === was.issuer && now.subject === was.subject && now.publicKey.export({ type: 'spki', format: 'der' }).equals(was.publicKey.export({ type: 'spki', format: 'der' }));
    } catch {
      return false;
    }
  }
  // Harmful when it is, holds or is in a needed entry; a needed certificate counts only inside its entry's certChain
  // (the entry removed whole may not be needed).
  const within = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return !need.some((n) => (within(path, n) ? true : within(n, path) && (!n.includes('.certChain.') || path.startsWith(`${n.replace(/\.certChain\..*$/, '')}.`))));
}

describe("verify-blob's inputs damaged at random (seeded): verified only when harmless, else a reason or an error naming the file", function () {
  this.timeout(120_000);
  let made: Keyed[];
  let cases: Case[];
  /** Per case, the trusted root's entries (`$.tlogs[0]`) and chains' certificates verification needs: removed, it fails. */
  const needed = new Map<string, string[]>();
  before(async () => {
    made = signers();
    cases = CASES.map(caseOf);
    for (const c of cases) {
      const doc = JSON.parse(c.root) as Json;
      const list: string[] = [];
      for (const field of ['tlogs', 'certificateAuthorities', 'ctlogs', 'timestampAuthorities']) {
        for (let i = 0; i < ((doc[field] as unknown[] | undefined)?.length ?? 0); i++) {
          const verifiesWithout = async (remove: (root: Json) => void) => {
            const without = JSON.parse(c.root) as Json;
            remove(without);
            const v = await throughCore({ how: 'bundle', signed: bytes(c.bundle), artifact: c.artifact, ...(c.key ? { pub: bytes(c.key) } : {}), root: bytes(JSON.stringify(without)) });
            return 'ok' in v && v.ok;
          };
          if (!(await verifiesWithout((r) => (r[field] as unknown[]).splice(i, 1)))) list.push(`$.${field}[${i}]`);
          // A certificate replaced by another (removed, a chain of one would leave the root unreadable).
          const chain = (doc[field] as Json[])[i]!.certChain?.certificates as unknown[] | undefined;
          for (let j = 0; j < (chain?.length ?? 0); j++) {
            if (!(await verifiesWithout((r) => ((r[field] as Json[])[i]!.certChain.certificates[j] = { rawBytes: OTHER_CERTIFICATE })))) list.push(`$.${field}[${i}].certChain.certificates[${j}]`);
          }
        }
      }
      needed.set(c.name, list);
    }
  });

  /** Each undamaged input, as the seeds start from it. */
  function runs(): Array<{ run: Run; label: string }> {
    const out: Array<{ run: Run; label: string }> = [];
    for (const k of made) {
      out.push({ label: `${k.kind} message bundle`, run: { how: 'bundle', signed: bytes(k.message), artifact: BLOB, pub: bytes(k.pub) } });
      out.push({ label: `${k.kind} DSSE bundle`, run: { how: 'bundle', signed: bytes(k.dsse), artifact: BLOB, pub: bytes(k.pub) } });
      out.push({ label: `${k.kind} signature`, run: { how: 'signature', signed: bytes(k.signature), artifact: BLOB, pub: bytes(k.pub) } });
    }
    for (const c of cases) out.push({ label: c.name, run: { how: 'bundle', signed: bytes(c.bundle), artifact: c.artifact, root: bytes(c.root), ...(c.key ? { pub: bytes(c.key) } : {}) } });
    return out;
  }

  it('undamaged: every bundle and signature verifies, through the core and the CLI (the sweep starts from inputs that verify)', async () => {
    for (const { run, label } of runs()) {
      const core = await throughCore(run);
      assert.deepEqual(core, { ok: true }, label);
      assert.deepEqual(await cliWrongs(run, core, undefined), [], label);
    }
  });

  it('the trusted roots: each case needs some of its entries (so damage to them cannot pass unseen)', () => {
    for (const c of CASES) assert.ok(needed.get(c)!.length > 0, c);
  });

  for (let seed = FIRST; seed <= LAST; seed++) {
    it(`seed ${seed}`, async () => {
      const random = seededRandom(seed);
      const target = pick(random, ['message bundle', 'DSSE bundle', 'keyless bundle', 'trusted root', 'signature', 'key'] as const);
      let run: Run;
      let what: string;
      /** Whether the damage is harmless: what is signed and the signature intact, or only parts not read changed. */
      let harmless: () => string | undefined; // undefined: harmless; else what changed
      /** The file an error may name (a key or trusted root damaged), for the CLI. */
      let named: 'pub' | 'root' | undefined;
      const jsonHarmless = (original: string, damaged: string, allowed: (path: string) => boolean) => () => {
        const [before, doc] = [parsed(original), parsed(damaged)];
        const paths = changedPaths(before, doc);
        const bad = paths.filter((p) => !allowed(p) && !HARMLESS.some((h) => h.path.test(p) && (!h.when || h.when(doc as Json, before as Json, p))));
        return bad.length === 0 ? undefined : bad.join(', ');
      };
      if (target === 'message bundle' || target === 'DSSE bundle') {
        const k = pick(random, made);
        const original = target === 'message bundle' ? k.message : k.dsse;
        const text = damagedBundle(original, random);
        run = { how: 'bundle', signed: bytes(text), artifact: BLOB, pub: bytes(k.pub) };
        what = `${k.kind} ${target}: ${text}`;
        harmless = jsonHarmless(original, text, () => false);
      } else if (target === 'keyless bundle') {
        const c = pick(random, cases);
        const text = damagedBundle(c.bundle, random);
        run = { how: 'bundle', signed: bytes(text), artifact: c.artifact, root: bytes(c.root), ...(c.key ? { pub: bytes(c.key) } : {}) };
        what = `${c.name}: ${text}`;
        harmless = jsonHarmless(c.bundle, text, () => false);
      } else if (target === 'trusted root') {
        const c = pick(random, cases);
        let text: string;
        if (random() < 0.5) {
          text = mutateJson(c.root, random);
          what = `${c.name}'s trusted root, JSON: ${text.length > 800 ? `${text.slice(0, 800)}…` : text}`;
        } else {
          const doc = JSON.parse(c.root) as Json;
          const place = pick(random, rawBytesPlaces(doc));
          const m = mutateDer(Buffer.from(place.holder.rawBytes as string, 'base64'), random);
          place.holder.rawBytes = m.bytes.toString('base64');
          text = JSON.stringify(doc);
          what = `${c.name}'s trusted root, ${place.at}: ${m.what}`;
        }
        run = { how: 'bundle', signed: bytes(c.bundle), artifact: c.artifact, root: bytes(text), ...(c.key ? { pub: bytes(c.key) } : {}) };
        named = 'root';
        const need = needed.get(c.name)!;
        harmless = jsonHarmless(c.root, text, (p) => rootChangeHarmless(p, need, c, JSON.parse(c.root) as Json, parsed(text) as Json));
      } else if (target === 'signature') {
        const k = pick(random, made);
        const d = damagedSignature(k.signature, k.kind.startsWith('ECDSA'), random);
        run = { how: 'signature', signed: d.bytes, artifact: BLOB, pub: bytes(k.pub) };
        what = `${k.kind} signature, ${d.what}: ${JSON.stringify(d.bytes.toString('latin1'))}`;
        harmless = () => (strictBase64(d.bytes)?.equals(Buffer.from(k.signature, 'base64')) ? undefined : 'the signature bytes');
      } else {
        const k = pick(random, made);
        const d = damagedPem(k.pub, random);
        const over = pick(random, ['message', 'dsse', 'signature'] as const);
        run = { how: over === 'signature' ? 'signature' : 'bundle', signed: bytes(k[over]), artifact: BLOB, pub: bytes(d.text) };
        what = `${k.kind} key (over its ${over}), ${d.what}: ${JSON.stringify(d.text)}`;
        named = 'pub';
        const spki = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' });
        harmless = () => {
          try {
            return spki(d.text).equals(spki(k.pub)) ? undefined : 'another key';
          } catch {
            return 'a key OpenSSL does not read';
          }
        };
      }
      const core = await throughCore(run);
      const wrong: string[] = [];
      if ('thrown' in core) {
        const e = core.thrown;
        if (!isOciError(e)) wrong.push(`core threw ${e.constructor.name}: ${e.stack}`);
        else if (named === undefined) wrong.push(`core threw on a damaged ${target}: ${e.message}`);
        else if (!e.message.startsWith(named === 'pub' ? 'cosign.pub: ' : 'trusted_root.json: ')) wrong.push(`core's error does not name the file: ${e.message}`);
        if (CRASH_TEXT.test(e.message)) wrong.push(`core's error: ${e.message}`);
      } else if (core.ok) {
        const changed = harmless();
        if (changed !== undefined) wrong.push(`verified, though damaged at ${changed}`);
      } else if (!core.problem || !core.reason || CRASH_TEXT.test(core.reason)) wrong.push(`core: ${core.problem}: ${core.reason}`);
      wrong.push(...(await cliWrongs(run, core, named)));
      if (process.env.SWEEP_LOG) console.log(`${seed} ${target}: ${'thrown' in core ? `thrown: ${core.thrown.message}` : core.ok ? 'verified' : `${core.problem}: ${core.reason}`}`.slice(0, 300));
      assert.deepEqual(wrong, [], what);
    });
  }
});
