import { connect, createServer, type Socket } from 'node:net';

/**
 * A SOCKS5 proxy on 127.0.0.1 (as `ssh -D` makes one): it knows only the hosts `routes` maps (`registry.invalid:443`
 * -> `127.0.0.1:PORT`), so a client that resolved a name itself, or went around it, fails; any other host gets reply
 * 4 (host unreachable). With `credentials` (`user:password`) it wants RFC 1929's user and password.
 */
export interface SocksProxy {
  url: string;
  port: number;
  /** Tunnels opened, by the `host:port` the client asked for (a name, as sent: the proxy resolves it). */
  tunnels: Map<string, number>;
  close(): Promise<void>;
}

export async function startSocksProxy(routes: Record<string, string>, credentials?: string): Promise<SocksProxy> {
  const tunnels = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    void serve(client).catch(() => client.destroy());
  });
  const serve = async (client: Socket) => {
    const [, count] = await take(client, 2);
    const methods = [...(await take(client, count!))];
    const wanted = credentials ? 2 : 0;
    if (!methods.includes(wanted)) return void client.end(Buffer.from([5, 0xff]));
    client.write(Buffer.from([5, wanted]));
    if (credentials) {
      const [, ulen] = await take(client, 2);
      const user = (await take(client, ulen!)).toString();
      const [plen] = await take(client, 1);
      const password = (await take(client, plen!)).toString();
      if (`${user}:${password}` !== credentials) return void client.end(Buffer.from([1, 1]));
      client.write(Buffer.from([1, 0]));
    }
    const [, , , type] = await take(client, 4);
    const host =
      type === 3 ? (await take(client, (await take(client, 1))[0]!)).toString() : type === 1 ? [...(await take(client, 4))].join('.') : (await take(client, 16)).toString('hex');
    const port = (await take(client, 2)).readUInt16BE(0);
    const target = `${host}:${port}`;
    const upstream = routes[target];
    if (!upstream) return void client.end(Buffer.from([5, 4, 0, 1, 0, 0, 0, 0, 0, 0]));
    tunnels.set(target, (tunnels.get(target) ?? 0) + 1);
    const [uhost, uport] = upstream.split(':');
    const out = connect({ host: uhost, port: Number(uport) }, () => {
      client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
      out.pipe(client);
      client.pipe(out);
    });
    sockets.add(out);
    out.on('close', () => sockets.delete(out));
    out.on('error', () => client.destroy());
    client.on('close', () => out.destroy());
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const auth = credentials ? `${credentials.split(':').map(encodeURIComponent).join(':')}@` : '';
  return {
    url: `socks5://${auth}127.0.0.1:${port}`,
    port,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Exactly `n` bytes from the socket, the rest left for the next read. */
async function take(socket: Socket, n: number): Promise<Buffer> {
  for (;;) {
    const chunk = socket.read(n) as Buffer | null;
    if (chunk) return chunk;
    if (socket.destroyed || socket.readableEnded) throw new Error('closed');
    await new Promise<void>((resolve) => {
      const done = () => {
        socket.off('readable', done).off('close', done).off('end', done);
        resolve();
      };
      socket.on('readable', done).on('close', done).on('end', done);
    });
  }
}
