import { statSync } from 'node:fs';
import { dirname, relative } from 'node:path';
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
    case 'EEXIST':
    case 'ENOTDIR': {
      // A file where the layout needs a folder (blobs/sha256 made a file, say): mkdir says EEXIST, open and rename
      // ENOTDIR, both naming a path below the culprit. EEXIST of anything but mkdir (a `wx` open) is not this.
      const e = err as NodeJS.ErrnoException & { dest?: string };
      if (code === 'EEXIST' && e.syscall !== 'mkdir') return err;
      const path = code === 'EEXIST' ? e.path : notAFolder(location, e.dest ?? e.path);
      if (!path) return err;
      return new OciError('INVALID_LAYOUT', `layout ${location} is damaged: ${relative(location, path) || path} is not a folder (${code}): cannot write ${what}`, { cause: err });
    }
    case 'ELOOP': {
      const e = err as NodeJS.ErrnoException & { dest?: string };
      const path = loopAt(location, e.dest ?? e.path);
      if (!path) return err;
      return new OciError('INVALID_LAYOUT', `layout ${location} is damaged: ${relative(location, path) || path} is a symbolic link that loops (ELOOP): cannot write ${what}`, { cause: err });
    }
    default:
      return err;
  }
}

/** The highest of `path` and its folders inside the layout that cannot be resolved for a loop (the link itself). */
function loopAt(location: string, path: string | undefined): string | undefined {
  const loops = (p: string): boolean => {
    try {
      statSync(p);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ELOOP';
    }
  };
  let at = path;
  while (at && dirname(at) !== location && dirname(at).startsWith(location) && loops(dirname(at))) at = dirname(at);
  return at;
}

/** The nearest folder of `path`, inside the layout, that is in fact something else; undefined when none is found. */
function notAFolder(location: string, path: string | undefined): string | undefined {
  for (let dir = path && dirname(path); dir && dir !== location && dir.startsWith(location); dir = dirname(dir)) {
    try {
      const st = statSync(dir, { throwIfNoEntry: false });
      if (st && !st.isDirectory()) return dir;
    } catch {
      // ENOTDIR higher up: go on to the parent.
    }
  }
  return undefined;
}
