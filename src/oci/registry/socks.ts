// SOCKS5 (RFC 1928, with RFC 1929's user and password): registries reached through `ssh -D 1080 bastion` and the
// like, as Go's clients (oras, docker, skopeo) reach them for HTTPS_PROXY=socks5://. The host name goes to the proxy,
// which resolves it: a registry only the far side knows is found. Our own few lines rather than undici's
// Socks5ProxyAgent (experimental in 7.x, a warning on stderr): that one ignores the pool's connection limit and has
// timeouts of its own; this is a connector for the ordinary pool, so both hold as for any registry.
import type { Socket } from 'node:net';
import { markProxyError } from './proxy';

type Callback = (err: Error | null, socket: Socket | null) => void;
type Connector = (options: { hostname: string; port: string | number; protocol: string; servername?: string; httpSocket?: Socket }, callback: Callback) => void;

const REPLIES = ['', 'general SOCKS server failure', 'connection not allowed by ruleset', 'network unreachable', 'host unreachable', 'connection refused', 'TTL expired', 'command not supported', 'address type not supported'];

/** A refusal by the proxy: `code` SOCKS_REFUSED (it could not or would not connect) or SOCKS_AUTH (credentials). */
function refusal(code: 'SOCKS_REFUSED' | 'SOCKS_AUTH', message: string): Error {
  return markProxyError(Object.assign(new Error(message), { code }));
}

/**
 * undici's `connect` for a pool whose connections go through the SOCKS5 proxy `proxy`: the tunnel to the origin,
 * then TLS over it (by `tlsConnect`, the registry's own trust) for https. The handshake has `timeoutMs` as a
 * connection does; its errors are marked the proxy's, so they are said to be the proxy's.
 */
export function socksConnector(proxy: URL, timeoutMs: number, tlsConnect: Connector): Connector {
  return (options, callback) => {
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    socksTunnel(proxy, options.hostname, port, timeoutMs).then(
      (socket) => (options.protocol === 'https:' ? tlsConnect({ ...options, httpSocket: socket }, callback) : callback(null, socket)),
      (err: Error) => callback(err, null),
    );
  };
}

/** A socket to `host:port` through the proxy, the SOCKS5 handshake done. */
export async function socksTunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<Socket> {
  const { connect } = require('node:net') as typeof import('node:net');
  const socket = connect({ host: proxy.hostname.replace(/^\[|\]$/g, ''), port: Number(proxy.port) || 1080 });
  const timer = setTimeout(() => {
    const err = Object.assign(new Error(`no SOCKS5 connection to ${host}:${port} within ${timeoutMs / 1000} s`), { code: 'UND_ERR_CONNECT_TIMEOUT' });
    socket.destroy(markProxyError(err));
  }, timeoutMs);
  try {
    await handshake(socket, proxy, host, port);
    return socket;
  } catch (err) {
    socket.destroy();
    throw markProxyError(err);
  } finally {
    clearTimeout(timer);
  }
}

async function handshake(socket: Socket, proxy: URL, host: string, port: number): Promise<void> {
  const user = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  const withCredentials = user !== '' || password !== '';
  // Methods offered: no authentication, and user/password when the URL has them.
  socket.write(Buffer.from(withCredentials ? [5, 2, 0, 2] : [5, 1, 0]));
  const [version, method] = await read(socket, 2);
  if (version !== 5) throw refusal('SOCKS_REFUSED', `it does not speak SOCKS5 (it answered version ${version})`);
  if (method === 0xff) throw refusal('SOCKS_AUTH', withCredentials ? 'it accepts none of the ways to sign in offered' : 'it wants a user and password (user:password@ in the proxy URL)');
  if (method === 2) {
    if (!withCredentials) throw refusal('SOCKS_AUTH', 'it wants a user and password (user:password@ in the proxy URL)');
    const u = Buffer.from(user);
    const p = Buffer.from(password);
    if (u.length > 255 || p.length > 255) throw refusal('SOCKS_AUTH', 'its user or password is longer than SOCKS5 allows (255 bytes)');
    socket.write(Buffer.concat([Buffer.from([1, u.length]), u, Buffer.from([p.length]), p]));
    const [, status] = await read(socket, 2);
    if (status !== 0) throw refusal('SOCKS_AUTH', 'it refused the user and password');
  } else if (method !== 0) {
    throw refusal('SOCKS_REFUSED', `it chose a way to sign in that was not offered (${method})`);
  }
  socket.write(Buffer.concat([Buffer.from([5, 1, 0]), address(host), Buffer.from([port >> 8, port & 0xff])]));
  const [, reply, , type] = await read(socket, 4);
  if (reply !== 0) throw refusal('SOCKS_REFUSED', `it refused the connection to ${host}:${port}: ${REPLIES[reply!] ?? `reply ${reply}`}`);
  // The address it bound, which nothing here needs: read past it.
  const length = type === 1 ? 4 : type === 4 ? 16 : type === 3 ? (await read(socket, 1))[0]! : -1;
  if (length < 0) throw refusal('SOCKS_REFUSED', `its answer has an unknown address type ${type}`);
  await read(socket, length + 2);
}

/** The destination as SOCKS5 writes it: an IP literal as such, a name as a name (the proxy resolves it). */
function address(host: string): Buffer {
  const bare = host.replace(/^\[|\]$/g, '');
  const { isIPv4, isIPv6 } = require('node:net') as typeof import('node:net');
  if (isIPv4(bare)) return Buffer.from([1, ...bare.split('.').map(Number)]);
  if (isIPv6(bare)) return Buffer.concat([Buffer.from([4]), ipv6Bytes(bare)]);
  const name = Buffer.from(bare);
  if (name.length > 255) throw refusal('SOCKS_REFUSED', `${bare}: a host name longer than SOCKS5 allows`);
  return Buffer.concat([Buffer.from([3, name.length]), name]);
}

function ipv6Bytes(literal: string): Buffer {
  // An IPv4 tail (::ffff:10.0.0.1) as the two groups it is.
  const text = literal.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a, b, c, d) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
  const [head = '', tail = ''] = text.split('::');
  const part = (s: string) => (s ? s.split(':') : []);
  const h = part(head);
  const t = part(tail);
  const groups = text.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** Exactly `n` bytes, leaving what follows in the socket for whoever reads next (TLS, the HTTP client). */
async function read(socket: Socket, n: number): Promise<Buffer> {
  for (;;) {
    const chunk = socket.read(n) as Buffer | null;
    if (chunk) return chunk;
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        socket.off('readable', ready).off('error', done).off('end', ended).off('close', ended);
        if (err) reject(err);
        else resolve();
      };
      const ready = () => done();
      const ended = () => done(new Error('it closed the connection during the SOCKS5 handshake'));
      socket.on('readable', ready).on('error', done).on('end', ended).on('close', ended);
    });
  }
}
