import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface OciServerOptions {
  /** Serve the OCI 1.1 referrers API (default true). Without it the server is a plain 1.0 registry. */
  referrersApi?: boolean;
  /** Referrers per page, so tests see `Link` pagination. */
  referrersPageSize?: number;
  /** Tags per page when the client gives no `n`. */
  tagsPageSize?: number;
  /** Ignore `n` and `last` in tag lists (some registries do). */
  ignoreTagPaging?: boolean;
  /** Answer `OCI-Filters-Applied` and filter by artifactType (default true). */
  applyFilters?: boolean;
  /** Answer 405 to DELETE. */
  deleteDisabled?: boolean;
  /** Keep what arrived of a PATCH whose connection dropped, as registries that stream uploads to disk do. */
  keepPartialChunks?: boolean;
  /** Answer a tag list of a repository with no tag 404 NAME_UNKNOWN, as Distribution does for one with blobs only. */
  untaggedNameUnknown?: boolean;
  /**
   * Called with each request once its body has arrived, before it is answered: a promise returned holds the request
   * until it settles, as a stalled registry does (a test cancels a copy while the registry holds its uploads).
   */
  hold?: (request: { method: string; path: string; query: URLSearchParams; gone: () => boolean }) => Promise<void> | undefined;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

interface Repo {
  blobs: Map<string, Buffer>;
  manifests: Map<string, { mediaType: string; bytes: Buffer }>;
  tags: Map<string, string>;
}

export interface OciServer {
  url: string;
  host: string;
  requests: RecordedRequest[];
  /** TCP connections accepted so far, and the most open at once. */
  connections: { opened: number; open: number; peak: number };
  repo(name: string): Repo;
  stop(): Promise<void>;
}

/**
 * A small OCI distribution server in memory, for what Debian's registry lacks: the referrers API
 * (`OCI-Subject` on push, `artifactType` filter, `Link` pages). Enough of the spec for a client:
 * blobs (monolithic and chunked uploads, mounts), manifests, tags, the catalog, deletion.
 */
export async function startOciServer(options: OciServerOptions = {}): Promise<OciServer> {
  const repos = new Map<string, Repo>();
  const uploads = new Map<string, { repo: string; chunks: Buffer[]; size: number }>();
  const requests: RecordedRequest[] = [];
  const referrersApi = options.referrersApi ?? true;
  const repo = (name: string): Repo => {
    let r = repos.get(name);
    if (!r) repos.set(name, (r = { blobs: new Map(), manifests: new Map(), tags: new Map() }));
    return r;
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ method: req.method ?? '', path: url.pathname + url.search, headers: req.headers });
    const { body, complete } = await readBody(req);
    if (!complete) {
      // The client went away mid-request: a registry that streams to disk has the part that arrived.
      const id = /\/blobs\/uploads\/([^/?]+)/.exec(url.pathname)?.[1];
      const up = id ? uploads.get(id) : undefined;
      if (options.keepPartialChunks && req.method === 'PATCH' && up && body.length) {
        up.chunks.push(body);
        up.size += body.length;
      }
      return;
    }
    // gone(): the client closed the connection (it gave up on the request).
    const held = options.hold?.({ method: req.method ?? '', path: url.pathname, query: url.searchParams, gone: () => res.destroyed || req.socket.destroyed });
    if (held) {
      await held;
      if (res.destroyed) return; // the client went away meanwhile
    }
    try {
      route(req, res, url, body);
    } catch (err) {
      fail(res, 500, 'UNKNOWN', String(err));
    }
  });

  const route = (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): void => {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (path === '/v2/' || path === '/v2') return json(res, 200, {});
    if (path === '/v2/_catalog') {
      let names = [...repos.keys()].sort();
      const last = url.searchParams.get('last');
      const n = Number(url.searchParams.get('n') ?? 0);
      if (last) names = names.filter((r) => r > last);
      if (n > 0 && names.length > n) {
        names = names.slice(0, n);
        res.setHeader('link', `</v2/_catalog?n=${n}&last=${encodeURIComponent(names[n - 1]!)}>; rel="next"`);
      }
      return json(res, 200, { repositories: names });
    }
    const m = /^\/v2\/(.+?)\/(blobs\/uploads\/?([^/]*)|blobs\/([^/]+)|manifests\/([^/]+)|tags\/list|referrers\/([^/]+))$/.exec(path);
    if (!m) return fail(res, 404, 'NOT_FOUND', 'no such endpoint');
    const name = m[1]!;
    const r = repo(name);
    if (m[2]!.startsWith('blobs/uploads')) {
      const id = m[3];
      if (!id && method === 'POST') {
        const mount = url.searchParams.get('mount');
        const from = url.searchParams.get('from');
        if (mount && from && repos.get(from)?.blobs.has(mount)) {
          r.blobs.set(mount, repos.get(from)!.blobs.get(mount)!);
          res.writeHead(201, { location: `/v2/${name}/blobs/${mount}`, 'docker-content-digest': mount }).end();
          return;
        }
        const digest = url.searchParams.get('digest');
        if (digest) return finishUpload(res, name, r, digest, [body]);
        const uid = randomBytes(8).toString('hex');
        uploads.set(uid, { repo: name, chunks: [], size: 0 });
        res.writeHead(202, { location: `/v2/${name}/blobs/uploads/${uid}?state=s`, range: '0-0', 'docker-upload-uuid': uid }).end();
        return;
      }
      const up = id ? uploads.get(id) : undefined;
      if (!up) return fail(res, 404, 'BLOB_UPLOAD_UNKNOWN', 'no such upload');
      if (method === 'PATCH') {
        const range = req.headers['content-range'];
        if (range) {
          const mm = /^(\d+)-(\d+)$/.exec(String(range));
          if (!mm || Number(mm[1]) !== up.size) return fail(res, 416, 'BLOB_UPLOAD_INVALID', `range ${range} at ${up.size}`);
        }
        up.chunks.push(body);
        up.size += body.length;
        res.writeHead(202, { location: `/v2/${name}/blobs/uploads/${id}?state=s${up.size}`, range: `0-${up.size - 1}` }).end();
        return;
      }
      if (method === 'PUT') {
        uploads.delete(id!);
        return finishUpload(res, name, r, url.searchParams.get('digest') ?? '', [...up.chunks, body]);
      }
      if (method === 'DELETE') {
        uploads.delete(id!);
        res.writeHead(204).end();
        return;
      }
      if (method === 'GET') {
        // Upload status: how much the session holds ("0-0" also when it holds nothing, as distribution says).
        res.writeHead(204, { location: `/v2/${name}/blobs/uploads/${id}?state=s${up.size}`, range: `0-${Math.max(0, up.size - 1)}`, 'docker-upload-uuid': id! }).end();
        return;
      }
      return fail(res, 405, 'UNSUPPORTED', method);
    }
    if (m[4]) {
      const digest = m[4];
      const blob = r.blobs.get(digest) ?? r.manifests.get(digest)?.bytes;
      if (method === 'DELETE') {
        if (options.deleteDisabled) return fail(res, 405, 'UNSUPPORTED', 'deletion disabled');
        if (!r.blobs.delete(digest)) return fail(res, 404, 'BLOB_UNKNOWN', digest);
        res.writeHead(202).end();
        return;
      }
      if (!blob) return fail(res, 404, 'BLOB_UNKNOWN', digest);
      res.writeHead(200, { 'content-length': String(blob.length), 'docker-content-digest': digest, 'content-type': 'application/octet-stream' });
      res.end(method === 'HEAD' ? undefined : blob);
      return;
    }
    if (m[5]) {
      const ref = m[5];
      const digest = ref.includes(':') ? ref : r.tags.get(ref);
      if (method === 'PUT') {
        const d = `sha256:${createHash('sha256').update(body).digest('hex')}`;
        if (ref.includes(':') && ref !== d) return fail(res, 400, 'DIGEST_INVALID', 'digest mismatch');
        let doc: { subject?: { digest?: string }; manifests?: Array<{ digest: string }>; config?: { digest: string }; layers?: Array<{ digest: string }> };
        try {
          doc = JSON.parse(body.toString('utf8')) as typeof doc;
        } catch {
          return fail(res, 400, 'MANIFEST_INVALID', 'not JSON');
        }
        // As a registry does, a document whose lists are no lists is refused, not a crash of the server.
        if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.manifests ?? []) || !Array.isArray(doc.layers ?? [])) return fail(res, 400, 'MANIFEST_INVALID', 'manifests and layers must be lists');
        const listed = [...(doc.manifests ?? []), doc.config, ...(doc.layers ?? [])].filter((d) => d !== undefined);
        if (listed.some((d) => typeof d?.digest !== 'string')) return fail(res, 400, 'MANIFEST_INVALID', 'a descriptor has no digest');
        for (const child of doc.manifests ?? []) if (!r.manifests.has(child.digest)) return fail(res, 400, 'MANIFEST_BLOB_UNKNOWN', child.digest);
        for (const blob of [doc.config, ...(doc.layers ?? [])]) if (blob && !r.blobs.has(blob.digest)) return fail(res, 400, 'MANIFEST_BLOB_UNKNOWN', blob.digest);
        r.manifests.set(d, { mediaType: String(req.headers['content-type'] ?? ''), bytes: body });
        if (!ref.includes(':')) r.tags.set(ref, d);
        const headers: Record<string, string> = { location: `/v2/${name}/manifests/${d}`, 'docker-content-digest': d };
        if (referrersApi && typeof doc.subject?.digest === 'string' && /^[a-z0-9+._-]+:[a-zA-Z0-9=_-]+$/.test(doc.subject.digest)) headers['oci-subject'] = doc.subject.digest;
        res.writeHead(201, headers).end();
        return;
      }
      const entry = digest ? r.manifests.get(digest) : undefined;
      if (method === 'DELETE') {
        if (options.deleteDisabled) return fail(res, 405, 'UNSUPPORTED', 'deletion disabled');
        if (!entry || !ref.includes(':')) return fail(res, 404, 'MANIFEST_UNKNOWN', ref);
        r.manifests.delete(digest!);
        for (const [t, d] of r.tags) if (d === digest) r.tags.delete(t);
        res.writeHead(202).end();
        return;
      }
      if (!entry) return fail(res, 404, 'MANIFEST_UNKNOWN', ref);
      res.writeHead(200, { 'content-type': entry.mediaType, 'content-length': String(entry.bytes.length), 'docker-content-digest': digest! });
      res.end(method === 'HEAD' ? undefined : entry.bytes);
      return;
    }
    if (m[2] === 'tags/list') {
      let tags = [...r.tags.keys()].sort();
      if (tags.length === 0 && options.untaggedNameUnknown) return fail(res, 404, 'NAME_UNKNOWN', `repository name not known to registry: ${name}`);
      const n = Number(url.searchParams.get('n') ?? options.tagsPageSize ?? 0);
      const last = url.searchParams.get('last');
      if (!options.ignoreTagPaging) {
        if (last) tags = tags.filter((t) => t > last);
        if (n > 0 && tags.length > n) {
          tags = tags.slice(0, n);
          res.setHeader('link', `</v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(tags[tags.length - 1]!)}>; rel="next"`);
        }
      }
      return json(res, 200, { name, tags });
    }
    if (m[6] !== undefined) {
      if (!referrersApi) return fail(res, 404, 'NOT_FOUND', 'no such endpoint');
      const subject = m[6];
      const artifactType = url.searchParams.get('artifactType');
      const filter = artifactType && options.applyFilters !== false;
      let list: Array<Record<string, unknown>> = [];
      for (const [d, entry] of r.manifests) {
        let doc: { subject?: { digest?: string }; artifactType?: string; config?: { mediaType?: string }; annotations?: Record<string, string> };
        try {
          doc = JSON.parse(entry.bytes.toString('utf8')) as typeof doc;
        } catch {
          continue;
        }
        if (doc.subject?.digest !== subject) continue;
        const type = doc.artifactType ?? doc.config?.mediaType;
        if (filter && type !== artifactType) continue;
        list.push({ mediaType: entry.mediaType, digest: d, size: entry.bytes.length, ...(doc.annotations ? { annotations: doc.annotations } : {}), ...(type ? { artifactType: type } : {}) });
      }
      list.sort((a, b) => String(a.digest).localeCompare(String(b.digest)));
      const size = options.referrersPageSize ?? 0;
      const page = Number(url.searchParams.get('page') ?? 0);
      const headers: Record<string, string> = { 'content-type': 'application/vnd.oci.image.index.v1+json' };
      if (filter) headers['oci-filters-applied'] = 'artifactType';
      if (size > 0) {
        if (list.length > (page + 1) * size) {
          const q = new URLSearchParams(url.searchParams);
          q.set('page', String(page + 1));
          headers.link = `</v2/${name}/referrers/${subject}?${q.toString()}>; rel="next"`;
        }
        list = list.slice(page * size, (page + 1) * size);
      }
      res.writeHead(200, headers).end(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: list }));
      return;
    }
    fail(res, 404, 'NOT_FOUND', path);
  };

  const finishUpload = (res: ServerResponse, name: string, r: Repo, digest: string, chunks: Buffer[]): void => {
    const data = Buffer.concat(chunks);
    const actual = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    if (actual !== digest) return fail(res, 400, 'DIGEST_INVALID', `content is ${actual}`);
    r.blobs.set(digest, data);
    res.writeHead(201, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest }).end();
  };

  const connections = { opened: 0, open: 0, peak: 0 };
  server.on('connection', (socket) => {
    connections.opened++;
    connections.peak = Math.max(connections.peak, ++connections.open);
    socket.on('close', () => connections.open--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    connections,
    repo,
    // close() first, so no connection is accepted after closeAllConnections() ran (one would hold close() open: an
    // "after all" hook timed out so on a loaded machine), then end the keep-alive ones clients hold.
    stop: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function fail(res: ServerResponse, status: number, code: string, message: string): void {
  json(res, status, { errors: [{ code, message }] });
}

/** The request body, and whether it came whole (the client may drop the connection midway). */
async function readBody(req: IncomingMessage): Promise<{ body: Buffer; complete: boolean }> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of req) chunks.push(c as Buffer);
    return { body: Buffer.concat(chunks), complete: true };
  } catch {
    return { body: Buffer.concat(chunks), complete: false };
  }
}
