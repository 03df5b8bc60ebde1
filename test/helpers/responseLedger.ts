// A dispatcher for a RegistryClient (its `dispatcher` option) that keeps a ledger of the responses it hands out, over a
// real undici Agent made as the client makes its own (8 connections a registry, 60 s timeouts): a test asks, once an
// operation settled, whether any response was left unread and whether the pool got every connection back.
import { Agent, Dispatcher } from 'undici';

/** A response handed to the client whose body was neither read to its end nor destroyed (dumped, cancelled). */
export interface UnreadResponse {
  method: string;
  url: string;
  status: number;
}

/** One origin's pool, as undici 7 counts it (Pool `stats`). */
export interface PoolNumbers {
  connected: number;
  free: number;
  pending: number;
  queued: number;
  running: number;
  size: number;
}

export interface ResponseLedger {
  dispatcher: Dispatcher;
  /** Responses handed out so far. */
  readonly handedOut: number;
  /** Those whose body is still unread and open now. */
  unread(): UnreadResponse[];
  /** Each origin's pool now. */
  pools(): Record<string, PoolNumbers>;
  /**
   * Throws, naming what is left, unless every response handed out was read or dropped and every pool has nothing
   * running, pending or queued and each connection it holds is free. A dropped body closes its socket a few event loop
   * turns later: the pools are looked at again for a while before a busy one counts.
   */
  assertAllGivenBack(what: string): Promise<void>;
  close(): Promise<void>;
}

/** What the client's own agent is made with (client.ts defaultAgent): the cap and timeouts a leak runs into. */
export function responseLedger(options: { connections?: number } = {}): ResponseLedger {
  const agent = new Agent({ connections: options.connections ?? 8, headersTimeout: 60_000, bodyTimeout: 60_000 });
  const open = new Map<Dispatcher.ResponseData['body'], UnreadResponse>();
  let handedOut = 0;

  class Watched extends Dispatcher {
    override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      return agent.dispatch(opts, handler);
    }
    override close(): Promise<void> {
      return agent.close();
    }
    override destroy(): Promise<void> {
      return agent.destroy();
    }
  }
  const watched = new Watched();
  // The promise form RegistryClient.raw uses: each response's body followed until it ends or is destroyed.
  const request = watched.request.bind(watched) as (opts: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
  (watched as unknown as { request: typeof request }).request = async (opts) => {
    const data = await request(opts);
    handedOut++;
    const entry = { method: String(opts.method), url: `${String(opts.origin)}${opts.path}`, status: data.statusCode };
    open.set(data.body, entry);
    const settled = () => open.delete(data.body);
    data.body.once('end', settled);
    data.body.once('close', settled);
    return data;
  };

  const unread = () => [...open].filter(([body]) => !body.destroyed && !body.readableEnded).map(([, e]) => e);
  const pools = () => agent.stats as unknown as Record<string, PoolNumbers>;
  const busy = () => Object.entries(pools()).filter(([, s]) => s.running || s.pending || s.queued || s.connected !== s.free);
  return {
    dispatcher: watched,
    get handedOut() {
      return handedOut;
    },
    unread,
    pools,
    async assertAllGivenBack(what) {
      const left = unread();
      const shown = () => Object.entries(pools()).map(([o, s]) => `${o} ${JSON.stringify(s)}`).join('; ');
      if (left.length) throw new Error(`${what}: ${left.length} response(s) left unread: ${left.map((e) => `${e.method} ${e.url} ${e.status}`).join(', ')} (pools: ${shown()})`);
      // A bounded wait (not a timing assertion): sockets of dropped bodies close on their own turns of the loop.
      for (let turn = 0; turn < 200 && busy().length; turn++) await new Promise((r) => setTimeout(r, 5));
      if (busy().length) throw new Error(`${what}: connections not given back: ${shown()}`);
    },
    close: () => agent.destroy(),
  };
}
