import type * as vscode from 'vscode';
import type { Credential, CredentialStore } from '../../oci/auth';

const KEY_PREFIX = 'manifold.registry.';

/** Registry credentials in VS Code's SecretStorage (the OS keychain), never in settings. */
export class SecretCredentialStore implements CredentialStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(registry: string): Promise<Credential | undefined> {
    const text = await this.secrets.get(KEY_PREFIX + registry);
    if (!text) return undefined;
    try {
      return JSON.parse(text) as Credential;
    } catch {
      return undefined; // unreadable entry: as if signed out
    }
  }

  async put(registry: string, credential: Credential): Promise<void> {
    await this.secrets.store(KEY_PREFIX + registry, JSON.stringify(credential));
  }

  async delete(registry: string): Promise<void> {
    await this.secrets.delete(KEY_PREFIX + registry);
  }
}
