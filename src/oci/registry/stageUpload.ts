import { createHash } from '../nodeCrypto';
import type { Readable } from 'node:stream';
import { repositoryScope } from '../auth/scope';
import type { OpOptions, StagedBlob } from '../target';
import type { RegistryClient } from './client';
import { uploadLocation } from './blobUpload';
import { pieceSent } from './sentPieces';

/**
 * Streams content of unknown digest into an upload session (POST, then one streamed PATCH), hashing it as it
 * is sent. The registry holds it under no digest until `commit` (the closing PUT with `?digest=`); a failure
 * or `abort` cancels the session (DELETE). A stream cannot be replayed, so nothing here is retried.
 */
export async function stageUpload(client: RegistryClient, repository: string, content: Readable, options: OpOptions = {}): Promise<StagedBlob> {
  const scopes = [repositoryScope(repository, 'pull', 'push')];
  const what = `upload to ${client.registry}/${repository}`;
  const opened = await client.expect({ method: 'POST', url: `/v2/${repository}/blobs/uploads/`, headers: { 'content-length': '0' }, scopes, signal: options.signal }, [202], what);
  await opened.body.dump().catch(() => undefined);
  let location = uploadLocation(opened, what);
  const cancel = () =>
    client
      .send({ method: 'DELETE', url: location, headers: {}, scopes })
      .then((r) => r.body.dump(), () => undefined)
      .catch(() => undefined);
  const hash = createHash('sha256');
  let size = 0;
  let sourceError: unknown;
  content.on('error', (err) => {
    sourceError = err;
  });
  // Hashed as sent; given to undici as an iterable, so each read buffer can go back for reuse once sent.
  async function* hashing(): AsyncGenerator<Buffer> {
    for await (const chunk of content) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      hash.update(buf);
      size += buf.length;
      yield buf;
      pieceSent(buf);
    }
  }
  try {
    const patch = await client.expect(
      { method: 'PATCH', url: location, headers: { 'content-type': 'application/octet-stream' }, body: hashing(), scopes, signal: options.signal },
      [202, 204],
      what,
    );
    await patch.body.dump().catch(() => undefined);
    if (sourceError) throw sourceError;
    location = uploadLocation(patch, what, location);
  } catch (err) {
    // A request that failed before undici read the body leaves the source open: nothing will read it now.
    content.destroy();
    await cancel();
    throw sourceError ?? err;
  }
  const digest = `sha256:${hash.digest('hex')}`;
  let done = false;
  return {
    digest,
    size,
    async commit(commitOptions?: OpOptions) {
      if (done) return;
      done = true;
      const url = new URL(location);
      url.searchParams.set('digest', digest);
      try {
        const put = await client.expect({ method: 'PUT', url: url.toString(), headers: { 'content-length': '0' }, scopes, signal: commitOptions?.signal }, [201, 204], `blob ${digest} (${what})`);
        await put.body.dump().catch(() => undefined);
      } catch (err) {
        await cancel();
        throw err;
      }
    },
    async abort() {
      if (done) return;
      done = true;
      await cancel();
    },
  };
}

