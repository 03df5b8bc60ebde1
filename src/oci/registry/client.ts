import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

// undici takes tens of milliseconds to load: only commands that talk to a registry should pay for it.
// In the bundles it is dist/undici.js, just the parts undiciEntry.ts names.
type Undici = Pick<typeof import('undici'), 'Agent' | 'EnvHttpProxyAgent' | 'ProxyAgent' | 'Pool' | 'buildConnector'>;
let undiciModule: Undici | undefined;
let quickStartup = false;
function undici(): Undici {
  if (!undiciModule) {
    undiciModule = require('undici') as Undici;
    if (quickStartup) setQuickStartupFlags();
  }
  return undiciModule;
}
import { Authorizer } from '../auth/authorizer';
import type { CredentialStore } from '../auth/credentials';
import { OciError } from '../errors';
import { readCapped } from '../readCapped';
import { isLoopbackHost, registryEndpointHost } from './registryReference';
import { bypassesProxy, isProxyError, isSocksProxy, markProxyError, proxyErrorMessage, proxyUrl, shownProxy, type ProxySettings } from './proxy';
import { socksConnector } from './socks';
import { isRetryableError, sleep } from '../transient';
import { parseErrorBody, redactUrl, RegistryError } from './registryError';
import { DEFAULT_RETRY, retryDelay, type RetryInfo, type RetryOptions } from './retry';
import { stallMessage } from './retryNotice';
import { BODY_TIMEOUT, CONNECT_TIMEOUT, connectTimeout, nameBodyErrors, renamed, stalled, stallOf, type StallKind, withPlace } from './transportErrors';
import { alertHearingConnector, answeredFrom, certificateError, tlsOptions } from './tlsConnection';
import { registryTls, type RegistryTls, type TlsFiles } from './tlsTrust';
import { systemCaCertificates } from './systemTrust';

/**
 * For a short-lived process (the CLI): compile undici's HTTP parser, a WebAssembly module, with V8's
 * baseline compiler only. The optimizing compile it otherwise runs costs ~0.18 s of CPU per process,
 * more than a no-op copy's whole work; the parser's share of a transfer is small either way. And keep its
 * memory small (see setQuickStartupFlags). It sets process-wide V8 flags, so a long-lived host (the extension) does not call it. Call before the first request.
 *
 * The flags are set once undici has loaded, not now: after any V8 flag changes, Node refuses the code cache
 * built into it for every built-in module loaded later (the flags are part of a cache's key) and compiles
 * them from scratch, ~10 ms for those undici loads; and a command that contacts no registry needs none of them.
 */
export function preferQuickStartup(): void {
  quickStartup = true;
  if (undiciModule) setQuickStartupFlags();
}

let flagsSet = false;
/** Whether this process changed V8's flags (a registry was contacted): a code cache made now would be refused. */
export function v8FlagsChanged(): boolean {
  return flagsSet;
}

function setQuickStartupFlags(): void {
  flagsSet = true;
  const v8 = require('node:v8') as typeof import('node:v8');
  v8.setFlagsFromString('--liftoff-only');
  // And a heap that grows slowly: a copy of 2,000 small blobs makes much short-lived garbage (requests, streams)
  // that lives across an await and dies in old space, which V8 otherwise lets grow to ~70 MB before it marks;
  // measured on a busy machine, this flag takes that copy from 116-122 MB to 87 MB of RSS for ~10% more CPU.
  v8.setFlagsFromString('--optimize-for-size');
  // The young generation kept at the 1 MiB semi-spaces it starts with: a transfer's garbage (requests, stream
  // callbacks, promises) is short-lived, and V8 would otherwise double them to 4 MiB each while a copy of
  // 2 x 3 x 64 MiB runs, ~6 MB of the process's 70. Only a flag set at run time does this: at start-up V8 raises a
  // growth factor below 2 to 2 (and the semi-space's own limit can only be set at start-up).
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  // And functions optimized only once they are hot for 16 times longer than V8's default (67584): a command of a
  // few seconds spends its time in native hashing and I/O, and each optimizing compile costs memory (compiler
  // zones, code) and CPU it never earns back, ~5 MB of that copy's peak; a long copy of 2,000 blobs still
  // optimizes its hot paths (measured: no slower, where --no-opt costs it ~20% more CPU).
  v8.setFlagsFromString('--interrupt-budget=1081344');
}

export interface RegistryClientOptions {
  /** The undici dispatcher every request goes through: proxies, custom TLS, fault injection in tests. */
  dispatcher?: Dispatcher;
  /** Talk HTTP, not HTTPS (oras's `--plain-http`). Credentials then travel in clear: the user asked for it. */
  plainHttp?: boolean;
  /** Accept any TLS certificate (oras's `--insecure`). Ignored when a dispatcher is given. */
  insecure?: boolean;
  /**
   * CA and client certificate files (oras's `--ca-file`, `--cert-file`, `--key-file`), added to what the registry's
   * `certs.d` folder holds (tlsTrust.ts), which is read whatever is given. Ignored when a dispatcher is given.
   */
  tlsFiles?: TlsFiles;
  /**
   * Extra request headers (oras's `-H`), sent to the registry and to the token server it names; never to another
   * host an upload location or a redirect points at (blob storage), as the Authorization header is not.
   */
  headers?: Record<string, string>;
  credentials?: CredentialStore;
  retry?: Partial<RetryOptions>;
  /** Use the OAuth2 password grant with token servers that want it. */
  forceOAuth2?: boolean;
  userAgent?: string;
  /**
   * The HTTP proxy requests go through (the extension's `http.proxy`), instead of HTTPS_PROXY and the other
   * variables; `false`: none, whatever they say. Loopback registries and those its noProxy names are reached
   * directly. Ignored when a dispatcher is given.
   */
  proxy?: ProxySettings | false;
  /** Injectable for tests: how to wait between attempts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * How long an attempt waits for the response's headers, or for the next piece of its body, before it is
   * given up (and retried): 60 s by default. Ignored when a dispatcher is given.
   */
  timeoutMs?: number;
  /**
   * The most connections open to this registry at once (default 8): requests beyond wait their turn. Registries
   * and the proxies before them refuse or throttle clients that open hundreds, and each socket is a file
   * descriptor; 8 leaves room for a copy's 3 transfers each streaming from and to one registry, plus its checks.
   */
  maxConnections?: number;
  /** Told of each retry, so a CLI or the extension can say why a copy is slow (see retryNotice). */
  onRetry?: (info: RetryInfo) => void;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_CONNECTIONS = 8;

/** A stream or an async iterable (sent as it comes, once) or bytes (sent again on a retry or a redirect). */
export type RequestBody = Buffer | Uint8Array | string | Readable | AsyncIterable<Uint8Array>;

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** A path under the registry (`/v2/...`) or an absolute URL (an upload `Location`). */
  url: string;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** The token scopes this request needs. */
  scopes: string[];
  signal?: AbortSignal;
}

export interface RegistryResponse {
  status: number;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  header(name: string): string | undefined;
}

const MAX_REDIRECTS = 5;
const MAX_ERROR_BODY = 64 * 1024;
/**
 * The largest token answer read. Tokens with many scopes (or a registry's long claims) pass 64 KiB. The token then
 * travels in an Authorization header, and Go's net/http, under distribution and most registries, refuses request
 * headers over 1 MiB; token servers send it twice (`token` and `access_token`): 2 MiB holds any token a registry
 * could take, and an endless answer cannot fill memory.
 */
export const MAX_TOKEN_ANSWER = 2 << 20;
// One pool per TLS mode and trust, proxy and timeout.
let sharedAgents: Record<string, Dispatcher> = {};

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/**
 * How a registry is reached: through the proxy given, through the one the variables (HTTPS_PROXY, NO_PROXY) name,
 * as curl honours them (`env`), or directly (undefined). Loopback registries always directly.
 */
function routeTo(registryHost: string, plainHttp: boolean, proxy: ProxySettings | false | undefined): ProxySettings | 'env' | undefined {
  if (proxy === undefined) {
    if (isLoopbackHost(registryHost) || !PROXY_VARIABLES.some((v) => process.env[v])) return undefined;
    // undici's agent for the variables speaks HTTP to a proxy only; a socks5:// one (Go's clients take it) is ours.
    const socks = socksFromEnvironment(plainHttp);
    return socks ? routeTo(registryHost, plainHttp, socks) : 'env';
  }
  return proxy && !bypassesProxy(registryHost, plainHttp ? 80 : 443, proxy.noProxy) ? proxy : undefined;
}

/**
 * The proxy a registry's requests go through, as a person is shown it (scheme, host and port: no credentials);
 * undefined when they go directly (loopback, noProxy, no proxy at all). For a tooltip that says how it is reached.
 */
export function shownRoute(registryHost: string, plainHttp: boolean, proxy: ProxySettings | false | undefined): string | undefined {
  const via = routeTo(registryHost, plainHttp, proxy);
  if (via === undefined) return undefined;
  if (via !== 'env') return shownProxy(via);
  const { url, noProxy } = environmentProxy(plainHttp);
  if (!url || (noProxy && bypassesProxy(registryHost, plainHttp ? 80 : 443, [noProxy]))) return undefined;
  try {
    return shownProxy({ url });
  } catch {
    return undefined; // not a proxy URL: the request names it
  }
}

/** The variables' proxy for this scheme (as undici's and Go's read them) when it is a socks5:// one, with NO_PROXY. */
function socksFromEnvironment(plainHttp: boolean): ProxySettings | undefined {
  const { url, noProxy } = environmentProxy(plainHttp);
  if (!url || !isSocksProxy(url)) return undefined;
  return { url: url.trim(), ...(noProxy ? { noProxy: [noProxy] } : {}) };
}

/** The variables' proxy for this scheme and NO_PROXY, read as undici's agent for them reads them (lower case first). */
function environmentProxy(plainHttp: boolean): { url?: string; noProxy?: string } {
  const env = process.env;
  return { url: (plainHttp ? undefined : (env.https_proxy ?? env.HTTPS_PROXY)) ?? env.http_proxy ?? env.HTTP_PROXY, noProxy: env.no_proxy ?? env.NO_PROXY };
}

/** Timeouts short enough that a stalled registry is noticed, long enough for a slow one. */
function defaultAgent(insecure: boolean, via: ProxySettings | 'env' | undefined, timeoutMs: number, connections: number, tls: RegistryTls | undefined): Dispatcher {
  const proxy = via !== undefined;
  // The proxy's URL with its credentials: another user or password is another pool. Never shown.
  const proxyKey = typeof via === 'object' ? `=${JSON.stringify([via.url, via.strictSSL !== false, via.authorization ?? ''])}` : '';
  const trust = tls ? `-${JSON.stringify([tls.ca, tls.cert ?? '', tls.key ?? ''])}` : '';
  // The trust store a pool widens to is read where these say (systemTrust.ts).
  const store = insecure ? '' : `-${process.env.SSL_CERT_FILE ?? ''}:${process.env.SSL_CERT_DIR ?? ''}`;
  const key = `${insecure ? 'insecure' : 'secure'}${proxy ? `-proxy${proxyKey}` : ''}-${timeoutMs}-${connections}${trust}${store}`;
  const existing = sharedAgents[key];
  if (existing) return existing;
  const timeout = connectTimeout(timeoutMs);
  // `connections` caps each origin's pool; a queued request's timeouts start only once it has a socket. Behind a
  // proxy the registry's TLS is undici's `requestTls` (its `connect` is the proxy's), with the machine's trust store
  // from the start; directly, only once a certificate needs it (alertHearingConnector).
  const options = { connections, headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
  if (typeof via === 'object' && isSocksProxy(via.url)) {
    // The ordinary pool (its connection limit, its timeouts), each connection a SOCKS5 tunnel; TLS to the registry
    // inside it with the registry's trust and the machine's store from the start.
    const tlsConnect = undici().buildConnector({ ...tlsOptions(insecure, tls, { system: true }), timeout } as never);
    return (sharedAgents[key] = new (undici().Agent)({ ...options, connect: socksConnector(proxyUrl(via), timeout, tlsConnect as never) as never }));
  }
  if (typeof via === 'object') {
    // CONNECT for https registries; plain-HTTP ones in absolute form (proxyTunnel: false), as curl sends them. The
    // registry's TLS keeps its trust; the proxy's own certificate is checked against Node's and the machine's CAs
    // unless strictSSL is false. Credentials in the URL become Proxy-Authorization (undici).
    const secure = tlsOptions(insecure, tls, { system: true });
    const uri = proxyUrl(via);
    // The machine's store is read only for a proxy that speaks TLS itself (rare: most are http://, even for https).
    const proxyTls = via.strictSSL === false ? { rejectUnauthorized: false } : uri.protocol === 'https:' ? tlsOptions(false, undefined, { system: true }) : {};
    const { Pool, ProxyAgent } = undici();
    // Connections to the proxy itself mark their errors, so a refused connection or an untrusted certificate is
    // said to be the proxy's, not the registry's (the tunnel's TLS to the registry fails with the same codes).
    type Connect = (opts: object, done: (err: Error | null, socket: unknown) => void) => void;
    const marked = (connect: unknown): Connect => (opts, done) => (connect as Connect)(opts, (err, socket) => done(err ? markProxyError(err) : null, socket));
    const toProxy = (origin: string | URL) => new URL(origin).origin === uri.origin;
    return (sharedAgents[key] = new ProxyAgent({
      ...options,
      uri: uri.toString(),
      // VS Code's http.proxyAuthorization: the Proxy-Authorization header itself, over the URL's credentials.
      ...(via.authorization ? { token: via.authorization } : {}),
      proxyTunnel: false,
      proxyTls: { ...proxyTls, timeout },
      requestTls: { ...secure, timeout },
      // The CONNECT client's pool, and the absolute-form pool to the proxy (with the same limits as any other).
      clientFactory: (origin, opts) => new Pool(origin, { ...opts, connect: marked((opts as { connect?: unknown } | undefined)?.connect) as never }),
      factory: (origin, opts) => new Pool(origin, { ...opts, ...options, ...(toProxy(origin) ? { connect: marked((opts as { connect?: unknown }).connect) as never } : {}) }),
    }));
  }
  if (proxy) {
    const secure = tlsOptions(insecure, tls, { system: true });
    return (sharedAgents[key] = new (undici().EnvHttpProxyAgent)({ ...options, connect: { ...secure, timeout }, requestTls: secure }));
  }
  const withSystemStore = () => (systemCaCertificates().length > 0 ? { ...tlsOptions(insecure, tls, { system: true }), timeout } : undefined);
  const connect = alertHearingConnector(undici().buildConnector, { ...tlsOptions(insecure, tls), timeout }, insecure ? undefined : withSystemStore);
  return (sharedAgents[key] = new (undici().Agent)({ ...options, connect }));
}

/**
 * Drops the default connection pools, so a CLI process can exit at once: a graceful close waits for
 * the registry to close each idle keep-alive socket too. Call it when no request is running.
 */
export async function closeDefaultAgents(): Promise<void> {
  const agents = Object.values(sharedAgents);
  sharedAgents = {};
  await Promise.all(agents.map((a) => a.destroy()));
}

/**
 * Forgets the default pools (a proxy setting changed): clients made after use new ones. Clients made before keep
 * theirs, so a running copy is not cut off; their idle connections close on their own (keep-alive timeout).
 */
export function forgetDefaultAgents(): void {
  sharedAgents = {};
}

/**
 * The HTTP side of one registry: base URL, authorization (through an Authorizer shared by all its
 * repositories), bounded retries with backoff for what is transient, and redirects that never carry
 * the Authorization header to another host.
 */
export class RegistryClient {
  readonly baseUrl: string;
  private readonly baseOrigin: string;
  readonly authorizer: Authorizer;
  private dispatcherMade: Dispatcher | undefined;
  /** How the registry itself is reached (routeTo), known once its pool is made; not for a caller's own dispatcher. */
  private route: ProxySettings | 'env' | undefined;
  /** The explicit proxy this client's requests go through, without credentials: it names the proxy's errors. */
  private proxyShown: string | undefined;
  /** What connections to this registry trust and show beyond the system's; read at the first request. */
  private tls: RegistryTls | undefined;
  private readonly retry: RetryOptions;
  private readonly timeoutMs: number;
  private readonly connections: number;
  /** The timeout a stall message names: unknown when the caller's dispatcher has its own. */
  private readonly knownTimeoutMs: number | undefined;
  /** A request gave up on this registry not answering, and none was answered since: the next gets one try. */
  private stalling = false;
  /**
   * Requests (`METHOD url`) whose answer stopped midway: how often (a caller's retry, copyGraph's, counts on in that
   * budget), and how many tries of every kind they took (what the last one says).
   */
  private readonly bodyStalls = new Map<string, { stalls: number; tries: number }>();
  private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(readonly registry: string, readonly options: RegistryClientOptions = {}) {
    this.baseUrl = `${options.plainHttp ? 'http' : 'https'}://${registryEndpointHost(registry)}`;
    this.baseOrigin = new URL(this.baseUrl).origin;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.knownTimeoutMs = options.dispatcher && options.timeoutMs === undefined ? undefined : this.timeoutMs;
    const connections = Math.max(1, options.maxConnections ?? DEFAULT_MAX_CONNECTIONS);
    this.dispatcherMade = options.dispatcher;
    this.connections = connections;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.wait = options.sleep ?? sleep;
    this.authorizer = new Authorizer({
      credentials: options.credentials,
      forceOAuth2: options.forceOAuth2,
      mayCarryCredentials: (url) => this.mayCarryCredentials(url),
      fetchToken: async (req) => {
        let res: RegistryResponse;
        try {
          res = await this.raw(req.method, req.url, { ...this.options.headers, ...req.headers, 'user-agent': this.userAgent }, req.body, req.signal, true);
        } catch (err) {
          // A token server that stalls or drops the connection is named, as the registry's own requests are.
          if (req.signal?.aborted) throw err;
          const stall = stallOf(err);
          if (stall) throw stalled(err, stallMessage(`token server ${new URL(req.url).host}`, req.method, req.url, this.stallTimeout(stall), 1, stall));
          throw this.placed(err, req.method, req.url);
        }
        // A refusal is shown cut short; a token must be read whole, and one too large to read says so (not "not JSON").
        if (res.status !== 200) return { status: res.status, text: await readText(res.body, MAX_ERROR_BODY) };
        const realm = new URL(req.url);
        const tooLarge = () => new OciError('REGISTRY', `${this.registry}: the token answer from ${realm.origin}${realm.pathname} is larger than ${MAX_TOKEN_ANSWER} bytes`);
        return { status: res.status, text: (await readCapped(res.body, MAX_TOKEN_ANSWER, tooLarge, () => discard(res.body))).toString('utf8') };
      },
    });
  }

  /** The connection pool: the caller's, or a shared one for this registry's TLS trust (its files read now). */
  private get dispatcher(): Dispatcher {
    if (!this.dispatcherMade) {
      const host = registryEndpointHost(this.registry);
      this.tls = this.baseUrl.startsWith('https:') ? registryTls(this.registry, this.options.tlsFiles) : undefined;
      const via = (this.route = routeTo(host, this.baseUrl.startsWith('http:'), this.options.proxy));
      if (typeof via === 'object') this.proxyShown = shownProxy(via);
      this.dispatcherMade = defaultAgent(Boolean(this.options.insecure), via, this.timeoutMs, this.connections, this.tls);
    }
    return this.dispatcherMade;
  }

  /**
   * The pool for a request to `target`: the registry's, or, for another host a redirect or a token realm names (blob
   * storage, a CDN, an auth server), the route that host takes, as Go's clients decide it per request: an internal
   * registry in noProxy whose blobs live on S3 reaches S3 through the proxy, and a proxied one redirecting to a
   * storage host in noProxy dials it directly. The registry's TLS trust goes along (as Go's one Transport's does).
   */
  private dispatcherFor(target: URL): Dispatcher {
    const own = this.dispatcher;
    if (this.options.dispatcher || target.origin === this.baseOrigin) return own;
    const plainHttp = target.protocol === 'http:';
    const via = routeTo(target.host, plainHttp, this.options.proxy);
    if (via === this.route) return own;
    if (typeof via === 'object') this.proxyShown = shownProxy(via);
    return defaultAgent(Boolean(this.options.insecure), via, this.timeoutMs, this.connections, this.tls);
  }

  get userAgent(): string {
    return this.options.userAgent ?? 'manifold/0.1';
  }

  /** Whether it is the same registry, reached the same way: a cross-repository mount needs that. */
  sameRegistryAs(other: RegistryClient): boolean {
    return this.baseUrl === other.baseUrl;
  }

  /**
   * Sends a request, authorizing and retrying as needed, and returns the response whatever its status
   * (the caller knows which are fine). A request whose body is a stream is sent once: it cannot be
   * replayed, so the caller restarts from its source.
   */
  async send(req: RegistryRequest): Promise<RegistryResponse> {
    const url = new URL(req.url, this.baseUrl).toString();
    const replayable = isReplayable(req.body);
    let authorization = await this.authorizer.headerFor(this.registry, req.scopes, req.signal);
    let answeredChallenge = false;
    let stalls = 0;
    // Tries of this request a caller already made, whose answer stopped midway (see watchBody).
    const key = `${req.method} ${url}`;
    const earlier = this.bodyStalls.get(key)?.tries ?? 0;
    for (let attempt = 0; ; attempt++) {
      req.signal?.throwIfAborted();
      const ownHost = new URL(url).host === new URL(this.baseUrl).host;
      const headers: Record<string, string> = { 'user-agent': this.userAgent, ...(ownHost ? this.options.headers : undefined), ...req.headers };
      // Only the registry's own host gets the header: an upload Location may point at blob storage elsewhere.
      if (authorization && new URL(url).host === new URL(this.baseUrl).host) {
        if (!this.mayCarryCredentials(new URL(url))) {
          throw new OciError('INVALID_ARGUMENT', `refusing to send credentials in clear to ${new URL(url).origin}: use TLS, or --plain-http to allow it`);
        }
        headers.authorization = authorization;
      }
      let res: RegistryResponse;
      try {
        res = await this.raw(req.method, url, headers, req.body, req.signal, replayable);
        answeredFrom(url);
      } catch (err) {
        // A certificate not trusted, or one the registry wants: the same on every try. (The proxy's: said as its.)
        const certificate = isProxyError(err) ? undefined : certificateError(err, this.registry, url, this.tls);
        if (certificate) throw certificate;
        const stall = stallOf(err);
        if (stall) stalls++;
        // A stall spends its own, smaller budget (one try in all while this registry is known to stall).
        const attempts = stall ? Math.min(this.retry.attempts, attempt + 1 + (this.stalling ? 1 : this.retry.stallAttempts) - stalls) : this.retry.attempts;
        if (replayable && attempt + 1 < attempts && isRetryableError(err) && !req.signal?.aborted) {
          await this.backoff(req.method, url, attempt, undefined, describeError(err), req.signal, attempts);
          continue;
        }
        if (req.signal?.aborted) throw err;
        if (!stall || (this.proxyShown !== undefined && isProxyError(err))) throw this.placed(err, req.method, url);
        this.stalling = true;
        this.bodyStalls.delete(key);
        throw stalled(err, stallMessage(`registry ${this.registry}`, req.method, url, this.stallTimeout(stall), earlier + attempt + 1, stall));
      }
      this.stalling = false;
      this.watchBody(res, req.method, url, earlier + attempt);
      if (res.status === 401 && !answeredChallenge) {
        answeredChallenge = true;
        let next: string | undefined;
        try {
          next = await this.authorizer.respond(this.registry, res.header('www-authenticate'), req.scopes, req.signal, headers.authorization);
        } catch (err) {
          // The 401 is answered by nobody now (a token refused or too large, no realm, a cancel): its body unread
          // would keep its connection, a body over undici's 64 KiB buffer until the 60 s body timeout.
          discard(res.body);
          throw err;
        }
        if (next && next !== authorization) {
          await res.body.dump().catch(() => undefined);
          if (!replayable) {
            // The body stream is spent; the token is cached now, so the caller's restart goes through.
            throw new RegistryError(req.method, url, 401, [], { message: `${req.method} ${url}: unauthorized before the upload started`, retryable: true });
          }
          authorization = next;
          attempt--; // answering a challenge is not a failed attempt
          continue;
        }
        return res; // nothing better to send: the caller reports the 401
      }
      if (replayable && attempt + 1 < this.retry.attempts && isRetryableStatus(res.status)) {
        const retryAfter = res.header('retry-after');
        await res.body.dump().catch(() => undefined);
        await this.backoff(req.method, url, attempt, retryAfter, `status ${res.status}`, req.signal);
        continue;
      }
      return res;
    }
  }

  /** Sends, and throws a RegistryError (NOT_FOUND as an OciError) unless the status is one of `ok`. */
  async expect(req: RegistryRequest, ok: number[], what: string): Promise<RegistryResponse> {
    const res = await this.send(req);
    if (ok.includes(res.status)) return res;
    throw await responseError(req.method, res, what);
  }

  /** Waits before attempt `attempt + 1` (backoff, or the registry's Retry-After), telling `onRetry` why. */
  async backoff(method: string, url: string, attempt: number, retryAfter: string | undefined, reason: string, signal?: AbortSignal, attempts = this.retry.attempts): Promise<void> {
    const delayMs = retryDelay(attempt, retryAfter, this.retry);
    const timeoutMs = reason === CONNECT_TIMEOUT ? connectTimeout(this.timeoutMs) : this.timeoutMs;
    this.options.onRetry?.({ registry: this.registry, method, url, attempt: attempt + 1, attempts, delayMs, reason, timeoutMs });
    await this.wait(delayMs, signal);
  }

  /**
   * An answer that stops midway (undici's body timeout) is a stall as well, read by the caller after send returned:
   * the caller's retry (copyGraph's) is counted here, per request, against the same budget, and the last one allowed
   * says so plainly and is not retryable, so a copy asks a stalling registry twice, not three times.
   */
  private watchBody(res: RegistryResponse, method: string, url: string, before: number): void {
    const key = `${method} ${url}`;
    res.body.once('end', () => this.bodyStalls.delete(key));
    // Prepended after nameBodyErrors' listener, so it runs first: the message is the stall's.
    res.body.prependListener('error', (err: Error) => {
      if ((err as { code?: unknown }).code !== BODY_TIMEOUT) return;
      const stalls = (this.bodyStalls.get(key)?.stalls ?? 0) + 1;
      // This try and every one before it (`before`: its headers' stalls and retries, earlier answers cut short).
      const tries = before + 1;
      this.stalling = true;
      const spent = stalls >= Math.min(this.retry.attempts, this.retry.stallAttempts);
      if (spent) this.bodyStalls.delete(key);
      else this.bodyStalls.set(key, { stalls, tries });
      stalled(err, stallMessage(`registry ${this.registry}`, method, url, this.knownTimeoutMs, tries, 'body'), spent);
    });
  }

  /** A transport error named: the proxy's (not reached, tunnel refused) as the proxy's, others by their request. */
  private placed(err: unknown, method: string, url: string): unknown {
    const message = this.proxyShown === undefined ? undefined : proxyErrorMessage(err, this.proxyShown, method, url);
    return message === undefined ? withPlace(err, method, url) : renamed(err, message);
  }

  /** The timeout a stall of this kind waited out, when known (not with the caller's own dispatcher). */
  private stallTimeout(kind: StallKind): number | undefined {
    return this.knownTimeoutMs === undefined || kind !== 'connect' ? this.knownTimeoutMs : connectTimeout(this.knownTimeoutMs);
  }

  /** TLS always may; plain HTTP only to loopback, or when the user said `--plain-http` for this registry. */
  mayCarryCredentials(url: URL): boolean {
    if (url.protocol === 'https:') return true;
    if (isLoopbackHost(url.host)) return true;
    return Boolean(this.options.plainHttp) && url.host === new URL(this.baseUrl).host;
  }

  /** One exchange, following redirects by hand: the Authorization header stays with its host. */
  private async raw(method: string, url: string, headers: Record<string, string>, body: RequestBody | undefined, signal: AbortSignal | undefined, followRedirects: boolean): Promise<RegistryResponse> {
    let current = url;
    let currentHeaders = headers;
    let currentMethod = method;
    let currentBody = body;
    for (let hop = 0; ; hop++) {
      const target = new URL(current);
      const request = this.dispatcherFor(target).request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: currentMethod as Dispatcher.HttpMethod,
        headers: currentHeaders,
        // undici sends async iterables too (its request.js), though its types name only streams.
        body: (currentBody ?? null) as Dispatcher.DispatchOptions['body'],
        signal,
        // undici closes the connection after each HEAD by default (for servers that wrongly send a body);
        // registries answer HEAD properly, and existence checks are most of a no-op copy's requests.
        ...(currentMethod === 'HEAD' ? { reset: false } : {}),
      });
      // A failure past a redirect names where it was sent (storage, a CDN): the registry's URL alone would mislead.
      const r = hop === 0 ? await request : await request.catch((err: unknown) => Promise.reject(redirectedTo(err, current)));
      nameBodyErrors(r.body, currentMethod, current);
      const res: RegistryResponse = {
        status: r.statusCode,
        url: current,
        headers: r.headers,
        body: r.body,
        header: (name) => firstHeader(r.headers[name]),
      };
      const location = res.header('location');
      if (!followRedirects || !isRedirect(res.status) || !location) return res;
      if (!isReplayable(currentBody)) return res;
      await r.body.dump().catch(() => undefined);
      const next = URL.canParse(location, current) ? new URL(location, current) : undefined;
      if (!next) throw new OciError('REGISTRY', `${method} ${redactUrl(url)}: redirected to ${JSON.stringify(redactUrl(location))}, which is no URL`);
      if (hop >= MAX_REDIRECTS) {
        throw new OciError('REGISTRY', `${method} ${redactUrl(url)}: more than ${MAX_REDIRECTS} redirects, the last to ${redactUrl(next.toString())}`);
      }
      const from = new URL(current);
      if (next.host !== from.host || next.protocol !== from.protocol) {
        // Blob storage behind a redirect (S3, a CDN) must never see the registry's credentials, nor headers the user
        // gave for the registry (an API key, say).
        const { authorization: _dropped, ...rest } = currentHeaders;
        for (const name of Object.keys(this.options.headers ?? {})) delete rest[name];
        currentHeaders = rest;
      }
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && currentMethod === 'POST')) {
        currentMethod = 'GET';
        currentBody = undefined;
      }
      current = next.toString();
    }
  }
}

/** A transport error past a redirect, its message led by where the redirect went (the request is named later). */
function redirectedTo(err: unknown, url: string): unknown {
  if (err instanceof Error && !(err instanceof OciError) && err.name !== 'AbortError') err.message = `redirected to ${redactUrl(url)}: ${err.message}`;
  return err;
}

/** Bytes can be sent again; a stream or an iterable is spent once sent. */
function isReplayable(body: RequestBody | undefined): boolean {
  return body === undefined || typeof body === 'string' || body instanceof Uint8Array;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status === 500 || status === 502 || status === 503 || status === 504;
}

function firstHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** A transport error by its code (ECONNRESET, UND_ERR_SOCKET), anything else by its message. */
export function describeError(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && !(err instanceof OciError) ? code : (err as Error).message;
}

/** Stops reading a response and frees its connection; undici reports the abort as an error nobody needs. */
export function discard(body: RegistryResponse['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Reads a response body as text, at most `limit` bytes (error bodies and token answers are small). */
export async function readText(body: RegistryResponse['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      total += (chunk as Buffer).length;
      if (total > limit) {
        discard(body);
        break;
      }
      chunks.push(chunk as Buffer);
    }
  } catch {
    // a body cut short still says what it said
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads a whole answer the registry gives in JSON (a page, a list), at most `limit` bytes: one larger is refused as
 * too large, naming `where`, rather than cut short and then refused as malformed.
 */
export function readAnswer(res: RegistryResponse, limit: number, where: string): Promise<Buffer> {
  return readCapped(res.body, limit, () => new OciError('REGISTRY', `${where}: the answer is larger than ${limit} bytes`), () => discard(res.body));
}

/**
 * Reads a page the registry answers in JSON (a tag list, a catalog page) as an object: an HTML page from a
 * proxy, `null` or a body over `limit` is refused naming the request, not parsed into a bare SyntaxError.
 */
export async function readJsonObject(res: RegistryResponse, limit: number, what: string): Promise<Record<string, unknown>> {
  const where = `${what}: GET ${redactUrl(res.url)}`;
  const bytes = await readAnswer(res, limit, where);
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    doc = undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    const type = (res.header('content-type') ?? 'no Content-Type').split(';')[0]!.trim();
    throw new OciError('REGISTRY', `${where}: the answer is not a JSON object (${type}, ${bytes.length} bytes)`);
  }
  return doc as Record<string, unknown>;
}

/** The error for a response that is not what was asked for: NOT_FOUND for a 404, else a RegistryError. */
export async function responseError(method: string, res: RegistryResponse, what: string): Promise<Error> {
  const text = method === 'HEAD' ? '' : await readText(res.body, MAX_ERROR_BODY);
  if (method === 'HEAD') await res.body.dump().catch(() => undefined);
  const details = parseErrorBody(text);
  const error = new RegistryError(method, res.url, res.status, details);
  if (res.status === 404) return new OciError('NOT_FOUND', `${what}: not found`, { cause: error });
  if (res.status === 405 && method === 'DELETE') return new OciError('UNSUPPORTED', `${what}: the registry does not allow deletion`, { cause: error });
  if (details.some((d) => d.code === 'DIGEST_INVALID')) return new OciError('DIGEST_MISMATCH', `${what}: the registry found the content does not match its digest`, { cause: error });
  if (details.some((d) => d.code === 'MANIFEST_INVALID' || d.code === 'MANIFEST_BLOB_UNKNOWN')) {
    return new OciError('INVALID_MANIFEST', `${what}: ${error.message}`, { cause: error });
  }
  return new RegistryError(method, res.url, res.status, details, { message: `${what}: ${error.message}` });
}
