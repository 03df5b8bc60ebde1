import vscode = require('vscode');
import type { ProxySettings } from '../../oci/registry';

/** The settings that say how registries are reached: a change drops the clients and their pools. */
export const PROXY_SETTINGS = ['http.proxy', 'http.noProxy', 'http.proxyStrictSSL', 'http.proxySupport', 'http.proxyAuthorization'];

/**
 * VS Code's proxy settings for the registry client: VS Code routes Node's http and https modules for extensions, but
 * the client is undici, which they do not reach. `http.proxySupport` off: no proxy at all. No `http.proxy`:
 * undefined, so the client honours HTTPS_PROXY and NO_PROXY, as VS Code itself falls back to them.
 */
export function proxySettings(): ProxySettings | false | undefined {
  const http = vscode.workspace.getConfiguration('http');
  if (http.get<string>('proxySupport') === 'off') return false;
  const url = http.get<string>('proxy', '').trim();
  if (!url) return undefined;
  const noProxy = http.get<unknown>('noProxy', []);
  const authorization = http.get<unknown>('proxyAuthorization');
  return {
    url,
    noProxy: Array.isArray(noProxy) ? noProxy.filter((e): e is string => typeof e === 'string') : [],
    strictSSL: http.get<boolean>('proxyStrictSSL', true) !== false,
    ...(typeof authorization === 'string' && authorization.trim() ? { authorization: authorization.trim() } : {}),
  };
}
