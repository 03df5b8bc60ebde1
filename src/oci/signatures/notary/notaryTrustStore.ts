// A Notary trust store as notation keeps one: a certificate file, or a folder of them (PEM or DER), each a root.
import { promises as fsp } from 'node:fs';
import type { Certificate } from '../x509/certificates';
import { loadNotaryRoots } from './notaryChain';

/**
 * The root certificates at `path`: a file's, or every file's of a folder (in name order). Errors name the path:
 * one that cannot be read, a folder inside (notation refuses a trust store holding folders: so here, rather than
 * skip what may hold the root meant), a folder with no certificate. With `noSymlinks` (a store of notation's trust
 * store folder), a symlink among its files is refused too, as notation refuses one.
 */
export async function readNotaryTrustStore(path: string, options: { noSymlinks?: boolean } = {}): Promise<Certificate[]> {
  const read = async (file: string) => {
    try {
      return await fsp.readFile(file);
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  let stat;
  try {
    stat = await fsp.stat(path);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!stat.isDirectory()) return loadNotaryRoots(path, await read(path));
  const out: Certificate[] = [];
  for (const name of (await fsp.readdir(path)).sort()) {
    const file = `${path.replace(/\/+$/, '')}/${name}`;
    if (options.noSymlinks && (await fsp.lstat(file)).isSymbolicLink()) throw new Error(`${path}: ${name} is a symlink; notation's trust stores hold regular files only`);
    if ((await fsp.stat(file)).isDirectory()) throw new Error(`${path}: ${name} is a folder; a trust store holds certificate files only`);
    out.push(...loadNotaryRoots(file, await read(file)));
  }
  if (out.length === 0) throw new Error(`${path}: no certificate in it`);
  return out;
}
