import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { ChainCredentialStore, type Credential, DockerConfigStore } from '../../oci/auth';
import { checkRegistry, forgetDefaultAgents, isValidRepository, Registry, type RemoteRepository, type RetryInfo } from '../../oci/registry';
import { OciError } from '../../oci/errors';
import { UntrustedWorkspaceError } from '../trust';
import { PROXY_SETTINGS, proxySettings } from './proxySettings';
import { SecretCredentialStore } from './secretCredentials';

export interface RegistryEntry {
  host: string;
  plainHttp: boolean;
  /** Repositories the user added by name (for registries whose catalog is closed). */
  repositories: string[];
}

const LIST_KEY = 'manifold.registries';

/**
 * The registries the user added (kept in globalState: they are the user's, not the workspace's), one
 * client each so tokens are cached per registry, and credentials from SecretStorage first, then the
 * Docker config and its credential helpers.
 */
export class RegistryService implements vscode.Disposable {
  private readonly clients = new Map<string, Registry>();
  private readonly secretStore: SecretCredentialStore;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly retried = new vscode.EventEmitter<RetryInfo>();
  /** Each retry of a request to any registry, so an operation's progress can say why it is slow. */
  readonly onDidRetry = this.retried.event;
  private readonly settingsListener: vscode.Disposable;

  constructor(
    private readonly state: vscode.Memento,
    secrets: vscode.SecretStorage,
    /** No client is made, so no request is sent, while this says no (an untrusted workspace). */
    private readonly isTrusted: () => boolean = () => vscode.workspace.isTrusted,
  ) {
    this.secretStore = new SecretCredentialStore(secrets);
    // New timeout or retry settings apply from the next request: clients are made again on next use.
    this.settingsListener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('manifold.registry')) this.clients.clear();
      // Another proxy: new clients, and new pools for them (the old ones' connections go through the old proxy).
      if (PROXY_SETTINGS.some((s) => e.affectsConfiguration(s))) {
        this.clients.clear();
        forgetDefaultAgents();
        this.changed.fire();
      }
    });
  }

  dispose(): void {
    this.changed.dispose();
    this.retried.dispose();
    this.settingsListener.dispose();
  }

  list(): RegistryEntry[] {
    return this.state.get<RegistryEntry[]>(LIST_KEY, []);
  }

  entry(host: string): RegistryEntry | undefined {
    return this.list().find((r) => r.host === host);
  }

  async add(host: string, plainHttp: boolean): Promise<RegistryEntry> {
    checkRegistry(host);
    const list = this.list().filter((r) => r.host !== host);
    const entry: RegistryEntry = { host, plainHttp, repositories: this.entry(host)?.repositories ?? [] };
    await this.save([...list, entry].sort((a, b) => (a.host < b.host ? -1 : 1)));
    return entry;
  }

  async remove(host: string): Promise<void> {
    await this.save(this.list().filter((r) => r.host !== host));
  }

  async addRepository(host: string, repository: string): Promise<void> {
    if (!isValidRepository(repository)) throw new OciError('INVALID_ARGUMENT', l10n.t('invalid repository name {0}', JSON.stringify(repository)));
    const entry = this.entry(host) ?? (await this.add(host, false));
    if (entry.repositories.includes(repository)) return;
    await this.save(this.list().map((r) => (r.host === host ? { ...r, repositories: [...r.repositories, repository].sort() } : r)));
  }

  async removeRepository(host: string, repository: string): Promise<void> {
    await this.save(this.list().map((r) => (r.host === host ? { ...r, repositories: r.repositories.filter((x) => x !== repository) } : r)));
  }

  registry(host: string): Registry {
    if (!this.isTrusted()) throw new UntrustedWorkspaceError('registry');
    let client = this.clients.get(host);
    if (!client) {
      const settings = vscode.workspace.getConfiguration('manifold.registry');
      const timeoutSeconds = settings.get<number>('timeoutSeconds', 60);
      const retries = settings.get<number>('retries', 4);
      client = new Registry(host, {
        plainHttp: this.entry(host)?.plainHttp ?? false,
        credentials: new ChainCredentialStore([this.secretStore, new DockerConfigStore()]),
        // A bad value (hand-edited settings.json) keeps the default rather than failing every request.
        ...(timeoutSeconds > 0 ? { timeoutMs: Math.round(timeoutSeconds * 1000) } : {}),
        ...(Number.isInteger(retries) && retries >= 0 ? { retry: { attempts: retries + 1 } } : {}),
        onRetry: (info) => this.retried.fire(info),
        proxy: proxySettings(),
      });
      this.clients.set(host, client);
    }
    return client;
  }

  repository(host: string, repository: string): RemoteRepository {
    return this.registry(host).repository(repository);
  }

  /** Who is signed in through Manifold (SecretStorage); the Docker config's users are not shown. */
  async user(host: string): Promise<string | undefined> {
    const c = await this.secretStore.get(host);
    return c ? (c.username ?? '(token)') : undefined;
  }

  /** Stores the credential, then checks it with `GET /v2/`; a refused one is not kept. */
  async signIn(host: string, credential: Credential, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (!this.isTrusted()) throw new UntrustedWorkspaceError('registry');
    const previous = await this.secretStore.get(host);
    await this.secretStore.put(host, credential);
    this.clients.delete(host); // drop tokens obtained with other credentials
    try {
      await this.registry(host).ping(options);
    } catch (err) {
      if (previous) await this.secretStore.put(host, previous);
      else await this.secretStore.delete(host);
      this.clients.delete(host);
      throw err;
    }
    this.changed.fire();
  }

  async signOut(host: string): Promise<void> {
    await this.secretStore.delete(host);
    this.clients.delete(host);
    this.changed.fire();
  }

  /**
   * Drops `host`'s client and redraws the view: its TLS trust (the certs.d folder) is read at a client's first
   * request, so a CA or client certificate saved since is seen only by a new one.
   */
  reconnect(host: string): void {
    this.clients.delete(host);
    this.changed.fire();
  }

  private async save(list: RegistryEntry[]): Promise<void> {
    await this.state.update(LIST_KEY, list);
    // Plain HTTP may have changed: clients are made again on next use.
    this.clients.clear();
    this.changed.fire();
  }
}
