import { Readable } from 'node:stream';
import { repositoryScope } from '../auth/scope';
import type { Descriptor } from '../descriptor';
import { verifyBytes } from '../digest';
import { OciError } from '../errors';
import { ChunkReader } from './chunkReader';
import { type RegistryClient, type RegistryResponse, responseError } from './client';

export interface UploadOptions {
  signal?: AbortSignal;
  /** Blobs larger than this go up in PATCH chunks of this size; smaller ones in one PUT. */
  chunkSize: number;
  /** Ask the registry to mount the blob from this repository (same registry) instead of uploading it. */
  mountFrom?: string;
}

export type UploadResult = 'uploaded' | 'mounted';

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
  let location = uploadLocation(opened, what);
  const body = typeof content === 'function' ? await content() : content;
  try {
    if (body instanceof Uint8Array) {
      verifyBytes(body, desc, ` (push to ${client.registry}/${repository})`);
      const put = await client.expect(
        { method: 'PUT', url: withDigest(location, desc.digest), headers: octetHeaders(body.byteLength), body: Buffer.from(body.buffer, body.byteOffset, body.byteLength), scopes, signal: options.signal },
        [201, 204],
        what,
      );
      await put.body.dump().catch(() => undefined);
      return 'uploaded';
    }
    const reader = new ChunkReader(body, what);
    try {
      if (desc.size <= options.chunkSize) {
        const put = await client.expect(
          { method: 'PUT', url: withDigest(location, desc.digest), headers: octetHeaders(desc.size), body: Readable.from(reader.take(desc.size), { objectMode: false }), scopes, signal: options.signal },
          [201, 204],
          what,
        );
        await put.body.dump().catch(() => undefined);
      } else {
        for (let offset = 0; offset < desc.size; offset += options.chunkSize) {
          const length = Math.min(options.chunkSize, desc.size - offset);
          const patch = await client.expect(
            {
              method: 'PATCH',
              url: location,
              headers: { ...octetHeaders(length), 'content-range': `${offset}-${offset + length - 1}` },
              body: Readable.from(reader.take(length), { objectMode: false }),
              scopes,
              signal: options.signal,
            },
            [202, 204],
            what,
          );
          await patch.body.dump().catch(() => undefined);
          location = uploadLocation(patch, what, location);
        }
        const put = await client.expect({ method: 'PUT', url: withDigest(location, desc.digest), headers: { 'content-length': '0' }, scopes, signal: options.signal }, [201, 204], what);
        await put.body.dump().catch(() => undefined);
      }
      await reader.end();
    } catch (err) {
      await reader.cancel();
      throw err;
    }
    return 'uploaded';
  } catch (err) {
    // Best effort: the registry would purge it later anyway, and the blob was never committed.
    await client.send({ method: 'DELETE', url: location, scopes, headers: {} }).then((r) => r.body.dump(), () => undefined).catch(() => undefined);
    throw err;
  }
}

function octetHeaders(length: number): Record<string, string> {
  return { 'content-type': 'application/octet-stream', 'content-length': String(length) };
}

function uploadLocation(res: RegistryResponse, what: string, previous?: string): string {
  const location = res.header('location');
  if (!location) {
    if (previous) return previous;
    throw new OciError('INVALID_ARGUMENT', `${what}: the registry opened an upload without a Location`);
  }
  return new URL(location, res.url).toString();
}

/** The upload URL with `digest=` added, keeping the registry's own query (its upload state). */
function withDigest(location: string, digest: string): string {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url.toString();
}
