// fs.promises, not node:fs/promises: loaded on first use, not at every CLI start (cliStartup.test.ts).
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAnnotations } from '../../oci/imageIndex/annotations';
import { loadNotarySigner, notaryBlobSignatureName, signNotaryBlob, writeNewFile } from '../../oci/signatures';
import { boolOpt, listOpt, type ParsedCommand, stringOpt, UsageError } from '../command';
import { mediaTypeFlag, otherFlagGiven } from '../notaryBlobFlags';
import type { Printer } from '../printer';
import { parseDuration } from './prune';
import { readBytes, readText } from './sign';

/**
 * `sign-blob --notary-key K --notary-certificate C FILE`: FILE signed as `notation blob sign` signs it, the envelope
 * written to `<DIR>/<file name>.<jws|cose>.sig` (DIR: --signature-directory, else the file's folder, as notation),
 * whole and synced before it appears; an existing one is replaced only with --force (notation asks).
 */
export async function signBlobNotary(p: ParsedCommand, printer: Printer): Promise<void> {
  const keyFile = stringOpt(p, 'notary-key');
  const chainFile = stringOpt(p, 'notary-certificate');
  if (keyFile === undefined || chainFile === undefined) {
    const flag = otherFlagGiven(p, ['signature-format', 'signature-directory', 'media-type', 'annotation', 'expiry', 'force']);
    throw new UsageError(`${flag ? `${flag} is for a Notary signature: ` : ''}--notary-key FILE and --notary-certificate FILE go together: notation's private key and its certificate chain (leaf first)`);
  }
  const cosign = otherFlagGiven(p, ['key', 'passphrase-file', 'bundle', 'output-signature']);
  if (cosign) throw new UsageError(`${cosign} and --notary-key: give one (cosign's signature, or the Notary Project's)`);
  const format = stringOpt(p, 'signature-format') ?? 'jws';
  if (format !== 'jws' && format !== 'cose') throw new UsageError(`--signature-format ${JSON.stringify(format)}: jws or cose`);
  const mediaType = mediaTypeFlag(p);
  const expiry = stringOpt(p, 'expiry');
  const expiresIn = expiry !== undefined ? parseDuration(expiry, '--expiry') : undefined;
  // notation-go refuses an expiry of a fraction of a second; none of 0 is no expiry there, an empty window here.
  if (expiresIn !== undefined && (expiresIn <= 0 || expiresIn % 1000 !== 0)) throw new UsageError(`--expiry ${JSON.stringify(expiry)}: a whole number of seconds, at least 1s (as notation)`);
  const annotations = parseAnnotations(listOpt(p, 'annotation'));
  const directory = stringOpt(p, 'signature-directory');
  if (directory === '') throw new UsageError('--signature-directory: empty');
  const file = p.positionals[0]!;
  if (file === '-') throw new UsageError("- (standard input): a Notary blob signature is named after its file (FILE.jws.sig): give the file's path");
  const out = join(directory ?? dirname(file), notaryBlobSignatureName(file, format));
  const force = boolOpt(p, 'force');
  // Said before the key is read: notation asks here; with no one to ask, --force says it.
  if (!force && (await fsp.lstat(out).catch(() => undefined))) throw new UsageError(`${out}: exists: give --force to replace it (notation asks before replacing a signature file)`);
  const blob = await readBytes(file, 'the file');
  const signer = loadNotarySigner(keyFile, Buffer.from(await readText(keyFile, '--notary-key')), chainFile, Buffer.from(await readText(chainFile, '--notary-certificate')));
  const { envelope, descriptor } = signNotaryBlob(blob, signer, { format, expiresIn, annotations, ...(mediaType !== undefined ? { mediaType } : {}) });
  if (directory !== undefined) await fsp.mkdir(directory, { recursive: true });
  // Linked in place unless --force: one that appeared meanwhile is not replaced either.
  await writeNewFile(out, envelope, 0o644, force);
  const who = signer.chain[0]!.x509.subject.replace(/\n/g, ', ');
  printer.out(`Signed ${file} (${descriptor.digest}, ${descriptor.mediaType}) with ${keyFile} (${signer.alg}, ${who}): Notary signature ${out} (${format.toUpperCase()})\n`);
}
