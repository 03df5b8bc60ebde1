// An explicit HTTP proxy for registry requests (the extension's `http.proxy`): who bypasses it, how it is shown.
import { OciError } from '../errors';
import { redactUrl } from './registryError';
import { isLoopbackHost } from './registryReference';

/** Proxy URL schemes spoken as SOCKS5 (socks.ts); `socks5h` as `socks5`: the proxy resolves names either way, as in Go. */
export const SOCKS_PROTOCOLS = ['socks5:', 'socks5h:', 'socks:'];

export interface ProxySettings {
  /** `http://[user:pass@]host:port` (or https://); credentials go in Proxy-Authorization, never in a message. */
  url: string;
  /** Hosts reached directly, as NO_PROXY names them: `host`, `.suffix` (or `*.suffix`), `host:port`, `*`. */
  noProxy?: string[];
  /** false: the proxy's own certificate is not verified (VS Code's `http.proxyStrictSSL`). The registry's still is. */
  strictSSL?: boolean;
  /** The Proxy-Authorization header's value (VS Code's `http.proxyAuthorization`), sent instead of the URL's credentials; never shown. */
  authorization?: string;
}

/** Whether `url` (a setting's or a variable's text) names a SOCKS5 proxy (SOCKS_PROTOCOLS), spoken by socks.ts. */
export function isSocksProxy(url: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url.trim())?.[1];
  return scheme !== undefined && SOCKS_PROTOCOLS.includes(`${scheme.toLowerCase()}:`);
}

/** The proxy URL parsed; a bare `host:port` (as some settings hold it) is taken as http. */
export function proxyUrl(proxy: ProxySettings): URL {
  const text = proxy.url.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  const url = URL.canParse(withScheme) ? new URL(withScheme) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:' && !SOCKS_PROTOCOLS.includes(url.protocol))) {
    throw new OciError('INVALID_ARGUMENT', `proxy ${JSON.stringify(maskProxy(text))} is not an http://, https:// or socks5:// URL`);
  }
  return url;
}

/** The proxy as a message may show it: its credentials masked. */
export function maskProxy(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/@]*@/i, (_m, scheme: string | undefined) => `${scheme ?? ''}***@`);
}

/** The proxy's origin (scheme, host, port), which names it in errors: no credentials. */
export function shownProxy(proxy: ProxySettings): string {
  const url = proxyUrl(proxy);
  return `${url.protocol}//${url.host}`;
}

/**
 * Whether a registry (`host[:port]`, reached on `defaultPort` when it names none) goes around the proxy: loopback
 * always, or a noProxy entry matches it as NO_PROXY's do in curl: `*`; a host and its subdomains (`example.com`,
 * `.example.com`, `*.example.com`); with `:port`, only that port.
 */
export function bypassesProxy(registryHost: string, defaultPort: number, noProxy: readonly string[] = []): boolean {
  if (isLoopbackHost(registryHost)) return true;
  const { host, port } = splitHost(registryHost, defaultPort);
  for (const raw of noProxy.flatMap((e) => e.split(','))) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const e = splitHost(entry, 0);
    if (e.port !== 0 && e.port !== port) continue;
    const name = e.host.replace(/^\*?\./, '');
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

function splitHost(hostPort: string, defaultPort: number): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort);
  if (v6) return { host: v6[1]!.toLowerCase(), port: v6[2] ? Number(v6[2]) : defaultPort };
  const m = /^([^:]+):(\d+)$/.exec(hostPort);
  return m ? { host: m[1]!.toLowerCase(), port: Number(m[2]) } : { host: hostPort.toLowerCase(), port: defaultPort };
}

/** Errors of a connection to the proxy itself (marked by its connector in client.ts), whatever their code. */
const proxyErrors = new WeakSet<object>();

export function markProxyError<E>(err: E): E {
  if (typeof err === 'object' && err !== null) proxyErrors.add(err);
  return err;
}

/** Whether the error (or the one it wraps, as undici's SecureProxyConnectionError does) is the proxy connection's. */
export function isProxyError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  return proxyErrors.has(err) || isProxyError((err as { cause?: unknown }).cause);
}

/**
 * What to say of an error that is the proxy's, not the registry's: it could not be reached, its certificate is not
 * trusted, or it refused the tunnel (407: its credentials). Undefined for any other error. `shown` has no credentials.
 */
export function proxyErrorMessage(err: unknown, shown: string, method: string, url: string): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const place = `(${method} ${redactUrl(url)})`;
  const refused = /^Proxy response \((\d+)\) !== 200/.exec(err.message) ?? /^Proxy Authentication Required \((407)\)/.exec(err.message);
  if (refused) {
    const status = refused[1];
    const why = status === '407' ? ': it wants other credentials (user:password@ in the proxy URL)' : '';
    return `proxy ${shown} refused the connection to ${new URL(url).host} with status ${status}${why} ${place}`;
  }
  if (!isProxyError(err)) return undefined;
  const cause = proxyErrors.has(err) ? err : ((err as { cause?: unknown }).cause as Error);
  const code = String((cause as { code?: unknown }).code ?? 'error');
  // A SOCKS5 proxy's refusal says itself what it refused (socks.ts).
  if (code === 'SOCKS_REFUSED' || code === 'SOCKS_AUTH') return `proxy ${shown}: ${cause.message} ${place}`;
  const text = cause.message.includes(code) ? cause.message : `${code}: ${cause.message}`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)) {
    return `proxy ${shown}: its TLS certificate is not trusted: ${text} (strictSSL false skips this check) ${place}`;
  }
  return `proxy ${shown} could not be reached: ${text} ${place}`;
}
