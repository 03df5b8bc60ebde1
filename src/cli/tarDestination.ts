import { statSync } from 'node:fs';
import { beginLayoutTarExport, type LayoutTarExport } from '../oci/layout/tarExport';
import { parseLayoutReference } from '../oci/reference';
import { openedTarget, type OpenedTarget } from './targets';

/**
 * Whether a `--to-oci-layout` destination names a layout tar to write: its path ends in `.tar` and is not a folder
 * (a layout folder that happens to be named `x.tar` is written as a folder, as before).
 */
export function isTarDestination(raw: string): boolean {
  const { path } = parseLayoutReference(raw, { allowTagList: true });
  return /\.tar$/i.test(path) && !statSync(path, { throwIfNoEntry: false })?.isDirectory();
}

/**
 * `cp ... --to-oci-layout out.tar[:tag]`: the copy goes into a fresh layout staged beside the tar, which
 * `export.finish()` writes as a deterministic tar under the name (replacing any file there) once the copy is done.
 */
export async function openTarDestination(raw: string): Promise<{ opened: OpenedTarget; export: LayoutTarExport }> {
  const ref = parseLayoutReference(raw, { allowTagList: true });
  const tarExport = await beginLayoutTarExport(ref.path);
  return {
    export: tarExport,
    opened: openedTarget(tarExport.store, { kind: 'layout', path: ref.path }, ref),
  };
}
