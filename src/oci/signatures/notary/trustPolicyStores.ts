// The trust stores a trust policy statement names, read from notation's trust store folder as notation lays it out:
// DIR/x509/{ca,signingAuthority,tsa}/NAME/ holding certificate files (PEM or DER).
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { OciError } from '../../errors';
import type { Certificate } from '../x509/certificates';
import { readNotaryTrustStore } from './notaryTrustStore';
import type { NotaryTrust } from './notaryVerify';
import type { TrustPolicyStatement, TrustStoreType } from './trustPolicy';

/**
 * What `statement` trusts, its stores read from the trust store folder `dir`. A store that cannot be read is not an
 * error here: notation reads a store when a signature needs it, and its failure is that signature's (authenticity
 * for `ca` and `signingAuthority`, the authentic timestamp for `tsa`), logged under a level that logs it. So each
 * type's first problem is kept for the verification to report.
 */
export async function trustPolicyTrust(statement: TrustPolicyStatement, dir: string): Promise<NotaryTrust> {
  const certs: Record<TrustStoreType, Certificate[]> = { ca: [], signingAuthority: [], tsa: [] };
  const storeProblems: Partial<Record<TrustStoreType, string>> = {};
  for (const { type, name } of statement.trustStores) {
    if (storeProblems[type]) continue;
    const path = `${dir.replace(/\/+$/, '')}/x509/${type}/${name}`;
    try {
      const st = await fsp.lstat(path).catch((err: NodeJS.ErrnoException) => {
        throw new Error(err.code === 'ENOENT' ? `${path}: no such folder (trust store ${type}:${name})` : `${path}: ${err.message}`);
      });
      if (st.isSymbolicLink()) throw new Error(`${path}: a symlink; notation's named trust stores are folders, not symlinks`);
      if (!st.isDirectory()) throw new Error(`${path}: not a folder (a named trust store is a folder of certificate files)`);
      certs[type].push(...(await readNotaryTrustStore(path, { noSymlinks: true, tsa: type === 'tsa' })).map((c) => ({ ...c, name: `${type}:${name}/${c.name.slice(path.length + 1) || c.name}` })));
    } catch (err) {
      storeProblems[type] = `trust store ${type}:${name}: ${(err as Error).message}`;
    }
  }
  return {
    roots: certs.ca,
    authorityRoots: certs.signingAuthority,
    tsaRoots: certs.tsa,
    identities: statement.identities,
    policy: { statement, storeProblems },
  };
}

/** What notation 1.2+ reads for OCI artifacts, then what it read before (its config folder holds one or both). */
export const TRUST_POLICY_FILES = ['trustpolicy.oci.json', 'trustpolicy.json'] as const;

/**
 * The trust policy file `path` names: the file itself, or in a folder (notation's config folder,
 * `~/.config/notation`) its `trustpolicy.oci.json`, else its `trustpolicy.json`, as notation looks for them.
 * INVALID_ARGUMENT when the folder holds neither.
 */
export async function trustPolicyFile(path: string): Promise<string> {
  const st = await fsp.stat(path).catch(() => undefined);
  if (!st?.isDirectory()) return path;
  for (const name of TRUST_POLICY_FILES) {
    const file = join(path, name);
    if ((await fsp.stat(file).catch(() => undefined))?.isFile()) return file;
  }
  throw new OciError('INVALID_ARGUMENT', `${path}: a folder without ${TRUST_POLICY_FILES.join(' or ')} (notation's trust policy files)`);
}
