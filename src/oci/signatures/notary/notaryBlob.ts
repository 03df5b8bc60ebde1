// Files signed as notation 1.2+ signs them (`notation blob sign`, notation-go's SignBlob): the same envelope as an
// image's (notarySign.ts), its payload's targetArtifact the file's descriptor: a media type (application/octet-stream
// unless given), its digest in the hash of the key's algorithm (SHA-256, -384, -512, as notation-go's getDescriptor),
// its size, the user metadata. Written apart, `<file name>.<jws|cose>.sig`; verified (`notation blob verify`) by
// the checks of an image's Notary signature (notaryVerify.ts) with the file in the manifest's place.
import { basename } from 'node:path';
import { createHash } from '../../nodeCrypto';
import { parseCose } from './notaryCose';
import { NOTARY_COSE_MEDIA_TYPE, NOTARY_JWS_MEDIA_TYPE, type NotaryAlgorithm } from './notaryEnvelope';
import { parseJws } from './notaryJws';
import { targetArtifact } from './notaryPayload';
import { makeNotaryCose, makeNotaryJws, type NotarySigner, type NotarySignOptions } from './notarySign';
import { type NotaryCheck, type NotaryTrust, verifyNotaryEnvelope } from './notaryVerify';

/** The media type notation signs a file as when none is given (`notation blob sign --media-type`'s default). */
export const BLOB_DEFAULT_MEDIA_TYPE = 'application/octet-stream';

export type NotaryBlobFormat = 'jws' | 'cose';

/** A file's digest as notation-go computes it for a key's algorithm: the algorithm's own hash. */
export function notaryBlobDigest(blob: Buffer, alg: NotaryAlgorithm): string {
  const hash = `sha${alg.slice(2)}`;
  return `${hash}:${createHash(hash).update(blob).digest('hex')}`;
}

// Go's mime token: printable ASCII but space and the tspecials ()<>@,;:\"/[]?=.
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}(?:/${TOKEN})?\\s*((?:;\\s*${TOKEN}\\s*=\\s*(?:${TOKEN}|"(?:[^"\\\\]|\\\\.)*")\\s*)*)(?:;\\s*)?$`);

/** Why `text` is no media type as notation checks it (Go's mime.ParseMediaType: `type/subtype` and parameters), or undefined. */
export function mediaTypeProblem(text: string): string | undefined {
  if (text.trim() === '') return 'empty';
  if (!MEDIA_TYPE.test(text.trim())) return `${JSON.stringify(text)} is not a media type (type/subtype, then ; name=value parameters)`;
  return undefined;
}

export interface NotaryBlobSignOptions extends NotarySignOptions {
  format?: NotaryBlobFormat;
  /** What the file is (the payload's targetArtifact.mediaType); BLOB_DEFAULT_MEDIA_TYPE unless given. */
  mediaType?: string;
}

/** The envelope signing `blob` as `notation blob sign` writes it, and the descriptor it signs. */
export function signNotaryBlob(blob: Buffer, signer: NotarySigner, options: NotaryBlobSignOptions = {}): { envelope: Buffer; descriptor: { mediaType: string; digest: string; size: number } } {
  const descriptor = { mediaType: options.mediaType ?? BLOB_DEFAULT_MEDIA_TYPE, digest: notaryBlobDigest(blob, signer.alg), size: blob.length };
  const envelope = options.format === 'cose' ? makeNotaryCose(descriptor, signer, options) : makeNotaryJws(descriptor, signer, options);
  return { envelope, descriptor };
}

/** `<file name>.<format>.sig`: the name notation gives a file's signature (in the folder asked, else the file's). */
export function notaryBlobSignatureName(file: string, format: NotaryBlobFormat): string {
  return `${basename(file)}.${format}.sig`;
}

/**
 * The envelope format a signature file's name says, as notation reads it (its parseSignatureMediaType): the name
 * ends `.sig` and the part before is `jws` or `cose` (any case); else why not.
 */
export function notaryBlobFormatOf(signatureFile: string): NotaryBlobFormat | { problem: string } {
  const name = basename(signatureFile);
  const parts = name.split('.');
  if (parts.length < 2 || parts[parts.length - 1]!.toLowerCase() !== 'sig') return { problem: `${name}: not a Notary blob signature's name: it must end .jws.sig or .cose.sig (the envelope's format, as notation names it)` };
  const format = parts.length >= 3 ? parts[parts.length - 2]!.toLowerCase() : '';
  if (format !== 'jws' && format !== 'cose') return { problem: `${name}: the part before .sig must be the envelope's format, jws or cose (as notation names it: FILE.jws.sig, FILE.cose.sig)` };
  return format;
}

export type NotaryBlobCheck = NotaryCheck & { digest: string };

/**
 * Whether the envelope `envelope` (of `format`) signs the file `blob`: every check of an image's Notary signature
 * (integrity, authenticity, identity, expiry, timestamps, the trust policy's level), the file's digest (in the hash
 * the envelope's algorithm names) and size in the manifest's place; its media type only when `mediaType` is given
 * (as notation: else any). `digest` is the file's digest compared.
 */
export function verifyNotaryBlob(envelope: Buffer, format: NotaryBlobFormat, blob: Buffer, trust: NotaryTrust, mediaType?: string): NotaryBlobCheck {
  const parsed = format === 'cose' ? parseCose(envelope) : parseJws(envelope);
  // Malformed, it fails before the digest is looked at: SHA-256 is then only what is reported.
  const digest = notaryBlobDigest(blob, 'malformed' in parsed ? 'PS256' : parsed.alg);
  const subject = { digest, size: blob.length, ...(mediaType !== undefined ? { mediaType } : {}) };
  const checked = verifyNotaryEnvelope(envelope, format === 'cose' ? NOTARY_COSE_MEDIA_TYPE : NOTARY_JWS_MEDIA_TYPE, subject, trust);
  if (checked.ok || checked.problem !== 'digest-mismatch' || 'malformed' in parsed) return { ...checked, digest };
  // The signature verified, so its payload is the signer's: say what it signs instead of this file.
  const target = targetArtifact(parsed.payload);
  if (typeof target === 'string') return { ...checked, digest };
  const reason =
    target.digest !== digest || target.size !== blob.length
      ? `the signature is not over this file: it signs ${target.digest} (${target.size} bytes), not ${digest} (${blob.length} bytes)`
      : `the file is signed as ${JSON.stringify(target.mediaType)}, not ${JSON.stringify(mediaType)} (the media type asked)`;
  return { ...checked, reason, digest };
}
