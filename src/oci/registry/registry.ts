import { CATALOG_SCOPE } from '../auth/scope';
import type { OpOptions } from '../target';
import { readJsonObject, RegistryClient, type RegistryClientOptions } from './client';
import { nextLink } from './link';
import { RemoteRepository, type RemoteRepositoryOptions } from './remoteRepository';
import { checkRegistry } from './registryReference';

const CATALOG_PAGE_SIZE = 1000;

/** A registry: its repositories share one client, so tokens are cached once and blobs can be mounted across them. */
export class Registry {
  readonly client: RegistryClient;

  constructor(readonly name: string, readonly options: RegistryClientOptions & RemoteRepositoryOptions = {}) {
    this.client = new RegistryClient(checkRegistry(name), options);
  }

  repository(name: string): RemoteRepository {
    return new RemoteRepository(this.client, name, this.options);
  }

  /** Checks that the registry speaks the distribution API and that we may use it (`GET /v2/`). */
  async ping(options?: OpOptions): Promise<void> {
    const res = await this.client.expect({ method: 'GET', url: '/v2/', scopes: [], signal: options?.signal }, [200], `registry ${this.name}`);
    await res.body.dump().catch(() => undefined);
  }

  /** Repository names from the catalog, following `Link` pages. */
  async *repositories(options?: OpOptions & { last?: string }): AsyncIterable<string> {
    let url: string | undefined = `/v2/_catalog?n=${CATALOG_PAGE_SIZE}${options?.last ? `&last=${encodeURIComponent(options.last)}` : ''}`;
    const seen = new Set<string>();
    const urls = new Set<string>();
    while (url) {
      const what = `catalog of ${this.name}`;
      const res = await this.client.expect({ method: 'GET', url, scopes: [CATALOG_SCOPE], signal: options?.signal }, [200], what);
      const doc = await readJsonObject(res, 64 << 20, what);
      let fresh = 0;
      for (const r of Array.isArray(doc.repositories) ? doc.repositories : []) {
        if (typeof r !== 'string' || seen.has(r)) continue;
        seen.add(r);
        fresh++;
        yield r;
      }
      urls.add(res.url);
      const next = nextLink(res.headers.link, res.url);
      url = next && !urls.has(next) && fresh > 0 ? next : undefined;
    }
  }
}
