// A Notary trust store as notation keeps one: a certificate file, or a folder of them (PEM or DER), each a trust anchor.
import { promises as fsp } from 'node:fs';
import { type Certificate, oneLine } from '../x509/certificates';
import { childrenOf, contextTag, readOnly } from '../x509/der';
import { loadNotaryRoots } from './notaryChain';

/**
 * The root certificates at `path`: a file's, or every file's of a folder (in name order). Errors name the path:
 * one that cannot be read, a folder inside (notation refuses a trust store holding folders: so here, rather than
 * skip what may hold the root meant), a folder with no certificate. With `noSymlinks` (a store of notation's trust
 * store folder), a symlink among its files is refused too, as notation refuses one. Every certificate must be a CA
 * or self-signed (notation-go's ValidateCertificates, for every store type: a leaf issued by another is no trust
 * anchor); with `tsa` (a store of type `tsa`: `--notary-tsa-roots`, a trust policy's `tsa:NAME`), a root CA, as
 * notation-go requires of a TSA store. One that is not fails the whole store, naming its file and subject.
 */
export async function readNotaryTrustStore(path: string, options: { noSymlinks?: boolean; tsa?: boolean } = {}): Promise<Certificate[]> {
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
  const load = (file: string, bytes: Buffer) => {
    const certs = loadNotaryRoots(file, bytes);
    const notRoot = options.tsa ? certs.map(notRootCa).find((why) => why !== undefined) : undefined;
    if (notRoot) throw new Error(`${file}: ${notRoot}; a tsa trust store holds root certificates only`);
    const notAnchor = certs.find((c) => !c.fields.ca && !signsItself(c));
    if (notAnchor) throw new Error(`${file}: the certificate ${oneLine(notAnchor.x509.subject) || '(empty subject)'} is neither a CA certificate nor self-signed; a trust store holds CA or self-signed certificates only`);
    return certs;
  };
  if (!stat.isDirectory()) return load(path, await read(path));
  const out: Certificate[] = [];
  for (const name of (await fsp.readdir(path)).sort()) {
    const file = `${path.replace(/\/+$/, '')}/${name}`;
    if (options.noSymlinks && (await fsp.lstat(file)).isSymbolicLink()) throw new Error(`${path}: ${name} is a symlink; notation's trust stores hold regular files only`);
    if ((await fsp.stat(file)).isDirectory()) throw new Error(`${path}: ${name} is a folder; a trust store holds certificate files only`);
    out.push(...load(file, await read(file)));
  }
  if (out.length === 0) throw new Error(`${path}: no certificate in it`);
  return out;
}

/**
 * Why `c` is not a root CA certificate as notation-go's trust store takes one (Go's CheckSignatureFrom on itself, and
 * the issuer the subject byte for byte): a v3 certificate must be a CA (basicConstraints cA), a keyUsage must allow
 * keyCertSign, its own key must verify its signature. Undefined when it is one.
 */
function notRootCa(c: Certificate): string | undefined {
  const what = `the certificate ${oneLine(c.x509.subject) || '(empty subject)'} is not a root CA certificate`;
  if (!c.fields.ca && isV3(c.x509.raw)) return `${what}: not a CA (basicConstraints without cA)`;
  if (c.fields.keyUsage && !c.fields.keyUsage.includes('keyCertSign')) return `${what}: its keyUsage (${c.fields.keyUsage.join(', ')}) lacks keyCertSign`;
  if (!c.fields.issuerDer.equals(c.fields.subjectDer)) return `${what}: issued by ${oneLine(c.x509.issuer)}, not by itself`;
  return signsItself(c) ? undefined : `${what}: its own key does not verify its signature`;
}

/** Whether the certificate's own key verifies its signature (Go's CheckSignature with its own key: no constraints asked). */
function signsItself(c: Certificate): boolean {
  try {
    return c.x509.verify(c.x509.publicKey);
  } catch {
    return false; // a key that cannot verify it did not sign it
  }
}

/** Whether a certificate is X.509 v3 (version [0] 2): v1 and v2 ones have no extensions, and Go asks no basicConstraints of them. */
function isV3(der: Buffer): boolean {
  const version = childrenOf(childrenOf(readOnly(der, 'certificate'))[0]!)[0];
  return version?.tag === contextTag(0, true) && childrenOf(version)[0]?.content.equals(Buffer.from([2])) === true;
}
