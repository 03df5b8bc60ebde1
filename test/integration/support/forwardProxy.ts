import { createServer, request, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { connect, type Socket } from 'node:net';

/**
 * An HTTP proxy on 127.0.0.1, as a corporate one: CONNECT tunnels (https) and absolute-form requests (plain http).
 * It knows only the hosts `routes` maps (`registry.invalid:443` -> `127.0.0.1:PORT`), so the client under test never
 * resolves those names itself and nothing but loopback is dialled; any other host gets 502. With `credentials`
 * (`user:password`) it wants them as Basic Proxy-Authorization, and answers 407 without. With `tls` (PEM certificate
 * and key) it is an https:// proxy: the client speaks TLS to it, and inside, to the registry, again.
 */
export interface ForwardProxy {
  url: string;
  port: number;
  /** Tunnels opened (`CONNECT host:port`) and absolute-form requests forwarded (`absolute host:port`). */
  forwarded: Map<string, number>;
  /** The Proxy-Authorization values it was sent. */
  authorizations: string[];
  close(): Promise<void>;
}

export async function startForwardProxy(routes: Record<string, string>, credentials?: string, tls?: { cert: string; key: string }): Promise<ForwardProxy> {
  const forwarded = new Map<string, number>();
  const authorizations: string[] = [];
  const sockets = new Set<Socket>();
  const count = (target: string) => forwarded.set(target, (forwarded.get(target) ?? 0) + 1);
  const allowed = (req: IncomingMessage) => {
    const header = req.headers['proxy-authorization'];
    if (header) authorizations.push(header);
    return !credentials || header === `Basic ${Buffer.from(credentials).toString('base64')}`;
  };
  const forward: RequestListener = (req, res) => {
    // Absolute form: GET http://registry.invalid:5000/v2/ HTTP/1.1
    const url = URL.canParse(req.url ?? '') ? new URL(req.url!) : undefined;
    const target = url ? `${url.hostname}:${url.port || '80'}` : '';
    if (!allowed(req)) return void res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
    const upstream = routes[target];
    if (!url || !upstream) return void res.writeHead(502).end(`no route to ${target}`);
    count(`absolute ${target}`);
    const [host, port] = upstream.split(':');
    const { 'proxy-authorization': _auth, 'proxy-connection': _pc, ...headers } = req.headers;
    const out = request({ host, port: Number(port), method: req.method, path: `${url.pathname}${url.search}`, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  };
  const server: Server = tls ? createTlsServer(tls, forward) : createServer(forward);
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('error', () => undefined);
    if (!allowed(req)) return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
    const target = req.url ?? '';
    const upstream = routes[target];
    if (!upstream) return void client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    count(`CONNECT ${target}`);
    const [host, port] = upstream.split(':');
    const socket = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) socket.write(head);
      socket.pipe(client);
      client.pipe(socket);
    });
    sockets.add(socket);
    socket.on('error', () => client.destroy());
    client.on('close', () => socket.destroy());
  });
  server.on(tls ? 'secureConnection' : 'connection', (s: Socket) => sockets.add(s));
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    forwarded,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
