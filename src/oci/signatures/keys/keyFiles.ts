// fs.promises, not node:fs/promises: loaded on first use (cliStartup.test.ts keeps the CLI's start light).
import { promises as fsp } from 'node:fs';
import { OciError } from '../../errors';
import { loadPublicKey, type VerifyKey } from './publicKeys';

/**
 * The public key in the PEM file `path`, named `name` (as the user gave it: a setting's entry, a file chosen).
 * Throws INVALID_ARGUMENT naming it and why: the file cannot be read, or holds no PEM public key.
 */
export async function readPublicKeyFile(path: string, name: string = path): Promise<VerifyKey> {
  let pem: Buffer;
  try {
    pem = await fsp.readFile(path);
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `${name}: ${(err as Error).message}`, { cause: err });
  }
  return loadPublicKey(name, pem);
}
