/**
 * Key pairs in cosign's files, made here (`generate-key-pair`) or from a PEM private key (`import-key-pair`): the
 * private key sealed as cosign seals cosign.key, the public key as cosign.pub (SPKI PEM). With these, signing and
 * verifying need no cosign binary at all (air-gapped machines).
 */
import type { KeyObject } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { OciError } from '../../errors';
import { signing } from '../../nodeCrypto';
import { COSIGN_KEY_PEM_TYPE, encryptCosignKey, type SignKey, signKey, SIGSTORE_KEY_PEM_TYPE } from './privateKeys';

/** What `generate-key-pair --key-type` makes; cosign makes ecdsa-p256 (its only kind), the default here too. */
export const KEY_PAIR_TYPES = ['ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'rsa-2048', 'rsa-3072', 'rsa-4096', 'ed25519'] as const;
export type KeyPairType = (typeof KEY_PAIR_TYPES)[number];

/** RSA keys shorter than this sign nothing here: below what NIST SP 800-131A allows for signatures since 2013. */
const MIN_RSA_BITS = 2048;

export interface CosignKeyPair {
  /** cosign.key: the private key sealed under the passphrase. */
  privatePem: string;
  /** cosign.pub: what `verify --key` takes. */
  publicPem: string;
  key: SignKey;
}

/** `key` sealed under `passphrase` as cosign.key, with its cosign.pub. */
export function cosignKeyPair(name: string, key: KeyObject, passphrase: string): CosignKeyPair {
  const sign = signKey(name, key);
  return { privatePem: encryptCosignKey(key, passphrase), publicPem: sign.publicPem(), key: sign };
}

/** A new key pair of `type`, its private key sealed under `passphrase`. */
export function generateCosignKeyPair(type: KeyPairType, passphrase: string): CosignKeyPair {
  return cosignKeyPair(type, newPrivateKey(type), passphrase);
}

/** A new private key of `type` (generate-certificate makes its keys here too). */
export function newPrivateKey(type: KeyPairType): KeyObject {
  const crypto = signing();
  const [kind, size] = type.split('-') as [string, string | undefined];
  const { privateKey } =
    kind === 'ecdsa'
      ? crypto.generateKeyPairSync('ec', { namedCurve: { p256: 'prime256v1', p384: 'secp384r1', p521: 'secp521r1' }[size!]! })
      : kind === 'rsa'
        ? crypto.generateKeyPairSync('rsa', { modulusLength: Number(size) })
        : crypto.generateKeyPairSync('ed25519');
  return privateKey;
}

/**
 * The key of a PEM private key (`name` the file, for errors): PKCS#8 (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`)
 * or SEC1 (`EC PRIVATE KEY`, with or without the `EC PARAMETERS` block openssl ecparam writes before it), unencrypted,
 * as cosign import-key-pair reads them; refused by name unless sign can sign with it.
 */
export function importedPrivateKey(name: string, pem: string): KeyObject {
  const fail = (msg: string): never => {
    throw new OciError('INVALID_ARGUMENT', `${name}: ${msg}`);
  };
  const types = [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1]!);
  if (types.length === 0) fail('no PEM block: expected a private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)');
  if (types.includes(SIGSTORE_KEY_PEM_TYPE) || types.includes(COSIGN_KEY_PEM_TYPE)) fail("already a cosign key: sign and attest take it as it is (import-key-pair reads other tools' PEM keys)");
  if (types.includes('ENCRYPTED PRIVATE KEY') || /Proc-Type: 4,ENCRYPTED/.test(pem)) fail('an encrypted PEM key: decrypt it first (openssl pkey -in KEY -out PLAIN), as cosign import-key-pair also asks');
  const keyType = types.find((t) => t === 'PRIVATE KEY' || t === 'RSA PRIVATE KEY' || t === 'EC PRIVATE KEY');
  if (!keyType) fail(`a PEM ${types.map((t) => `"${t}"`).join(', ')}: no private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)`);
  const block = new RegExp(`-----BEGIN ${keyType}-----[\\s\\S]*?-----END ${keyType}-----`).exec(pem);
  if (!block) return fail(`the "${keyType}" block has no END line`);
  let key: KeyObject;
  try {
    key = signing().createPrivateKey({ key: block[0], format: 'pem' });
  } catch (err) {
    return fail(`the "${keyType}" block does not read as a key (${(err as Error).message})`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType === 'rsa' && bits !== undefined && bits < MIN_RSA_BITS) fail(`an RSA key of ${bits} bits: too short to sign with (at least ${MIN_RSA_BITS})`);
  signKey(name, key); // a key of a kind cosign does not sign with (a curve, DSA) refused now, before a passphrase is asked
  if (!publicKeyAgrees(key)) fail('its public key does not match its private key (a damaged key): the cosign.pub made of it would verify nothing it signs');
  return key;
}

/**
 * Whether the public key `key` holds verifies what it signs. OpenSSL reads an RSA key whose parts disagree, or an EC
 * key whose stored public point is not its scalar's, without a word; the public key written from it would be wrong.
 */
function publicKeyAgrees(key: KeyObject): boolean {
  const crypto = signing();
  const hash = key.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  const probe = Buffer.from('manifold import-key-pair: does this key sign as its public key says');
  try {
    return crypto.verify(hash, probe, crypto.createPublicKey(key), crypto.sign(hash, probe, key));
  } catch {
    return false; // a key OpenSSL cannot sign or verify with is no key to import
  }
}

/**
 * cosign.key and cosign.pub written whole and synced before they appear, the private one readable by its owner only.
 * Unless `replace`, linked in place rather than renamed: that fails if a file of the name exists (or appeared since
 * it was looked for), so nothing is ever replaced unasked. Errors (INVALID_ARGUMENT) name the file.
 */
export async function writeKeyPairFiles(files: { key: string; pub: string }, made: CosignKeyPair, replace: boolean): Promise<void> {
  await writeNewFile(files.key, made.privatePem, 0o600, replace);
  await writeNewFile(files.pub, made.publicPem, 0o644, replace);
}

/** `text` written to `file` as writeKeyPairFiles writes each (whole, synced, linked unless `replace`), with `mode`. */
export async function writeNewFile(file: string, text: string | Buffer, mode: number, replace: boolean): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    const fh = await fsp.open(temp, 'wx', mode);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (replace) await fsp.rename(temp, file);
    else await fsp.link(temp, file);
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `${file}: ${(err as Error).message}`, { cause: err });
  } finally {
    await fsp.rm(temp, { force: true });
  }
}
