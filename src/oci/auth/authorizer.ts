import { errorCodeForStatus, OciError } from '../errors';
import { type Challenge, parseChallenges } from './challenge';
import { type Credential, type CredentialStore, isEmptyCredential } from './credentials';
import { normalizeScopes } from './scope';

/** How the authorizer asks a token server: a plain HTTP call, made by the registry client's transport. */
export type TokenFetcher = (request: {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}) => Promise<{ status: number; text: string }>;

export interface AuthorizerOptions {
  credentials?: CredentialStore;
  fetchToken: TokenFetcher;
  /** Whether credentials may travel to `url` (TLS, loopback, or a host the user allowed plain HTTP for). */
  mayCarryCredentials(url: URL): boolean;
  /** Use the OAuth2 password grant (POST) instead of GET with basic auth, as some token servers want. */
  forceOAuth2?: boolean;
  clientId?: string;
  now?: () => number;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

type HostScheme = { scheme: 'basic' } | { scheme: 'bearer'; realm: string; service?: string };

// Token servers may omit expires_in; the spec's default lifetime is 60 s.
const DEFAULT_TOKEN_SECONDS = 60;
// Refresh a little early so a token does not expire between the check and its use.
const EXPIRY_MARGIN_MS = 5_000;

/**
 * Decides the Authorization header of each registry request, as a browser would: it learns each host's
 * scheme from its first challenge, then sends basic credentials or a bearer token up front. Bearer
 * tokens are cached per host and set of scopes (a cross-repository mount asks for two repositories at
 * once) until they expire; a refresh token from the credentials (or handed out by the token server)
 * uses the OAuth2 POST flow.
 */
export class Authorizer {
  private readonly schemes = new Map<string, HostScheme>();
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly now: () => number;

  constructor(private readonly options: AuthorizerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The header to send before any challenge, from what earlier challenges taught; undefined when nothing is known. */
  async headerFor(registry: string, scopes: string[], signal?: AbortSignal): Promise<string | undefined> {
    const scheme = this.schemes.get(registry);
    if (!scheme) return undefined;
    if (scheme.scheme === 'basic') return this.basicHeader(registry);
    const token = await this.bearerToken(registry, scheme, normalizeScopes(scopes), signal);
    return `Bearer ${token}`;
  }

  /**
   * Answers a 401: reads its challenge, gets what it asks for, and returns the header to retry with,
   * or undefined when there is nothing more to try (no credentials for basic, an unknown scheme).
   */
  async respond(registry: string, wwwAuthenticate: string | undefined, scopes: string[], signal?: AbortSignal, refused?: string): Promise<string | undefined> {
    const challenges = parseChallenges(wwwAuthenticate ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (bearer) {
      const realm = bearer.params.realm;
      if (!realm) throw new OciError('INVALID_ARGUMENT', `${registry}: bearer challenge without a realm`);
      const scheme: HostScheme = { scheme: 'bearer', realm, ...(bearer.params.service ? { service: bearer.params.service } : {}) };
      this.schemes.set(registry, scheme);
      const wanted = normalizeScopes([...scopes, ...challengeScopes(bearer)]);
      // Only the token the server refused is dropped, so the retry gets a fresh one. Requests sent before a
      // concurrent one fetched the token get a 401 too; they reuse that token instead of fetching another.
      const stale = this.tokens.get(tokenKey(registry, wanted));
      if (stale && refused === `Bearer ${stale.token}`) this.tokens.delete(tokenKey(registry, wanted));
      const token = await this.bearerToken(registry, scheme, wanted, signal);
      // Also filed under the scopes the caller asked for, so its next request sends it up front.
      const asked = normalizeScopes(scopes);
      const cached = this.tokens.get(tokenKey(registry, wanted));
      if (cached && asked.length) this.tokens.set(tokenKey(registry, asked), cached);
      return `Bearer ${token}`;
    }
    if (basic) {
      this.schemes.set(registry, { scheme: 'basic' });
      return this.basicHeader(registry);
    }
    return undefined;
  }

  /** Forgets what is cached for a registry (after logout, or when credentials change). */
  forget(registry: string): void {
    this.schemes.delete(registry);
    this.refreshTokens.delete(registry);
    for (const key of [...this.tokens.keys()]) if (key.startsWith(`${registry} `)) this.tokens.delete(key);
  }

  private async credential(registry: string): Promise<Credential | undefined> {
    const c = await this.options.credentials?.get(registry);
    return isEmptyCredential(c) ? undefined : c;
  }

  private async basicHeader(registry: string): Promise<string | undefined> {
    const c = await this.credential(registry);
    if (!c || c.username === undefined) return undefined;
    return `Basic ${Buffer.from(`${c.username}:${c.password ?? ''}`).toString('base64')}`;
  }

  private async bearerToken(registry: string, scheme: Extract<HostScheme, { scheme: 'bearer' }>, scopes: string[], signal?: AbortSignal): Promise<string> {
    const key = tokenKey(registry, scopes);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > this.now()) return cached.token;
    // Concurrent requests needing the same token share one fetch.
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.fetchToken(registry, scheme, scopes, signal).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async fetchToken(registry: string, scheme: Extract<HostScheme, { scheme: 'bearer' }>, scopes: string[], signal?: AbortSignal): Promise<string> {
    const key = tokenKey(registry, scopes);
    const cred = await this.credential(registry);
    if (cred?.accessToken) {
      this.tokens.set(key, { token: cred.accessToken, expiresAt: Number.MAX_SAFE_INTEGER });
      return cred.accessToken;
    }
    let realm: URL;
    try {
      realm = new URL(scheme.realm);
    } catch (err) {
      throw new OciError('INVALID_ARGUMENT', `${registry}: the token realm ${JSON.stringify(scheme.realm)} is not a URL`, { cause: err });
    }
    // A file: or data: realm would reach undici as a bare "Invalid URL".
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
      throw new OciError('INVALID_ARGUMENT', `${registry}: the token realm ${JSON.stringify(scheme.realm)} is not an http(s) URL`);
    }
    const refreshToken = cred?.refreshToken ?? this.refreshTokens.get(registry);
    const sendsSecret = Boolean(refreshToken || cred?.username !== undefined);
    if (sendsSecret && !this.options.mayCarryCredentials(realm)) {
      throw new OciError('INVALID_ARGUMENT', `${registry}: refusing to send credentials in clear to the token server ${realm.origin}; it is not loopback and plain HTTP was not allowed for it`);
    }
    const clientId = this.options.clientId ?? 'manifold';
    let answer: { status: number; text: string };
    if (refreshToken || (this.options.forceOAuth2 && cred?.username !== undefined)) {
      // OAuth2 (RFC 6749) POST: a refresh_token grant, or the password grant when asked for.
      const form = new URLSearchParams();
      if (refreshToken) {
        form.set('grant_type', 'refresh_token');
        form.set('refresh_token', refreshToken);
      } else {
        form.set('grant_type', 'password');
        form.set('username', cred!.username!);
        form.set('password', cred!.password ?? '');
        form.set('access_type', 'offline');
      }
      if (scheme.service) form.set('service', scheme.service);
      form.set('client_id', clientId);
      if (scopes.length) form.set('scope', scopes.join(' '));
      answer = await this.options.fetchToken({
        method: 'POST',
        url: realm.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        signal,
      });
    } else {
      const url = new URL(realm.toString());
      if (scheme.service) url.searchParams.set('service', scheme.service);
      for (const s of scopes) url.searchParams.append('scope', s);
      const headers: Record<string, string> = {};
      if (cred?.username !== undefined) {
        headers.authorization = `Basic ${Buffer.from(`${cred.username}:${cred.password ?? ''}`).toString('base64')}`;
        url.searchParams.set('account', cred.username);
      }
      answer = await this.options.fetchToken({ method: 'GET', url: url.toString(), headers, signal });
    }
    if (answer.status !== 200) {
      const detail = answer.text.trim().slice(0, 200);
      const refused = answer.status === 401 || answer.status === 403;
      // The faces (CLI, extension) add how to sign in there; the core does not know their commands.
      const why = refused ? ' (check the credentials)' : '';
      const forWhat = scopes.length ? ` for ${scopes.join(' ')}` : '';
      throw new OciError(errorCodeForStatus(answer.status), `${registry}: the token server ${realm.origin}${realm.pathname} answered ${answer.status}${forWhat}${detail ? `: ${detail}` : ''}${why}`, { registry });
    }
    let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown; refresh_token?: unknown };
    try {
      doc = JSON.parse(answer.text) as typeof doc;
    } catch (err) {
      throw new OciError('INVALID_ARGUMENT', `${registry}: the token server's answer is not JSON`, { cause: err });
    }
    const token = typeof doc.access_token === 'string' && doc.access_token ? doc.access_token : typeof doc.token === 'string' ? doc.token : '';
    if (!token) throw new OciError('INVALID_ARGUMENT', `${registry}: the token server's answer has no token`);
    const seconds = typeof doc.expires_in === 'number' && doc.expires_in > 0 ? doc.expires_in : DEFAULT_TOKEN_SECONDS;
    this.tokens.set(key, { token, expiresAt: this.now() + seconds * 1000 });
    if (typeof doc.refresh_token === 'string' && doc.refresh_token) this.refreshTokens.set(registry, doc.refresh_token);
    return token;
  }
}

function challengeScopes(c: Challenge): string[] {
  return c.params.scope ? c.params.scope.split(' ').filter(Boolean) : [];
}

function tokenKey(registry: string, scopes: string[]): string {
  return `${registry} ${scopes.join(' ')}`;
}
