import { createHash } from 'node:crypto';
import { startOciServer, type OciServer } from '../../integration/support';
import { startMisbehavingRegistry, type MisbehavingRegistry } from '../../helpers/misbehavingRegistry';

const M = 'application/vnd.oci.image.manifest.v1+json';
const I = 'application/vnd.oci.image.index.v1+json';
export const CONFIG_TYPE = 'application/vnd.oci.image.config.v1+json';

export interface Sized {
  digest: string;
  size: number;
}

/** A registry's repository `app` and the misbehaving proxy in front of it, which passes everything on until told. */
export interface AppBehindProxy {
  server: OciServer;
  proxy: MisbehavingRegistry;
  /** The config blob of `image` (linux/amd64). */
  config: Sized;
  /** An image with no layers, tagged v1. */
  image: Sized;
  /** An index of `image` for linux/amd64, tagged multi. */
  multi: Sized;
  /** Stores `doc` in `app` as a manifest of `mediaType`, untagged. */
  put(doc: unknown, mediaType: string): Sized;
  stop(): Promise<void>;
}

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** The registry the tests of a misbehaving registry share: documents written straight into the in-memory server. */
export async function startAppBehindProxy(): Promise<AppBehindProxy> {
  const server = await startOciServer();
  const r = server.repo('app');
  const put = (doc: unknown, mediaType: string): Sized => {
    const b = Buffer.from(JSON.stringify(doc));
    r.manifests.set(sha(b), { mediaType, bytes: b });
    return { digest: sha(b), size: b.length };
  };
  const c = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
  r.blobs.set(sha(c), c);
  const config = { digest: sha(c), size: c.length };
  const image = put({ schemaVersion: 2, mediaType: M, config: { mediaType: CONFIG_TYPE, ...config }, layers: [] }, M);
  const multi = put({ schemaVersion: 2, mediaType: I, manifests: [{ mediaType: M, ...image, platform: { architecture: 'amd64', os: 'linux' } }] }, I);
  r.tags.set('v1', image.digest);
  r.tags.set('multi', multi.digest);
  const proxy = await startMisbehavingRegistry(`http://${server.host}`);
  return {
    server,
    proxy,
    config,
    image,
    multi,
    put,
    stop: async () => {
      await proxy.stop();
      await server.stop();
    },
  };
}
