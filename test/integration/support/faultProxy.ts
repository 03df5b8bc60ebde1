import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopbackServer';

/**
 * What to do to one request: `reset` drops the connection before answering (the upstream never sees
 * the request), `reset-request` passes the headers and half of the request body upstream then drops
 * both connections (the upstream sees a cut request), `reset-body` sends the response headers and part
 * of its body then drops it, `500`/`503`/`429` answer that status (429 with `Retry-After`), `stall`
 * never answers. Anything else passes through to the upstream.
 */
export type Fault = 'reset' | 'reset-request' | 'reset-body' | 500 | 503 | 429 | 'stall';

export interface FaultRule {
  method?: string;
  /** Matched against the path and query. */
  path?: RegExp;
  fault: Fault;
  /** How many matching requests get the fault (default: every one). */
  times?: number;
  /** How many matching requests pass untouched before the fault applies (default 0). */
  skip?: number;
}

export interface FaultProxy {
  host: string;
  url: string;
  /** Requests seen, with the fault each got (or 'pass'). */
  log: Array<{ method: string; path: string; fault: Fault | 'pass'; contentRange?: string }>;
  setRules(rules: FaultRule[]): void;
  stop(): Promise<void>;
}

/** An HTTP proxy in front of a registry that injects faults by rule, on 127.0.0.1. */
export async function startFaultProxy(upstream: string, rules: FaultRule[] = []): Promise<FaultProxy> {
  let active = rules.map((r) => ({ ...r }));
  const log: FaultProxy['log'] = [];
  const target = new URL(upstream);

  const pick = (req: IncomingMessage): Fault | undefined => {
    for (const rule of active) {
      if (rule.method && rule.method !== req.method) continue;
      if (rule.path && !rule.path.test(req.url ?? '')) continue;
      if (rule.skip) {
        rule.skip--;
        continue;
      }
      if (rule.times !== undefined) {
        if (rule.times <= 0) continue;
        rule.times--;
      }
      return rule.fault;
    }
    return undefined;
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const fault = pick(req);
    const contentRange = req.headers['content-range'];
    log.push({ method: req.method ?? '', path: req.url ?? '', fault: fault ?? 'pass', ...(contentRange ? { contentRange: String(contentRange) } : {}) });
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'stall') {
      req.resume();
      return; // never answered: the client's timeout must notice
    }
    if (fault === 500 || fault === 503 || fault === 429) {
      req.resume();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault === 429) headers['retry-after'] = '1';
      res.writeHead(fault, headers).end(JSON.stringify({ errors: [{ code: fault === 429 ? 'TOOMANYREQUESTS' : 'UNKNOWN', message: 'injected fault' }] }));
      return;
    }
    if (fault === 'reset-request') {
      const cut = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } });
      cut.on('error', () => undefined);
      const half = Math.floor(Number(req.headers['content-length'] ?? 0) / 2);
      let forwarded = 0;
      req.on('data', (chunk: Buffer) => {
        if (forwarded >= half) return;
        const part = chunk.subarray(0, half - forwarded);
        forwarded += part.length;
        if (forwarded < half) {
          cut.write(part);
          return;
        }
        // Let the upstream read the half before both connections go.
        cut.write(part, () => setTimeout(() => {
          cut.destroy();
          req.socket.destroy();
        }, 50));
      });
      return;
    }
    const upstreamReq = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (up) => {
        const headers = { ...up.headers };
        if (headers.location) headers.location = String(headers.location).replace(upstream, `http://127.0.0.1:${port}`);
        res.writeHead(up.statusCode ?? 502, headers);
        if (fault === 'reset-body') {
          let sent = 0;
          up.on('data', (chunk: Buffer) => {
            if (sent > 0) return;
            sent += chunk.length;
            res.write(chunk.subarray(0, Math.max(1, Math.floor(chunk.length / 2))), () => res.socket?.destroy());
          });
          return;
        }
        up.pipe(res);
      },
    );
    upstreamReq.on('error', () => res.socket?.destroy());
    req.pipe(upstreamReq);
  });
  const { host, port, stop } = await listenOnLoopback(server, { unref: true });
  return {
    host,
    url: `http://${host}`,
    log,
    setRules(next) {
      active = next.map((r) => ({ ...r }));
    },
    stop,
  };
}
