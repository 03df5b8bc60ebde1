/** What a registry accepts as proof of who is asking. */
export interface Credential {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (Docker's `identitytoken`), traded for access tokens with the OAuth2 POST flow. */
  refreshToken?: string;
  /** A bearer token sent as it is (Docker's `registrytoken`). */
  accessToken?: string;
}

/**
 * Where credentials are kept, by registry host (`localhost:5000`, `ghcr.io`, `docker.io`). The CLI uses
 * the Docker config; the extension can back it with VS Code's SecretStorage.
 */
export interface CredentialStore {
  get(registry: string): Promise<Credential | undefined>;
  put(registry: string, credential: Credential): Promise<void>;
  delete(registry: string): Promise<void>;
}

export function isEmptyCredential(c: Credential | undefined): boolean {
  return !c || (!c.username && !c.password && !c.refreshToken && !c.accessToken);
}

/** A store in memory: for tests, and for credentials given on the command line. */
export class MemoryCredentialStore implements CredentialStore {
  private readonly map = new Map<string, Credential>();
  constructor(entries: Record<string, Credential> = {}) {
    for (const [k, v] of Object.entries(entries)) this.map.set(k, v);
  }
  async get(registry: string): Promise<Credential | undefined> {
    return this.map.get(registry);
  }
  async put(registry: string, credential: Credential): Promise<void> {
    this.map.set(registry, { ...credential });
  }
  async delete(registry: string): Promise<void> {
    this.map.delete(registry);
  }
}

/** Looks in each store in turn; writes go to the first. Credentials given on the command line come before the config. */
export class ChainCredentialStore implements CredentialStore {
  constructor(private readonly stores: CredentialStore[]) {}
  async get(registry: string): Promise<Credential | undefined> {
    for (const s of this.stores) {
      const c = await s.get(registry);
      if (!isEmptyCredential(c)) return c;
    }
    return undefined;
  }
  async put(registry: string, credential: Credential): Promise<void> {
    await this.stores[0]?.put(registry, credential);
  }
  async delete(registry: string): Promise<void> {
    await this.stores[0]?.delete(registry);
  }
}
