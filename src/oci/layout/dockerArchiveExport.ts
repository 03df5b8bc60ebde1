import type { Descriptor, ImageIndex, ImageManifest } from '../descriptor';
import { goQuote } from '../encoding/goJson';
import { OciError } from '../errors';
import { isConfigMediaType, isImageIndex, isImageManifest } from '../mediaType';
import { type PlatformPattern, platformList } from '../platformPattern';
import { selectOnePlatform } from '../platformSelection';
import { isFallbackTag } from '../reference';
import { parseJsonObject } from '../validate';
import type { OciLayoutStore } from './store';
import { blobPath } from './verify';

/** What `layout export --docker` adds beside the OCI layout in the tar, for docker load and docker-archive readers. */
export interface DockerManifestJson {
  /** manifest.json as Docker's json.Encoder writes it (one line, a newline at the end). */
  bytes: Buffer;
  /** Tag to the image manifest it gave (an index's platform picked by `platform`). */
  images: Array<{ tags: string[]; digest: string }>;
  /** Tags not in manifest.json: artifacts (signatures, SBOMs), which docker load cannot take, and indexes without the platform. */
  skipped: Array<{ tag: string; why: string }>;
}

// Docker's repository name: path components of lowercase letters and digits joined by `.`, `_`, `__` or dashes, an
// optional registry host (with a port) in front.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?/)?${COMPONENT}(?:/${COMPONENT})*$`);

/**
 * manifest.json for the tags of a layout, as Docker 25's docker save writes it beside its index.json: per image its
 * `Config` and `Layers` as paths into `blobs/sha256/`, its tags as `REPOSITORY:TAG` in `RepoTags`. Docker before 25
 * and skopeo's `docker-archive:` read only this file. A tag of an index needs `platforms` to pick one image (a docker
 * save tar holds single images); without it the index is refused, naming its platforms.
 */
export async function dockerManifestJson(store: OciLayoutStore, repository: string, platforms?: readonly PlatformPattern[]): Promise<DockerManifestJson> {
  if (!REPOSITORY.test(repository)) {
    throw new OciError('INVALID_ARGUMENT', `--docker ${JSON.stringify(repository)}: not a repository name (lowercase path components, an optional registry host: example.com/team/app)`);
  }
  const images = new Map<string, { tags: string[]; config: string; layers: string[] }>();
  const skipped: DockerManifestJson['skipped'] = [];
  for await (const { tag, desc } of store.taggedDescriptors()) {
    // Fallback-tag indexes list referrers, not images.
    if (isFallbackTag(tag)) continue;
    let image: Descriptor = desc;
    if (isImageIndex(desc.mediaType)) {
      if (!platforms?.length) {
        const index = parseJsonObject(await store.fetchBytes(desc), `index ${desc.digest}`) as unknown as ImageIndex;
        const have = platformList(Array.isArray(index.manifests) ? index.manifests : []);
        throw new OciError('INVALID_ARGUMENT', `tag ${tag} is an index (${have.join(', ') || 'no platforms'}); a docker save tar holds one image per tag: --platform picks it`);
      }
      const picked = await selectOnePlatform(store, desc, platforms).catch((err: unknown) => {
        // An index without that platform (a windows-only tag beside linux ones) is left out, and said.
        if (err instanceof OciError && err.code === 'NOT_FOUND') return err;
        throw err instanceof OciError ? new OciError(err.code, `tag ${tag}: ${err.message}`, { cause: err }) : err;
      });
      if (picked instanceof OciError) {
        skipped.push({ tag, why: picked.message });
        continue;
      }
      image = picked;
    }
    if (!isImageManifest(image.mediaType)) {
      skipped.push({ tag, why: `not an image (${image.mediaType})` });
      continue;
    }
    const manifest = parseJsonObject(await store.fetchBytes(image), `manifest ${image.digest}`) as unknown as ImageManifest;
    if (!isConfigMediaType(manifest.config?.mediaType)) {
      skipped.push({ tag, why: `an artifact (config ${manifest.config?.mediaType}), not an image docker load takes` });
      continue;
    }
    let entry = images.get(image.digest);
    if (!entry) {
      const blobs = [manifest.config, ...(Array.isArray(manifest.layers) ? manifest.layers : [])];
      for (const blob of blobs) {
        // The paths must name files of the tar: a layer that is not in the layout (a foreign layer) is refused.
        if (!(await store.exists(blob))) throw new OciError('NOT_FOUND', `tag ${tag}: ${blob === manifest.config ? 'config' : 'layer'} ${blob.digest} is not in the layout ${store.location}`);
      }
      entry = { tags: [], config: blobPath(manifest.config.digest), layers: blobs.slice(1).map((l) => blobPath(l.digest)) };
      images.set(image.digest, entry);
    }
    entry.tags.push(tag);
  }
  const list = (items: string[]) => `[${items.map(goQuote).join(',')}]`;
  const items = [...images.values()].map((i) => `{"Config":${goQuote(i.config)},"RepoTags":${list(i.tags.map((t) => `${repository}:${t}`))},"Layers":${list(i.layers)}}`);
  return {
    bytes: Buffer.from(`[${items.join(',')}]\n`),
    images: [...images].map(([digest, i]) => ({ tags: i.tags, digest })),
    skipped,
  };
}
