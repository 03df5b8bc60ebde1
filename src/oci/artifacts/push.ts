import { createReadStream } from 'node:fs';
import { isAbsolute, posix, win32 } from 'node:path';
import { ANNOTATION_TITLE, type Descriptor } from '../descriptor';
import { OciError } from '../errors';
import { EMPTY_JSON, isValidMediaType, MediaType } from '../mediaType';
import { DEFAULT_FILE_MEDIA_TYPE, defaultTitle, type AttachFile } from '../referrers/attachFiles';
import { packArtifactManifest, type PackedManifest } from '../referrers/pack';
import type { OpOptions, Target } from '../target';
import { ANNOTATION_CONTENT_DIGEST, ANNOTATION_CONTENT_UNPACK, createStaging, isDirectory, stageDirectory, stageFile, type Staging } from './files';

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
  annotations?: Record<string, string>;
  configAnnotations?: Record<string, string>;
  /** Allow absolute paths and `..` in file names (they become the titles). */
  disablePathValidation?: boolean;
  onEvent?: (event: PushEvent) => void;
  /** Called as each source file is read (staged), with the bytes read of it so far. */
  onRead?: (path: string, bytes: number) => void;
  now?: () => Date;
}

export type PushEvent =
  | { type: 'exists'; name: string; desc: Descriptor }
  | { type: 'uploading'; name: string; desc: Descriptor }
  | { type: 'uploaded'; name: string; desc: Descriptor };

export interface PushArtifactResult extends PackedManifest {
  tags: string[];
}

/** Refuses a name that is absolute or climbs out of the current folder, unless validation is off. */
export function checkPushPath(path: string, disable = false): void {
  if (disable) return;
  if (isAbsolute(path) || posix.isAbsolute(path) || win32.isAbsolute(path)) {
    throw new OciError('PATH_ESCAPE', `absolute file path detected: ${path}; if it is intended, use --disable-path-validation`);
  }
  if (path.replace(/\\/g, '/').split('/').includes('..')) {
    throw new OciError('PATH_ESCAPE', `file path ${path} goes outside the current folder (..); if it is intended, use --disable-path-validation`);
  }
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
  if (artifactType === undefined && !options.config) artifactType = UNKNOWN_ARTIFACT_TYPE;
  const titles = new Set<string>();
  for (const f of files) {
    checkPushPath(f.path, options.disablePathValidation);
    if (f.mediaType !== undefined && !isValidMediaType(f.mediaType)) throw new OciError('INVALID_ARGUMENT', `${f.path}: ${JSON.stringify(f.mediaType)}: invalid media type`);
    const title = f.title ?? defaultTitle(f.path);
    if (titles.has(title)) throw new OciError('INVALID_ARGUMENT', `${title}: duplicate file name`);
    titles.add(title);
  }
  if (options.config?.mediaType !== undefined && !isValidMediaType(options.config.mediaType)) {
    throw new OciError('INVALID_ARGUMENT', `${options.config.path}: ${JSON.stringify(options.config.mediaType)}: invalid media type`);
  }

  const staging = await createStaging();
  try {
    // Everything is read and staged before the first write.
    const layers: { name: string; desc: Descriptor; path: string }[] = [];
    for (const f of files) {
      const title = f.title ?? defaultTitle(f.path);
      const annotations: Record<string, string> = { ...(f.annotations ?? {}) };
      let desc: Descriptor;
      let path: string;
      if (await isDirectory(f.path)) {
        const staged = await stageDirectory(f.path, title, staging, stageOp);
        annotations[ANNOTATION_CONTENT_DIGEST] = staged.contentDigest!;
        annotations[ANNOTATION_CONTENT_UNPACK] = 'true';
        desc = { mediaType: f.mediaType ?? MediaType.ImageLayerGzip, digest: staged.digest, size: staged.size };
        path = staged.path;
      } else {
        const staged = await stageFile(f.path, staging, stageOp);
        desc = { mediaType: f.mediaType ?? DEFAULT_FILE_MEDIA_TYPE, digest: staged.digest, size: staged.size };
        path = staged.path;
      }
      annotations[ANNOTATION_TITLE] = title;
      desc.annotations = annotations;
      layers.push({ name: title, desc, path });
    }
    let config: { desc: Descriptor; path: string } | undefined;
    if (options.config) {
      const staged = await stageFile(options.config.path, staging, stageOp);
      const desc: Descriptor = { mediaType: options.config.mediaType ?? UNKNOWN_CONFIG_TYPE, digest: staged.digest, size: staged.size };
      if (options.configAnnotations && Object.keys(options.configAnnotations).length > 0) desc.annotations = { ...options.configAnnotations };
      config = { desc, path: staged.path };
    }
    const packed = packArtifactManifest({
      artifactType,
      config: config?.desc,
      configAnnotations: options.configAnnotations,
      layers: layers.map((l) => l.desc),
      annotations: options.annotations,
      now: options.now,
    });

    const pushed = new Set<string>();
    const pushBlob = async (name: string, desc: Descriptor, open: () => Parameters<Target['push']>[1]) => {
      if (pushed.has(desc.digest)) return;
      pushed.add(desc.digest);
      const plain: Descriptor = { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
      if (await target.exists(plain, op)) {
        emit({ type: 'exists', name, desc });
        return;
      }
      emit({ type: 'uploading', name, desc });
      await target.push(plain, open(), op);
      emit({ type: 'uploaded', name, desc });
    };
    if (config) await pushBlob('config', config.desc, () => createReadStream(config.path, { signal: options.signal }));
    else await pushBlob('config', packed.manifest.config, () => EMPTY_JSON);
    for (const l of layers) await pushBlob(l.name, l.desc, () => createReadStream(l.path, { signal: options.signal }));
    if (layers.length === 0 && packed.manifest.layers.length > 0) await pushBlob('empty', packed.manifest.layers[0]!, () => EMPTY_JSON);
    const manifestDesc: Descriptor = { mediaType: packed.desc.mediaType, digest: packed.desc.digest, size: packed.desc.size };
    await target.push(manifestDesc, packed.raw, op);
    const tags = options.tags ?? [];
    for (const tag of tags) await target.tag(manifestDesc, tag, op);
    return { ...packed, tags };
  } finally {
    await staging.dispose();
  }
}
