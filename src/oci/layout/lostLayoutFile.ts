// A layout folder that lost its `oci-layout` while its index.json is still there: readers refuse it, and a writer
// writes the file back at its first write (openLayoutFolder's one rule, as oras-go's store does). This gives that
// restore to a face that offers it on its own: the Layouts view's "Restore the oci-layout file".
// fs.promises, not node:fs/promises: loaded on first use, not at every CLI start (cliStartup.test.ts).
import { promises as fsp } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { isAlgorithmName } from '../digest';
import { INDEX_FILE, OCI_LAYOUT_FILE, openLayoutFolder, type LayoutFileRestore } from './atomicFiles';
import { DirSource } from './source';

export interface LostLayoutFile {
  /** The `oci-layout` path the restore writes. */
  file: string;
  /** Writes it as oras-go does (`{"imageLayoutVersion":"1.0.0"}`), never over one another process wrote meanwhile. */
  restore: LayoutFileRestore;
}

/**
 * The lost `oci-layout` of the layout folder `dir`, and its restore; undefined when the file is there and good.
 * Throws, with the core's reason, what a reader would (not a layout at all, an oci-layout that says another version).
 */
export async function lostLayoutFile(dir: string): Promise<LostLayoutFile | undefined> {
  const root = resolvePath(dir);
  const restore = await openLayoutFolder(new DirSource(root), root, 'write');
  return restore && { file: join(root, OCI_LAYOUT_FILE), restore };
}

/**
 * Whether `dir` has a layout's shape without its `oci-layout`: an index.json file and a blobs folder holding an
 * algorithm folder (blobs/sha256, which every layout writer makes). Only stats and one listing of blobs/, so a
 * search can ask it of every index.json it finds; another project's index.json has no blobs/ beside it.
 */
export async function lostLayoutShape(dir: string): Promise<boolean> {
  const isFile = (p: string) => fsp.stat(p).then((s) => s.isFile(), () => false);
  if (!(await isFile(join(dir, INDEX_FILE))) || (await isFile(join(dir, OCI_LAYOUT_FILE)))) return false;
  const algorithms = await fsp.readdir(join(dir, 'blobs'), { withFileTypes: true }).catch(() => []);
  return algorithms.some((e) => e.isDirectory() && isAlgorithmName(e.name));
}
