// A cosign key pair in files, as `cosign generate-key-pair` leaves them: cosign.key (encrypted, its passphrase in
// `pass`) and cosign.pub, in a temp folder of their own.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encryptCosignKey } from '../../src/oci/signatures';
import { tempDir } from '../unit/builders';

export interface CosignKeyFiles {
  dir: string;
  privateKey: KeyObject;
  /** cosign.key, its passphrase file, cosign.pub. */
  key: string;
  pass: string;
  pub: string;
}

export function cosignKeyFiles(): CosignKeyFiles {
  const dir = tempDir();
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(join(dir, 'cosign.key'), encryptCosignKey(privateKey, 'pw'));
  writeFileSync(join(dir, 'pass'), 'pw\n');
  writeFileSync(join(dir, 'cosign.pub'), publicKey.export({ type: 'spki', format: 'pem' }).toString());
  return { dir, privateKey, key: join(dir, 'cosign.key'), pass: join(dir, 'pass'), pub: join(dir, 'cosign.pub') };
}
