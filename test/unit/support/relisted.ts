import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, ImageIndex } from '../../../src/oci/descriptor';
import type { OciLayoutStore } from '../../../src/oci/layout';

/**
 * Tags each of `tagged` in `store`, then rewrites index.json so each tag `relist` names is listed under the type it
 * gives (else as stored): a layout another tool wrote with a manifest listed as the other kind of its document.
 */
export async function tagRelisted(store: OciLayoutStore, tagged: Record<string, Descriptor>, relist: Record<string, string>): Promise<void> {
  for (const [tag, desc] of Object.entries(tagged)) await store.tag(desc, tag);
  const file = join(store.location, 'index.json');
  const index = JSON.parse(readFileSync(file, 'utf8')) as ImageIndex;
  for (const entry of index.manifests) {
    const tag = entry.annotations?.['org.opencontainers.image.ref.name'];
    if (tag && relist[tag]) entry.mediaType = relist[tag]!;
  }
  writeFileSync(file, JSON.stringify(index));
}
