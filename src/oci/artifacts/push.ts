import { isAbsolute, posix, win32 } from 'node:path';
import { ANNOTATION_TITLE, type Descriptor, type Platform } from '../descriptor';
import { digestOf } from '../digest';
import { encodePlatform } from '../encoding/goJson';
import { OciError } from '../errors';
import { checkManifestSize } from '../manifestLimit';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, isValidMediaType, MediaType } from '../mediaType';
import { DEFAULT_FILE_MEDIA_TYPE, defaultTitle, type AttachFile } from '../referrers/attachFiles';
import { packArtifactManifest, type PackedManifest } from '../referrers/pack';
import { inOrder } from '../inOrder';
import type { OpOptions, Target } from '../target';
import { ANNOTATION_CONTENT_DIGEST, ANNOTATION_CONTENT_UNPACK, isDirectory } from './files';
import { makeStager, publisher, type PublishEvent, type Staged } from './stager';

/** oras's artifact type when neither --artifact-type nor --config is given. */
export const UNKNOWN_ARTIFACT_TYPE = 'application/vnd.unknown.artifact.v1';
/** oras's media type of a --config file given without one. */
export const UNKNOWN_CONFIG_TYPE = 'application/vnd.unknown.config.v1+json';

export interface PushArtifactOptions extends OpOptions {
  /** Tags to point at the manifest; none pushes it by digest only. */
  tags?: string[];
  files?: AttachFile[];
  /** `--artifact-type`; oras's unknown artifact type when absent and no config is given. */
  artifactType?: string;
  /** `--config FILE[:TYPE]`: without an artifact type the manifest is image-spec 1.0, as oras packs it. */
  config?: { path: string; mediaType?: string };
  /**
   * The image-spec the manifest follows, as oras's `--image-spec`. v1.1: an `artifactType` field (oras's unknown
   * type when none is given and there is no config). v1.0: no such field; the artifact type is the config's media
   * type (an empty `{}` config of that type, oras's unknown config type when none is given), and no empty layer
   * stands in for no file. Default: v1.0 when a config is given without an artifact type, else v1.1.
   */
  imageSpec?: ImageSpecVersion;
  /**
   * The platform the artifact is for (oras 1.3's `--artifact-platform`): the config is that platform as JSON, of
   * the image config media type, so clients that pick a manifest by its config's platform find it. Not with `config`.
   */
  platform?: Platform;
  annotations?: Record<string, string>;
  configAnnotations?: Record<string, string>;
  /** Files read, and blobs stored, at a time (3, as oras). */
  concurrency?: number;
  /** Allow absolute paths and `..` in file names (they become the titles). */
  disablePathValidation?: boolean;
  onEvent?: (event: PushEvent) => void;
  /** Called as each source file is read (staged), with the bytes read of it so far. */
  onRead?: (path: string, bytes: number) => void;
  now?: () => Date;
}

export type PushEvent = PublishEvent;

export type ImageSpecVersion = 'v1.1' | 'v1.0';

/** oras push's default: three files read and sent at a time. */
export const PUSH_CONCURRENCY = 3;

export interface PushArtifactResult extends PackedManifest {
  tags: string[];
}

/** Refuses a name that is absolute or, once cleaned, climbs out of the current folder, unless validation is off. */
export function checkPushPath(path: string, disable = false): void {
  if (disable) return;
  if (isAbsolute(path) || posix.isAbsolute(path) || win32.isAbsolute(path)) {
    throw new OciError('PATH_ESCAPE', `absolute file path detected: ${path}; if it is intended, use --disable-path-validation`);
  }
  // Judged as cleaned (the title stored): `./a/../b` stays inside, `a/../../b` does not.
  if (defaultTitle(path).split('/').includes('..')) {
    throw new OciError('PATH_ESCAPE', `file path ${path} goes outside the current folder (..); if it is intended, use --disable-path-validation`);
  }
}

/**
 * The image-spec a push packs, refusing the combinations oras refuses: v1.1 given with a config and no artifact
 * type (the type is what says an artifact is one); v1.0 with a config and an artifact type, or a platform and an
 * artifact type (1.0 has only the config's media type to carry it); a platform with a config (it is the config).
 */
export function imageSpecOf(options: Pick<PushArtifactOptions, 'imageSpec' | 'config' | 'artifactType' | 'platform'>): ImageSpecVersion {
  const { imageSpec, config, artifactType, platform } = options;
  if (imageSpec !== undefined && imageSpec !== 'v1.1' && imageSpec !== 'v1.0') {
    throw new OciError('INVALID_ARGUMENT', `unknown image-spec ${JSON.stringify(imageSpec)}: use v1.1 or v1.0`);
  }
  if (config && platform) throw new OciError('INVALID_ARGUMENT', 'a config and an artifact platform cannot both be given: the platform is written as the config');
  const spec = imageSpec ?? (config && artifactType === undefined ? 'v1.0' : 'v1.1');
  if (spec === 'v1.1' && config && artifactType === undefined) {
    throw new OciError('INVALID_ARGUMENT', 'an image-spec v1.1 artifact with a config needs an artifact type: give one, or use image-spec v1.0');
  }
  if (spec === 'v1.0' && config && artifactType !== undefined) throw new OciError('INVALID_ARGUMENT', 'an artifact type and a config cannot both be given for an image-spec v1.0 manifest');
  if (spec === 'v1.0' && platform && artifactType !== undefined) {
    throw new OciError('INVALID_ARGUMENT', 'an artifact type cannot be given for an image-spec v1.0 manifest with a platform (its config says the platform); use image-spec v1.1, or no artifact type');
  }
  return spec;
}

/** The layer's title: given, or set by the annotation file (oras lets it rename the file), or the cleaned path. */
function titleOf(f: AttachFile): string {
  return f.title ?? f.annotations?.[ANNOTATION_TITLE] ?? defaultTitle(f.path);
}

/**
 * `oras push`: packs files (folders as tar+gzip, as oras does) into an artifact manifest and pushes it.
 * Every file is read once, into a private staging copy while it is hashed; a missing file, or one that
 * changes while it is read, refuses the push before anything is pushed, so nothing is tagged or listed.
 */
export async function pushArtifact(target: Target, options: PushArtifactOptions): Promise<PushArtifactResult> {
  const emit = options.onEvent ?? (() => {});
  const op: OpOptions = { signal: options.signal };
  const stageOp = { signal: options.signal, onProgress: options.onRead };
  const files = options.files ?? [];
  let artifactType = options.artifactType;
  if (artifactType !== undefined && !isValidMediaType(artifactType)) throw new OciError('INVALID_ARGUMENT', `${artifactType}: invalid media type`);
  const spec = imageSpecOf(options);
  // v1.0 has no artifactType field: the type goes in the config's mediaType.
  if (spec === 'v1.1' && artifactType === undefined && !options.config) artifactType = UNKNOWN_ARTIFACT_TYPE;
  const configType = spec === 'v1.0' ? artifactType : undefined;
  if (spec === 'v1.0') artifactType = undefined;
  const titles = new Set<string>();
  for (const f of files) {
    checkPushPath(f.path, options.disablePathValidation);
    if (f.title === undefined && f.annotations?.[ANNOTATION_TITLE] !== undefined) checkPushPath(titleOf(f), options.disablePathValidation);
    if (f.mediaType !== undefined && !isValidMediaType(f.mediaType)) throw new OciError('INVALID_ARGUMENT', `${f.path}: ${JSON.stringify(f.mediaType)}: invalid media type`);
    const title = titleOf(f);
    if (titles.has(title)) throw new OciError('INVALID_ARGUMENT', `${title}: duplicate file name`);
    titles.add(title);
  }
  if (options.config?.mediaType !== undefined && !isValidMediaType(options.config.mediaType)) {
    throw new OciError('INVALID_ARGUMENT', `${options.config.path}: ${JSON.stringify(options.config.mediaType)}: invalid media type`);
  }

  const atOnce = options.concurrency ?? PUSH_CONCURRENCY;
  const stager = await makeStager(target, stageOp);
  // Everything is read (and staged) before anything is published: a refusal leaves nothing visible. A few files
  // are read at a time; each is listed in `staged` as soon as it is held, so a failure discards every one.
  const staged: Staged[] = [];
  const held = (one: Staged): Staged => (staged.push(one), one);
  try {
    // The files, then the config (never a folder).
    const sources = files.map((f): { path: string; title?: string } => ({ path: f.path, title: titleOf(f) }));
    if (options.config) sources.push({ path: options.config.path });
    const read = await inOrder(sources, { atOnce, signal: options.signal }, async (f, signal) => {
      if (f.title !== undefined && (await isDirectory(f.path))) return { one: held(await stager.directory(f.path, f.title, signal)), folder: true };
      return { one: held(await stager.file(f.path, signal)), folder: false };
    });
    const layers = files.map((f, i) => {
      const { one, folder } = read[i]!;
      const annotations: Record<string, string> = { ...(f.annotations ?? {}) };
      let desc: Descriptor;
      if (folder) {
        annotations[ANNOTATION_CONTENT_DIGEST] = one.contentDigest!;
        annotations[ANNOTATION_CONTENT_UNPACK] = 'true';
        desc = { mediaType: f.mediaType ?? MediaType.ImageLayerGzip, digest: one.digest, size: one.size };
      } else {
        desc = { mediaType: f.mediaType ?? DEFAULT_FILE_MEDIA_TYPE, digest: one.digest, size: one.size };
      }
      annotations[ANNOTATION_TITLE] = titleOf(f);
      desc.annotations = annotations;
      return { name: titleOf(f), desc, staged: one };
    });
    const configAnnotations = options.configAnnotations && Object.keys(options.configAnnotations).length > 0 ? { ...options.configAnnotations } : undefined;
    let config: { desc: Descriptor; content: Staged | Buffer } | undefined;
    if (options.config) {
      const one = read[files.length]!.one;
      config = { desc: { mediaType: options.config.mediaType ?? UNKNOWN_CONFIG_TYPE, digest: one.digest, size: one.size }, content: one };
    } else if (options.platform) {
      const bytes = Buffer.from(encodePlatform(options.platform), 'utf8');
      config = { desc: { mediaType: MediaType.ImageConfig, digest: digestOf(bytes), size: bytes.length }, content: bytes };
    } else if (spec === 'v1.0') {
      // oras-go's 1.0 packing: the `{}` blob under the artifact type, without the empty descriptor's `data`.
      config = { desc: { mediaType: configType ?? UNKNOWN_CONFIG_TYPE, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length }, content: EMPTY_JSON };
    }
    if (config && configAnnotations) config.desc.annotations = configAnnotations;
    const packed = packArtifactManifest({
      artifactType,
      config: config?.desc,
      configAnnotations: options.configAnnotations,
      layers: layers.map((l) => l.desc),
      annotations: options.annotations,
      now: options.now,
    });
    checkManifestSize('artifact manifest', packed.raw.length); // before anything is published

    const publish = publisher(target, op, emit);
    const blobs: { name: string; desc: Descriptor; content: Staged | Buffer }[] = [
      config ? { name: 'config', desc: config.desc, content: config.content } : { name: 'config', desc: packed.manifest.config, content: EMPTY_JSON },
      ...layers.map((l) => ({ name: l.name, desc: l.desc, content: l.staged })),
    ];
    if (layers.length === 0 && packed.manifest.layers.length > 0) blobs.push({ name: 'empty', desc: packed.manifest.layers[0]!, content: EMPTY_JSON });
    // A few at a time too: each ends in an fsync (a layout) or a round trip (a registry); the manifest after all.
    await inOrder(blobs, { atOnce, signal: options.signal }, (b) => publish(b.name, b.desc, b.content));
    const manifestDesc: Descriptor = { mediaType: packed.desc.mediaType, digest: packed.desc.digest, size: packed.desc.size };
    await target.push(manifestDesc, packed.raw, op);
    const tags = options.tags ?? [];
    for (const tag of tags) await target.tag(manifestDesc, tag, op);
    return { ...packed, tags };
  } finally {
    for (const one of staged) await one.discard().catch(() => undefined);
    await stager.dispose();
  }
}
