import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Whether `path` is `folder` or lies below it, by path segments: a name that starts with two dots (`..backup.tar`)
 * inside the folder is inside, where a test of the relative path's first two characters takes it for the parent.
 * Lexical: links are not followed (callers that care resolve them first).
 */
export function isWithin(folder: string, path: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
