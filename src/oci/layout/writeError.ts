import { OciError } from '../errors';

/**
 * A file-system error met while writing to a layout, as an error that says which layout and what was being
 * written: a full disk and a read-only (or not writable) folder are named as such instead of by a bare errno
 * message (Node's recursive mkdir even reports ENOENT on a read-only mount). Other errors are returned as they are.
 */
export function layoutWriteError(err: unknown, location: string, what: string): unknown {
  if (err instanceof OciError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOSPC':
      return new OciError('NO_SPACE', `layout ${location}: writing ${what}: no space left on device (ENOSPC)`, { cause: err });
    case 'EDQUOT':
      return new OciError('NO_SPACE', `layout ${location}: writing ${what}: disk quota exceeded (EDQUOT)`, { cause: err });
    case 'EROFS':
      return new OciError('READ_ONLY', `layout ${location} is read-only (EROFS): cannot write ${what}`, { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new OciError('READ_ONLY', `layout ${location} is read-only for this user (${code}): cannot write ${what}`, { cause: err });
    default:
      return err;
  }
}
