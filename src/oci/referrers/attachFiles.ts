import { posix, win32 } from 'node:path';
import { ANNOTATION_TITLE, type Descriptor } from '../descriptor';
import { OciError } from '../errors';
import { isValidMediaType, MediaType } from '../mediaType';
import { statSource } from '../artifacts/files';

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
 * Checks that the file is there and is a regular file, before anything is read or written: a missing file
 * refuses the whole command with nothing stored.
 */
export async function checkReadable(file: AttachFile): Promise<void> {
  checkFile(file);
  if (!(await statSource(file.path)).isFile()) throw new OciError('INVALID_ARGUMENT', `${file.path}: not a regular file`);
}

/** The layer a file becomes, once read: its media type, digest, size and title. */
export function fileLayer(file: AttachFile, content: { digest: string; size: number }): Descriptor {
  const annotations: Record<string, string> = { ...(file.annotations ?? {}) };
  annotations[ANNOTATION_TITLE] = file.title ?? file.annotations?.[ANNOTATION_TITLE] ?? defaultTitle(file.path);
  return { mediaType: file.mediaType ?? DEFAULT_FILE_MEDIA_TYPE, digest: content.digest, size: content.size, annotations };
}
