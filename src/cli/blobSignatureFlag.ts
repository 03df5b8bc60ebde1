// fs.promises, not node:fs/promises: loaded on first use, not at every CLI start (cliStartup.test.ts).
import { promises as fsp } from 'node:fs';
import { OciError } from '../oci/errors';
import { type BundleCheck, verifyBlobEnvelope, verifyBlobSignature, type VerifyKey } from '../oci/signatures';

/**
 * verify-blob's `--signature VALUE` over the file `blob` of SHA-256 `digest`, as cosign reads it: a file holding
 * attest-blob's DSSE envelope (JSON: as verify-blob-attestation --signature) or the classic base64 signature
 * (verify-blob --signature); with no file of that name, the value itself as the base64 signature (cosign's text
 * form). A value that is no base64 either keeps the missing file's error: a mistyped name is said as such.
 */
export async function signatureFlagCheck(value: string, blob: Buffer, digest: string, keys: readonly VerifyKey[]): Promise<BundleCheck> {
  let bytes: Buffer;
  let text = false;
  try {
    bytes = await fsp.readFile(value);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value.trim())) {
      throw new OciError('INVALID_ARGUMENT', `--signature ${value}: ${(err as Error).message}`, { cause: err });
    }
    bytes = Buffer.from(value);
    text = true;
  }
  // A base64 signature never starts with `{`; an envelope always does.
  if (!text && bytes.toString('utf8').trimStart().startsWith('{')) return verifyBlobEnvelope(bytes, digest, keys);
  const check = verifyBlobSignature(bytes, blob, keys);
  return check.ok || !text ? check : { ...check, reason: `${check.reason} (--signature read as the signature's base64: there is no file of that name)` };
}
