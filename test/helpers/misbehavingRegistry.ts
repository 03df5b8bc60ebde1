import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../integration/support/loopbackServer';

/** The upstream's answer, read whole, for a rule to pass on as it is or altered. */
export interface UpstreamAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** The request body, read whole. */
  body: Buffer;
  /** Sends the request on (to `path`, or where it was sent) to the well-behaved registry behind and returns its answer (nothing is sent to the client). */
  upstream(path?: string): Promise<UpstreamAnswer>;
  /** Sends an answer as it is (hop-by-hop headers dropped, Content-Length recomputed unless `keepLength`). */
  send(answer: UpstreamAnswer, keepLength?: boolean): void;
}

/** One way to misbehave: on requests matching method and path (and query), `act` answers in place of the registry. */
export interface Misbehaviour {
  method?: string;
  path?: RegExp;
  /** How many matching requests it answers (default: every one). */
  times?: number;
  act(exchange: Exchange): void | Promise<void>;
}

export interface MisbehavingRegistry {
  host: string;
  /** Every request seen: `METHOD /path?query`. */
  requests: string[];
  misbehave(rules: Misbehaviour[]): void;
  stop(): Promise<void>;
}

/**
 * A registry on 127.0.0.1 that misbehaves as told: each request a rule matches is answered by the rule,
 * anything else goes to `upstream` (a well-behaved registry's base URL), or gets a 404 without one.
 */
export async function startMisbehavingRegistry(upstream?: string): Promise<MisbehavingRegistry> {
  let rules: Misbehaviour[] = [];
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      return;
    }
    const body = Buffer.concat(chunks);
    const exchange: Exchange = {
      req,
      res,
      body,
      upstream: (path) => forward(upstream, req, body, path),
      send: (answer, keepLength) => send(res, answer, keepLength || req.method === 'HEAD'),
    };
    const rule = rules.find((r) => (!r.method || r.method === req.method) && (!r.path || r.path.test(req.url ?? '')) && (r.times === undefined || r.times > 0));
    try {
      if (rule) {
        if (rule.times !== undefined) rule.times--;
        await rule.act(exchange);
        return;
      }
      if (!upstream) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"NOT_FOUND","message":"nothing here"}]}');
        return;
      }
      exchange.send(await exchange.upstream());
    } catch {
      res.socket?.destroy();
    }
  });
  const { host, stop } = await listenOnLoopback(server, { unref: true });
  return {
    host,
    requests,
    misbehave(next) {
      rules = next.map((r) => ({ ...r }));
    },
    stop,
  };
}

function forward(upstream: string | undefined, req: IncomingMessage, body: Buffer, path = req.url): Promise<UpstreamAnswer> {
  if (!upstream) return Promise.resolve({ status: 404, headers: {}, body: Buffer.alloc(0) });
  const target = new URL(upstream);
  return new Promise((resolve, reject) => {
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path, headers: { ...req.headers, host: target.host } }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
      answer.on('error', reject);
    });
    up.on('error', reject);
    up.end(body);
  });
}

function send(res: ServerResponse, answer: UpstreamAnswer, keepLength = false): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(answer.headers)) {
    if (v === undefined || k === 'connection' || k === 'keep-alive' || k === 'transfer-encoding') continue;
    if (k === 'content-length' && !keepLength) continue;
    headers[k] = v;
  }
  if (!keepLength) headers['content-length'] = String(answer.body.length);
  res.writeHead(answer.status, headers).end(answer.body);
}
