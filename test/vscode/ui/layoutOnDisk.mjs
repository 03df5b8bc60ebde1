// An OCI image layout read straight from disk with plain fs and JSON (no Manifold code), so the UI test checks
// what the view shows and what a command wrote against the files themselves. Blobs are verified by digest.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const REF_NAME = 'org.opencontainers.image.ref.name';
const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

export const isIndex = (desc) => INDEX_TYPES.has(desc.mediaType);
export const shortDigest = (digest) => digest.slice(digest.indexOf(':') + 1).slice(0, 12);
export const formatPlatform = (p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/');

/** Opens the layout at `dir`: its index.json entries, tags, and verified blob reads. */
export async function readLayout(dir) {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  const entries = index.manifests ?? [];
  const tags = new Map(entries.filter((e) => e.annotations?.[REF_NAME]).map((e) => [e.annotations[REF_NAME], e]));
  async function blob(digest) {
    const [algorithm, hex] = digest.split(':');
    const bytes = await readFile(join(dir, 'blobs', algorithm, hex));
    const actual = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
    if (actual !== digest) throw new Error(`blob ${digest} in ${dir} has the digest ${actual}`);
    return bytes;
  }
  const json = async (digest) => JSON.parse((await blob(digest)).toString('utf8'));
  return { dir, index, entries, tags, blob, json };
}

/** An image's platform as `os/arch[/variant]`, from its config blob. */
export async function imagePlatform(layout, desc) {
  const manifest = await layout.json(desc.digest);
  return formatPlatform(await layout.json(manifest.config.digest));
}

/**
 * The rows the Layouts view should show under this layout, read from the files: each tag (sorted) with its short
 * digest and what it is (an image's platform, `multi-arch (p1, p2)` for an index, `index of one platform (p1)`), then `Untagged` with the count
 * of untagged entries when there are any.
 */
export async function expectedTagRows(layout) {
  const rows = [];
  for (const tag of [...layout.tags.keys()].sort()) {
    const desc = layout.tags.get(tag);
    const platforms = isIndex(desc) ? (await layout.json(desc.digest)).manifests.map((m) => formatPlatform(m.platform)) : [];
    const what = !isIndex(desc)
      ? await imagePlatform(layout, desc)
      : platforms.length === 1
        ? `index of one platform (${platforms[0]})`
        : `multi-arch (${platforms.join(', ')})`;
    rows.push({ label: tag, description: `${shortDigest(desc.digest)} · ${what}` });
  }
  const untagged = layout.entries.filter((e) => !e.annotations?.[REF_NAME]).length;
  if (untagged > 0) rows.push({ label: 'Untagged', description: String(untagged) });
  return rows;
}

/** The artifact types of the layout's untagged referrers, by the digest of their subject: { [digest]: [type, ...] }. */
export async function referrersBySubject(layout) {
  const out = {};
  for (const e of layout.entries.filter((x) => !x.annotations?.[REF_NAME])) {
    const m = await layout.json(e.digest);
    if (m.subject) (out[m.subject.digest] ??= []).push(m.artifactType ?? m.config?.mediaType);
  }
  return out;
}
