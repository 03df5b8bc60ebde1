import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ListeningServer {
  host: string;
  port: number;
  /** Ends the open connections (a keep-alive client would hold close() open), then closes the server. */
  stop(): Promise<void>;
}

/** Starts a test server on 127.0.0.1 at a free port; `unref`: it alone does not keep the process alive. */
export async function listenOnLoopback(server: Server, options: { unref?: boolean } = {}): Promise<ListeningServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  if (options.unref) server.unref();
  const { port } = server.address() as { port: number };
  return {
    host: `127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
