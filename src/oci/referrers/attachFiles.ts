import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { posix, win32 } from 'node:path';
import { ANNOTATION_TITLE, type Descriptor } from '../descriptor';
import { OciError } from '../errors';
import { isValidMediaType, MediaType } from '../mediaType';
import type { OpOptions } from '../target';

/** A file to attach: each becomes one layer of the artifact, named by `org.opencontainers.image.title`. */
export interface AttachFile {
  path: string;
  /** The layer's media type; oras's default for files when absent. */
  mediaType?: string;
  /** The title; the path as given (cleaned, forward slashes) when absent, as oras names files. */
  title?: string;
  /** Further annotations of this layer (from an annotation file). */
  annotations?: Record<string, string>;
}

/** What oras's file store gives a file without a media type. */
export const DEFAULT_FILE_MEDIA_TYPE = MediaType.ImageLayer;

/** A file checked and hashed, ready to be pushed as a layer. */
export interface PreparedFile {
  path: string;
  /** The layer descriptor, title annotation included. */
  layer: Descriptor;
}

/**
 * Parses `FILE[:mediaType]` as oras does: the last `:` splits off a media type, except a Windows drive
 * letter (`C:\x`), which is part of the path.
 */
export function parseFileReference(ref: string): AttachFile {
  const colon = ref.lastIndexOf(':');
  const isDrive = colon === 1 && /^[A-Za-z]$/.test(ref[0]!) && (ref.length === 2 || ref[2] === '\\' || ref[2] === '/');
  if (colon === -1 || isDrive) {
    if (ref === '') throw new OciError('INVALID_ARGUMENT', `found empty file path in ${JSON.stringify(ref)}`);
    return { path: ref };
  }
  const path = ref.slice(0, colon);
  const mediaType = ref.slice(colon + 1);
  if (path === '') throw new OciError('INVALID_ARGUMENT', `found empty file path in ${JSON.stringify(ref)}`);
  return mediaType === '' ? { path } : { path, mediaType };
}

/** The name oras gives a file: its path cleaned, with forward slashes unless absolute. */
export function defaultTitle(path: string): string {
  if (posix.isAbsolute(path) || win32.isAbsolute(path)) return process.platform === 'win32' ? win32.normalize(path) : posix.normalize(path);
  return posix.normalize(path.replace(/\\/g, '/')).replace(/\/$/, '');
}

/** Refuses what cannot be attached before anything is read: a bad media type. */
export function checkFile(file: AttachFile): void {
  const mediaType = file.mediaType ?? DEFAULT_FILE_MEDIA_TYPE;
  if (!isValidMediaType(mediaType)) {
    throw new OciError('INVALID_ARGUMENT', `${file.path}: ${JSON.stringify(mediaType)}: invalid media type`);
  }
}

/**
 * Checks that the file is a regular file and hashes it while streaming (never whole in memory), so the
 * layer descriptor is known before anything is pushed.
 */
export async function prepareFile(file: AttachFile, options: OpOptions = {}): Promise<PreparedFile> {
  checkFile(file);
  let stat;
  try {
    stat = await fs.stat(file.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new OciError('NOT_FOUND', `${file.path}: no such file`, { cause: err });
    throw new OciError('INVALID_ARGUMENT', `${file.path}: cannot read: ${(err as Error).message}`, { cause: err });
  }
  if (!stat.isFile()) throw new OciError('INVALID_ARGUMENT', `${file.path}: not a regular file`);
  const hash = createHash('sha256');
  let size = 0;
  const stream = createReadStream(file.path, { signal: options.signal });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  const annotations: Record<string, string> = { ...(file.annotations ?? {}) };
  annotations[ANNOTATION_TITLE] = file.title ?? file.annotations?.[ANNOTATION_TITLE] ?? defaultTitle(file.path);
  return {
    path: file.path,
    layer: { mediaType: file.mediaType ?? DEFAULT_FILE_MEDIA_TYPE, digest: `sha256:${hash.digest('hex')}`, size, annotations },
  };
}
