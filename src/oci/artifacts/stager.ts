import { createReadStream, type Stats } from 'node:fs';
import type { Readable, Transform } from 'node:stream';
import { stream } from '../nodeStream';
import type { Descriptor } from '../descriptor';
import { OciError } from '../errors';
import { pooledFileStream } from '../pooledRead';
import { isBlobMounter, type BlobMounter, type OpOptions, type StagedBlob, type Target } from '../target';
import { createHash } from '../nodeCrypto';
import { giveBack } from '../lentBuffers';
import { checkUnchanged, createStaging, packDirectory, stageDirectory, stageFile, statSource, type StagedContent, type StageOptions, type Staging } from './files';

/**
 * How push and attach read each file once: hashed as it is written into the target's staging (`Target.stage`:
 * a layout's temp file, a registry's upload session) or, for a target without it, into a private copy.
 */
export async function makeStager(target: Target, options: StageOptions): Promise<Stager> {
  return target.stage ? targetStager(target, options) : privateStager(target, options);
}

export type PublishEvent =
  | { type: 'exists'; name: string; desc: Descriptor }
  | { type: 'uploading'; name: string; desc: Descriptor }
  | { type: 'uploaded'; name: string; desc: Descriptor };

/**
 * Makes staged content (or bytes) visible in the target, each digest once: content the target already holds is
 * discarded (reported as existing) rather than stored again. Safe to call a few at a time: a second call for a
 * digest waits for the first and discards its own content.
 */
export function publisher(target: Target, op: OpOptions, emit: (event: PublishEvent) => void): (name: string, desc: Descriptor, content: Staged | Buffer) => Promise<void> {
  const published = new Map<string, Promise<void>>();
  const publishOnce = async (name: string, desc: Descriptor, content: Staged | Buffer): Promise<void> => {
    const plain: Descriptor = { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
    if (await target.exists(plain, op)) {
      if (!Buffer.isBuffer(content)) await content.discard();
      emit({ type: 'exists', name, desc });
      return;
    }
    emit({ type: 'uploading', name, desc });
    if (Buffer.isBuffer(content)) await target.push(plain, content, op);
    else await content.publish(plain);
    emit({ type: 'uploaded', name, desc });
  };
  return async (name, desc, content) => {
    const first = published.get(desc.digest);
    if (first) {
      if (!Buffer.isBuffer(content)) await content.discard();
      return first;
    }
    const once = publishOnce(name, desc, content);
    published.set(desc.digest, once);
    return once;
  };
}

/** One file or folder read and held, not yet visible in the target. */
export interface Staged {
  digest: string;
  size: number;
  contentDigest?: string;
  /** Makes it visible in the target as `desc`. */
  publish(desc: Descriptor): Promise<void>;
  /** Drops what is held (a no-op once published). */
  discard(): Promise<void>;
}

/** `signal`, when given, stops this one read (a push stops the others' once one fails) besides the stager's own. */
export interface Stager {
  file(path: string, signal?: AbortSignal): Promise<Staged>;
  directory(path: string, name: string, signal?: AbortSignal): Promise<Staged>;
  dispose(): Promise<void>;
}

/** A counting pass-through that reports progress, so a file's bytes read are known (and observable). */
function counting(path: string, onProgress?: (path: string, bytes: number) => void): Transform & { bytes: number } {
  const t = new (stream().Transform)({
    transform(chunk: Buffer, _e, done) {
      t.bytes += chunk.length;
      done(null, chunk);
      onProgress?.(path, t.bytes);
    },
  }) as Transform & { bytes: number };
  t.bytes = 0;
  return t;
}

/**
 * The target's own staging (`Target.stage`): each file is hashed as it is written into the layout's temp file
 * or the registry's upload session, in one read; `publish` commits it under its digest.
 */
function targetStager(target: Target, stagerOptions: StageOptions): Stager {
  const packedFirstCopies = new Set<Staging>();
  const wrap = (s: StagedBlob, contentDigest?: string): Staged => ({
    digest: s.digest,
    size: s.size,
    contentDigest,
    publish: () => s.commit({ signal: stagerOptions.signal }),
    discard: () => s.abort(),
  });
  return {
    async file(path, signal) {
      const options = withSignal(stagerOptions, signal);
      const before = await statSource(path);
      if (!before.isFile()) throw new OciError('INVALID_ARGUMENT', `${path}: not a regular file`);
      if (isBlobMounter(target) && before.size <= HASH_FIRST_LIMIT) return hashedFirst(target, path, before, options, stagerOptions.signal);
      // Pooled buffers: a registry's upload gives each back once sent (a layout's temp file leaves them to the GC).
      const source = await pooledFileStream(path, options.signal);
      const count = counting(path, options.onProgress);
      source.on('error', (err) => count.destroy(err));
      count.on('close', () => source.destroy()); // a target that stops reading does not leave the file open
      const s = await target.stage!(heard(source.pipe(count)), { signal: options.signal });
      try {
        checkUnchanged(path, before, await statSource(path), s.size);
      } catch (err) {
        await s.abort();
        throw err;
      }
      return wrap(s);
    },
    async directory(path, name, signal) {
      const options = withSignal(stagerOptions, signal);
      if (isBlobMounter(target)) return packedFirst(target, path, name, packedFirstCopies, options, stagerOptions.signal);
      // A layout: packed straight into its temp file, which is as private, and stored once under its digest.
      const packed = packDirectory(path, name, options);
      let s: StagedBlob;
      try {
        s = await target.stage!(heard(packed.stream), { signal: options.signal });
      } catch (err) {
        throw await packed.failure(err);
      }
      let contentDigest: string;
      try {
        contentDigest = await packed.contentDigest;
      } catch (err) {
        await s.abort();
        throw err;
      }
      return wrap(s, contentDigest);
    },
    // What a caller neither published nor discarded (it does both, even on error: this is for safety).
    dispose: () => Promise.all([...packedFirstCopies].map((c) => c.dispose())).then(() => undefined),
  };
}

/**
 * Content for `Target.stage`, which may set itself up (a layout takes its lock) before it reads: a stop or a read
 * error meanwhile would be an uncaught error. The stream keeps its error, so the stage still fails with it.
 */
function heard<T extends Readable>(content: T): T {
  return content.on('error', () => {});
}

/**
 * Files up to this size are hashed before they are sent to a registry, so one it holds already is only asked for
 * (HEAD) and never sent, as oras does: pushing an unchanged SBOM again sends nothing. The second read comes from
 * the page cache; a larger file (a model, a disk image) is hashed as it is sent, in one read, as before.
 */
export const HASH_FIRST_LIMIT = 64 << 20;

/**
 * A file hashed now and sent on `publish` by the digest found, from a stream the registry's upload may reopen
 * (BlobMounter.pushBlob): the registry checks the bytes against that digest, and a file changed in between is
 * refused, named, as a file changed while it is staged is.
 */
async function hashedFirst(target: Target & BlobMounter, path: string, before: Stats, options: StageOptions, publishSignal: AbortSignal | undefined): Promise<Staged> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of await pooledFileStream(path, options.signal)) {
    const piece = chunk as Buffer;
    hash.update(piece);
    size += piece.length;
    options.onProgress?.(path, size);
    giveBack(piece);
  }
  const unchanged = async () => checkUnchanged(path, before, await statSource(path), size);
  await unchanged();
  const digest = `sha256:${hash.digest('hex')}`;
  return {
    digest,
    size,
    async publish(desc) {
      await unchanged();
      try {
        // Sent under the push's own signal, as a staged upload is committed: this read's was for the reading.
        await target.pushBlob(desc, () => stoppableStream(path, publishSignal), { signal: publishSignal });
      } catch (err) {
        await unchanged(); // a file changed while it was sent is said as such, not as the registry's digest error
        // Else the registry's error, led by the file: a digest it found wrong means bytes rewritten within the file's
        // time stamp (no stat can tell); any other failure is still this file's.
        if (!(err instanceof OciError) || publishSignal?.aborted) throw err;
        throw new OciError(err.code, `${path}: ${err.message}`, { cause: err, registry: err.registry });
      }
    },
    discard: async () => {},
  };
}

/**
 * A folder to a registry: packed once into a private temp file while it is hashed (as oras-go packs a folder before
 * it pushes), so the registry is asked first (HEAD, by the publisher) and a folder it holds is never sent: a re-push
 * of an unchanged folder sends nothing, as for a file (packing is deterministic: sorted entries, the files' own
 * mtimes, uid/gid 0, a gzip header without a time). No size limit: the copy is compressed, in the OS's temp folder
 * (TMPDIR), and removed once sent or dropped, or when the packing fails or is stopped.
 *
 * What is sent is that temp file, never the folder: a file of the folder changed after it was packed cannot make
 * the upload differ from the digest claimed (consistent by construction), and a resumed upload reopens the very
 * bytes that were hashed. A file changed while it is packed refuses the push, as before.
 */
async function packedFirst(
  target: Target & BlobMounter,
  path: string,
  name: string,
  copies: Set<Staging>,
  options: StageOptions,
  publishSignal: AbortSignal | undefined,
): Promise<Staged> {
  const staging = await createStaging();
  let removed: Promise<void> | undefined;
  const remove = () => {
    copies.delete(staging);
    return (removed ??= staging.dispose());
  };
  copies.add(staging);
  let packed: StagedContent;
  try {
    packed = await stageDirectory(path, name, staging, options);
  } catch (err) {
    await remove();
    throw err;
  }
  return {
    digest: packed.digest,
    size: packed.size,
    contentDigest: packed.contentDigest,
    async publish(desc) {
      try {
        // Sent under the push's own signal, as a staged upload is committed: this read's was for the packing.
        await target.pushBlob(desc, () => stoppableStream(packed.path, publishSignal), { signal: publishSignal });
      } catch (err) {
        if (!(err instanceof OciError) || publishSignal?.aborted) throw err;
        throw new OciError(err.code, `${path}: ${err.message}`, { cause: err, registry: err.registry });
      } finally {
        await remove();
      }
    },
    discard: remove,
  };
}

/**
 * A file for `pushBlob` to send, closed when the push is stopped. Destroyed without an error: a stream failed by the
 * signal while it is opened, before the upload listens to it, is an uncaught error (the upload fails on the signal
 * itself). A stop while it opens closes it and rejects.
 */
async function stoppableStream(path: string, signal: AbortSignal | undefined): Promise<Readable> {
  signal?.throwIfAborted();
  const s = await pooledFileStream(path);
  if (!signal) return s;
  if (signal.aborted) {
    s.destroy();
    signal.throwIfAborted();
  }
  const stop = () => s.destroy();
  signal.addEventListener('abort', stop, { once: true });
  s.once('close', () => signal.removeEventListener('abort', stop));
  return s;
}

/** For a target without `stage`: each file copied into a private folder while hashed, pushed from there. */
async function privateStager(target: Target, options: StageOptions): Promise<Stager> {
  const staging: Staging = await createStaging();
  const wrap = (s: StagedContent): Staged => ({
    digest: s.digest,
    size: s.size,
    contentDigest: s.contentDigest,
    publish: (desc) => target.push(desc, createReadStream(s.path, { signal: options.signal }), { signal: options.signal }),
    discard: async () => {},
  });
  return {
    file: async (path, signal) => wrap(await stageFile(path, staging, withSignal(options, signal))),
    directory: async (path, name, signal) => wrap(await stageDirectory(path, name, staging, withSignal(options, signal))),
    dispose: () => staging.dispose(),
  };
}

function withSignal(options: StageOptions, signal: AbortSignal | undefined): StageOptions {
  return signal ? { ...options, signal: options.signal ? AbortSignal.any([options.signal, signal]) : signal } : options;
}
