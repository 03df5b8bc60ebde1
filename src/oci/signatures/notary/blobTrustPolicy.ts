// notation's blob trust policy (trustpolicy.blob.json, notation 1.2+: `notation blob verify`), read and validated
// as notation-go's verifier/trustpolicy/blob.go does: the statements an OCI policy has, without registryScopes;
// a statement is picked by its name (`--policy-name`), else the one marked `"globalPolicy": true`.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { OciError } from '../../errors';
import { shownValue } from '../../validate/shownValue';
import { parsePolicyStatements, type TrustPolicyStatement, TrustPolicyError } from './trustPolicy';

/** The file notation reads in its config folder for `blob verify`. */
export const BLOB_TRUST_POLICY_FILE = 'trustpolicy.blob.json';

export interface BlobTrustPolicyDocument {
  version: '1.0';
  statements: TrustPolicyStatement[];
  /** The name of the statement marked `"globalPolicy": true`, when one is. */
  global?: string;
}

/**
 * A blob trust policy read from its JSON (`file` names it in errors, with the JSON path): the rules every statement
 * follows (trustPolicy.ts), and at most one global statement, not of level skip. TrustPolicyError when one is broken.
 */
export function parseBlobTrustPolicy(text: string, file: string): BlobTrustPolicyDocument {
  const { statements, raw, refuse } = parsePolicyStatements(text, file, 'blob');
  let global: number | undefined;
  raw.forEach((r, i) => {
    const at = `$.trustPolicies[${i}].globalPolicy`;
    // Go decodes it into a bool: anything else fails the document.
    if (r.globalPolicy !== undefined && r.globalPolicy !== null && typeof r.globalPolicy !== 'boolean') refuse(at, `${shownValue(r.globalPolicy)}: expected true or false`);
    if (r.globalPolicy !== true) return;
    if (global !== undefined) refuse(at, `${shownValue(statements[i]!.name)} is marked global too, after ${shownValue(statements[global]!.name)}: one statement at most is the global policy`);
    if (statements[i]!.level === 'skip') refuse(at, `${shownValue(statements[i]!.name)} is level skip: the global policy must verify (name a skip statement with --policy-name instead)`);
    global = i;
  });
  return { version: '1.0', statements, ...(global !== undefined ? { global: statements[global]!.name } : {}) };
}

/**
 * The statement a blob signature is verified under: the one named `name`, else the global one. TrustPolicyError
 * naming the file when there is none, listing the names there are.
 */
export function selectBlobTrustPolicy(doc: BlobTrustPolicyDocument, name: string | undefined, file: string): TrustPolicyStatement {
  const names = doc.statements.map((s) => shownValue(s.name)).join(', ');
  if (name !== undefined) {
    if (name.trim() === '') throw new TrustPolicyError(`${file}: the policy name is empty`);
    const found = doc.statements.find((s) => s.name === name);
    if (!found) throw new TrustPolicyError(`${file}: no statement is named ${shownValue(name)} (its statements: ${names})`);
    return found;
  }
  const global = doc.statements.find((s) => s.name === doc.global);
  if (!global) throw new TrustPolicyError(`${file}: no statement is the global policy ("globalPolicy": true), and no policy name was given: name one of ${names}`);
  return global;
}

/**
 * The blob trust policy `path` names: the file itself, or in a folder (notation's config folder) its
 * trustpolicy.blob.json. INVALID_ARGUMENT when the folder has none.
 */
export async function blobTrustPolicyFile(path: string): Promise<string> {
  const st = await fsp.stat(path).catch(() => undefined);
  if (!st?.isDirectory()) return path;
  const file = join(path, BLOB_TRUST_POLICY_FILE);
  if ((await fsp.stat(file).catch(() => undefined))?.isFile()) return file;
  throw new OciError('INVALID_ARGUMENT', `${path}: a folder without ${BLOB_TRUST_POLICY_FILE} (notation's blob trust policy)`);
}
