import type { Readable } from 'node:stream';
import { repositoryScope } from '../auth/scope';
import type { Descriptor } from '../descriptor';
import { verifyBytes } from '../digest';
import { OciError } from '../errors';
import { ChunkReader } from './chunkReader';
import { describeError, type RegistryClient, type RegistryResponse } from './client';
import { redactUrl } from './registryError';
import { isRetryableError } from '../transient';

export interface UploadOptions {
  signal?: AbortSignal;
  /** Blobs larger than this go up in PATCH chunks of this size; smaller ones in one PUT. */
  chunkSize: number;
  /** Ask the registry to mount the blob from this repository (same registry) instead of uploading it. */
  mountFrom?: string;
}

export type UploadResult = 'uploaded' | 'mounted';

/** How long the DELETE of a failed upload session may take. */
const CLEANUP_TIMEOUT_MS = 5000;

/**
 * Uploads one blob (distribution-spec "pushing blobs"): POST opens a session (or mounts the blob from
 * another repository), then one PUT with the content for a small blob, or PATCH chunks with
 * `Content-Range` and a closing PUT for a large one. The registry checks the digest at the PUT and
 * stores nothing under it otherwise; a failed session is cancelled so nothing half-made lingers.
 */
export async function uploadBlob(
  client: RegistryClient,
  repository: string,
  desc: Descriptor,
  content: Readable | Uint8Array | (() => Promise<Readable>),
  options: UploadOptions,
): Promise<UploadResult> {
  const scopes = [repositoryScope(repository, 'pull', 'push')];
  let start = `/v2/${repository}/blobs/uploads/`;
  if (options.mountFrom) {
    scopes.push(repositoryScope(options.mountFrom, 'pull'));
    start += `?mount=${encodeURIComponent(desc.digest)}&from=${encodeURIComponent(options.mountFrom)}`;
  }
  const what = `blob ${desc.digest} (push to ${client.registry}/${repository})`;
  const opened = await client.expect({ method: 'POST', url: start, headers: { 'content-length': '0' }, scopes, signal: options.signal }, [201, 202], what);
  await opened.body.dump().catch(() => undefined);
  if (opened.status === 201) return 'mounted';
  const session = { location: uploadLocation(opened, what) };
  const body = typeof content === 'function' ? await content() : content;
  try {
    if (body instanceof Uint8Array) {
      verifyBytes(body, desc, ` (push to ${client.registry}/${repository})`);
      const put = await client.expect(
        { method: 'PUT', url: withDigest(session.location, desc.digest), headers: octetHeaders(body.byteLength), body: Buffer.from(body.buffer, body.byteOffset, body.byteLength), scopes, signal: options.signal },
        [201, 204],
        what,
      );
      await put.body.dump().catch(() => undefined);
      return 'uploaded';
    }
    if (desc.size <= options.chunkSize) {
      const reader = new ChunkReader(body, what);
      try {
        const put = await client.expect(
          { method: 'PUT', url: withDigest(session.location, desc.digest), headers: octetHeaders(desc.size), body: reader.take(desc.size), scopes, signal: options.signal },
          [201, 204],
          what,
        );
        await put.body.dump().catch(() => undefined);
        await reader.end();
      } catch (err) {
        await reader.cancel();
        throw err;
      }
    } else {
      await uploadChunks(client, desc, body, typeof content === 'function' ? content : undefined, session, { scopes, what, chunkSize: options.chunkSize, signal: options.signal });
      const put = await client.expect({ method: 'PUT', url: withDigest(session.location, desc.digest), headers: { 'content-length': '0' }, scopes, signal: options.signal }, [201, 204], what);
      await put.body.dump().catch(() => undefined);
    }
    return 'uploaded';
  } catch (err) {
    // Best effort: the registry would purge it later anyway, and the blob was never committed. Bounded, and not
    // awaited after a cancel: a stalled registry (often why the user cancelled) must not hold the cancel up.
    const cleanup = client
      .send({ method: 'DELETE', url: session.location, scopes, headers: {}, signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS) })
      .then((r) => r.body.dump(), () => undefined)
      .catch(() => undefined);
    if (!options.signal?.aborted) await cleanup;
    throw err;
  }
}

// Resumes of one chunked upload after dropped connections or failing chunks, before it is started over.
const MAX_RESUMES = 3;

/**
 * PATCHes `desc.size` bytes in chunks. When a chunk fails in a way worth retrying and the source can be
 * opened again (`reopen`), asks the upload session how much it holds (GET -> `Range: 0-<last>`) and
 * goes on from there, re-reading the source up to that offset (so it is still verified whole), instead
 * of starting over. A registry that no longer knows the session (distribution cancels one whose state
 * is stale) makes it fail with the chunk's error: the caller starts a new upload.
 */
async function uploadChunks(
  client: RegistryClient,
  desc: Descriptor,
  first: Readable,
  reopen: (() => Promise<Readable>) | undefined,
  session: { location: string },
  ctx: { scopes: string[]; what: string; chunkSize: number; signal?: AbortSignal },
): Promise<void> {
  let reader = new ChunkReader(first, ctx.what);
  let offset = 0;
  for (let resumes = 0; ; resumes++) {
    try {
      while (offset < desc.size) {
        const length = Math.min(ctx.chunkSize, desc.size - offset);
        const patch = await client.expect(
          {
            method: 'PATCH',
            url: session.location,
            headers: { ...octetHeaders(length), 'content-range': `${offset}-${offset + length - 1}` },
            body: reader.take(length),
            scopes: ctx.scopes,
            signal: ctx.signal,
          },
          [202, 204],
          ctx.what,
        );
        await patch.body.dump().catch(() => undefined);
        session.location = uploadLocation(patch, ctx.what, session.location);
        offset += length;
      }
      await reader.end();
      return;
    } catch (err) {
      await reader.cancel();
      if (!reopen || resumes >= MAX_RESUMES || !isRetryableError(err) || ctx.signal?.aborted) throw err;
      await client.backoff('PATCH', session.location, resumes, undefined, `resuming the upload of ${desc.digest}: ${describeError(err)}`, ctx.signal, MAX_RESUMES + 1);
      const status = await uploadStatus(client, session.location, ctx);
      if (!status || status.offset > desc.size) throw err;
      session.location = status.location;
      offset = status.offset;
      reader = new ChunkReader(await reopen(), ctx.what);
      await reader.skip(offset);
    }
  }
}

/** How many bytes an upload session holds, from its `Range: 0-<last>`, and where to send the rest; undefined when the registry cannot say. */
async function uploadStatus(client: RegistryClient, location: string, ctx: { scopes: string[]; signal?: AbortSignal }): Promise<{ offset: number; location: string } | undefined> {
  let res: RegistryResponse;
  try {
    res = await client.send({ method: 'GET', url: location, headers: {}, scopes: ctx.scopes, signal: ctx.signal });
  } catch {
    return undefined;
  }
  await res.body.dump().catch(() => undefined);
  if (res.status !== 204 && res.status !== 200) return undefined;
  const range = /^(?:bytes=)?0-(\d+)$/.exec((res.header('range') ?? '').trim());
  if (!range) return undefined;
  // "0-0" is how registries say both "nothing yet" and "one byte": take nothing, a wrong guess gets a 416 and a restart.
  const last = Number(range[1]);
  return { offset: last === 0 ? 0 : last + 1, location: uploadLocation(res, '', location) };
}

function octetHeaders(length: number): Record<string, string> {
  return { 'content-type': 'application/octet-stream', 'content-length': String(length) };
}

/** Where an upload goes on: the answer's Location (kept from before when it gives none), refused naming the request when it is no URL. */
export function uploadLocation(res: RegistryResponse, what: string, previous?: string): string {
  const location = res.header('location');
  if (!location) {
    if (previous) return previous;
    throw new OciError('REGISTRY', `${what}: the registry opened an upload without a Location`);
  }
  try {
    return new URL(location, res.url).toString();
  } catch {
    throw new OciError('REGISTRY', `${what}: the Location ${JSON.stringify(redactUrl(location))} the registry gave in answer to ${redactUrl(res.url)} is no URL`);
  }
}

/** The upload URL with `digest=` added, keeping the registry's own query (its upload state). */
function withDigest(location: string, digest: string): string {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url.toString();
}
