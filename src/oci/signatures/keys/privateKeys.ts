import type { KeyObject } from 'node:crypto';
import { OciError } from '../../errors';
import { signing } from '../../nodeCrypto';
import { decodeBase64 } from '../cosignFormat';
import { signEd25519ph } from './ed25519ph';
import { secretboxOpen, secretboxSeal } from './secretbox';

/**
 * cosign's encrypted private keys (cosign.key): a PEM block whose body is go-tuf's `encrypted` JSON, a PKCS#8 key
 * sealed with NaCl secretbox under a key scrypt derives from the passphrase. cosign 2 writes the type
 * `ENCRYPTED SIGSTORE PRIVATE KEY`, cosign 1 (and skopeo 1.9, which reads only that) `ENCRYPTED COSIGN PRIVATE KEY`.
 */
export const SIGSTORE_KEY_PEM_TYPE = 'ENCRYPTED SIGSTORE PRIVATE KEY';
export const COSIGN_KEY_PEM_TYPE = 'ENCRYPTED COSIGN PRIVATE KEY';

/** cosign's scrypt cost (go-tuf's default): N 2^15, r 8, p 1. */
const SCRYPT = { N: 32768, r: 8, p: 1 };

/**
 * scrypt's memory is 128 * N * r bytes (32 MiB at cosign's cost) and its work that times p; a key file asking for more
 * than 16 times either is refused (Go's scrypt would run a damaged p of 1,000 for minutes).
 */
const MAX_SCRYPT_MEMORY = 512 << 20;

/** The end of decryptCosignKey's error when the passphrase opens nothing: VS Code asks for it again on this one. */
export const CANNOT_DECRYPT = 'cannot decrypt it: wrong passphrase, or the key is damaged';

/** A private key cosign can sign with, ready to sign payloads. */
export interface SignKey {
  name: string;
  /** `ecdsa-p256`, `rsa-2048`, `ed25519`. */
  type: string;
  /** What it signs with, as cosign 2.5+ does for the key: `ecdsa-p384-sha384`, `ed25519ph`, `rsa-pkcs1v15-sha256`. */
  algorithm: string;
  sign(payload: Buffer): Buffer;
  /** The public key, PEM (SPKI): what `verify --key` takes. */
  publicPem(): string;
}

/** Reads an encrypted cosign key; errors (INVALID_ARGUMENT) name `name` and what is wrong: the PEM, the JSON path, the passphrase. */
export function decryptCosignKey(name: string, pem: string, passphrase: string): SignKey {
  const fail = (msg: string): never => {
    throw new OciError('INVALID_ARGUMENT', `${name}: ${msg}`);
  };
  const m = /-----BEGIN ([A-Z ]+)-----\r?\n([\s\S]*?)\r?\n-----END \1-----/.exec(pem);
  if (!m) return fail('no PEM block (expected cosign\'s "ENCRYPTED SIGSTORE PRIVATE KEY")');
  if (m[1] !== SIGSTORE_KEY_PEM_TYPE && m[1] !== COSIGN_KEY_PEM_TYPE) return fail(`a PEM "${m[1]}", not cosign's "${SIGSTORE_KEY_PEM_TYPE}"`);
  const body = decodeBase64(m[2]!.replace(/\s+/g, '')) ?? fail('the PEM body is not base64');
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return fail(`the PEM body is not JSON (${(err as Error).message})`);
  }
  const at = (path: string[]): unknown => path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), doc);
  const str = (path: string[]) => {
    const v = at(path);
    return typeof v === 'string' ? v : fail(`$.${path.join('.')}: expected a string`);
  };
  const int = (path: string[]) => {
    const v = at(path);
    return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : fail(`$.${path.join('.')}: expected a positive whole number`);
  };
  if (str(['kdf', 'name']) !== 'scrypt') fail(`$.kdf.name: "${str(['kdf', 'name'])}", not "scrypt"`);
  if (str(['cipher', 'name']) !== 'nacl/secretbox') fail(`$.cipher.name: "${str(['cipher', 'name'])}", not "nacl/secretbox"`);
  const N = int(['kdf', 'params', 'N']);
  const r = int(['kdf', 'params', 'r']);
  const p = int(['kdf', 'params', 'p']);
  // Go's scrypt (cosign's) asks N be a power of two above 1; Node's says only "Invalid scrypt params".
  if (N < 2 || !Number.isInteger(Math.log2(N))) fail(`$.kdf.params.N: ${N}, not a power of two above 1`);
  if (128 * N * r > MAX_SCRYPT_MEMORY) fail(`$.kdf.params: N ${N} and r ${r} ask for more memory than a key needs`);
  if (128 * N * r * p > MAX_SCRYPT_MEMORY) fail(`$.kdf.params: N ${N}, r ${r} and p ${p} ask for more work than a key needs`);
  const salt = decodeBase64(str(['kdf', 'salt'])) ?? fail('$.kdf.salt: not base64');
  const nonce = decodeBase64(str(['cipher', 'nonce'])) ?? fail('$.cipher.nonce: not base64');
  if (nonce.length !== 24) fail(`$.cipher.nonce: ${nonce.length} bytes, not 24`);
  const sealed = decodeBase64(str(['ciphertext'])) ?? fail('$.ciphertext: not base64');
  const crypto = signing();
  let secret: Buffer;
  try {
    secret = crypto.scryptSync(Buffer.from(passphrase, 'utf8'), salt, 32, { N, r, p, maxmem: MAX_SCRYPT_MEMORY + (1 << 20) });
  } catch (err) {
    // OpenSSL asks more of the parameters than Go does (N below 2^(16 r)): its words, led by the file and the path.
    return fail(`$.kdf.params: N ${N}, r ${r} and p ${p}: ${(err as Error).message}`);
  }
  const der = secretboxOpen(sealed, nonce, secret) ?? fail(CANNOT_DECRYPT);
  let key: KeyObject;
  try {
    key = crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (err) {
    return fail(`the decrypted key is not PKCS#8 (${(err as Error).message})`);
  }
  return signKey(name, key);
}

/** The hash cosign 2.5+ signs with per ECDSA curve (sigstore's default algorithm for the key): the curve's own size. */
const EC_SIGN_HASHES: Record<string, string> = { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' };
const EC_NAMES: Record<string, string> = { prime256v1: 'p256', secp384r1: 'p384', secp521r1: 'p521' };

/**
 * A SignKey over a Node private key, signing as cosign 2.5+ does (sigstore's LoadDefaultSignerVerifier with
 * Ed25519ph, what cosign's verify expects of the key): ECDSA P-256/SHA-256, P-384/SHA-384, P-521/SHA-512; RSA
 * PKCS#1 v1.5 over SHA-256; Ed25519 keys with Ed25519ph. (cosign before 2.5 signed every curve over SHA-256 and
 * Ed25519 pure; our verify still reads those.)
 */
export function signKey(name: string, key: KeyObject): SignKey {
  const crypto = signing();
  const kind = key.asymmetricKeyType;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const publicPem = () => crypto.createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  if (kind === 'ec' && curve !== undefined && EC_SIGN_HASHES[curve]) {
    const hash = EC_SIGN_HASHES[curve]!;
    const type = `ecdsa-${EC_NAMES[curve]!}`;
    return { name, type, algorithm: `${type}-${hash}`, sign: (payload) => crypto.sign(hash, payload, key), publicPem };
  }
  if (kind === 'rsa') return { name, type: `rsa-${key.asymmetricKeyDetails?.modulusLength ?? '?'}`, algorithm: 'rsa-pkcs1v15-sha256', sign: (payload) => crypto.sign('sha256', payload, key), publicPem };
  if (kind === 'ed25519') return { name, type: 'ed25519', algorithm: 'ed25519ph', sign: (payload) => signEd25519ph(payload, key), publicPem };
  throw new OciError('INVALID_ARGUMENT', `${name}: a key of type ${kind ?? 'unknown'}${curve ? ` on curve ${curve}` : ''}: cosign signs with ECDSA (P-256, P-384, P-521), RSA or Ed25519 keys`);
}

/** `key` sealed as cosign seals cosign.key (PEM type `pemType`): for tests and for keys made here. */
export function encryptCosignKey(key: KeyObject, passphrase: string, pemType: string = SIGSTORE_KEY_PEM_TYPE): string {
  const crypto = signing();
  const salt = crypto.randomBytes(32);
  const nonce = crypto.randomBytes(24);
  const secret = crypto.scryptSync(Buffer.from(passphrase, 'utf8'), salt, 32, { ...SCRYPT, maxmem: MAX_SCRYPT_MEMORY });
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const doc = {
    kdf: { name: 'scrypt', params: SCRYPT, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: secretboxSeal(der, nonce, secret).toString('base64'),
  };
  const body = Buffer.from(JSON.stringify(doc)).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${pemType}-----\n${body}${body.endsWith('\n') ? '' : '\n'}-----END ${pemType}-----\n`;
}
