/**
 * NaCl's secretbox (XSalsa20-Poly1305), which cosign's encrypted private keys are sealed with. Node's crypto has
 * neither Salsa20 nor NaCl's Poly1305 construction, so tweetnacl does it: a small, audited port of NaCl, not cipher
 * code of our own. Output as NaCl's `secretbox` and Go's `secretbox.Seal` write it: the 16-byte tag, then the
 * ciphertext.
 */
type Nacl = typeof import('tweetnacl');
let loaded: Nacl | undefined;
// Loaded when a key is sealed or opened: tweetnacl requires node:crypto as it loads, which a command that signs
// nothing must not pay for (see nodeCrypto.ts).
const nacl = (): Nacl => (loaded ??= require('tweetnacl') as Nacl);

/** Seals `plain` under a 32-byte key and 24-byte nonce: tag (16 bytes), then ciphertext. */
export function secretboxSeal(plain: Uint8Array, nonce: Uint8Array, key: Uint8Array): Buffer {
  return Buffer.from(nacl().secretbox(plain, nonce, key));
}

/** Opens what secretboxSeal sealed; undefined when the tag does not match (a wrong key or passphrase, damaged bytes). */
export function secretboxOpen(sealed: Uint8Array, nonce: Uint8Array, key: Uint8Array): Buffer | undefined {
  const plain = nacl().secretbox.open(sealed, nonce, key);
  return plain ? Buffer.from(plain) : undefined;
}
