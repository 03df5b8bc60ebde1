import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TokenRequestRecord {
  method: string;
  scopes: string[];
  user?: string;
  grant?: string;
}

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certificatePem: string;
  /** Every token request, for tests of caching and scopes. */
  requests: TokenRequestRecord[];
  stop(): Promise<void>;
}

/**
 * A small token server for distribution's token auth: users with passwords, tokens signed ES256 with a
 * throw-away certificate sent in `x5c` (the registry trusts it through `rootcertbundle`). It answers
 * GET with basic auth (Docker's flow) and the OAuth2 POST (password and refresh_token grants), and
 * grants every action asked for to a known user; anonymous users get pull only when `anonymousPull`.
 */
export async function startTokenServer(options: { users: Record<string, string>; anonymousPull?: boolean; expiresIn?: number }): Promise<TokenServer> {
  const dir = mkdtempSync(join(tmpdir(), 'manifold-token-'));
  let key: KeyObject;
  let certificatePem: string;
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=manifold-test-token'], { stdio: 'ignore' });
    key = createPrivateKey(readFileSync(join(dir, 'key.pem')));
    certificatePem = readFileSync(join(dir, 'cert.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const certDer = new X509Certificate(certificatePem).raw.toString('base64');
  const service = 'manifold-test-registry';
  const issuer = 'manifold-test-issuer';
  const requests: TokenRequestRecord[] = [];
  const refreshTokens = new Map<string, string>();

  const issue = (user: string | undefined, scopes: string[]) => {
    const access = scopes.flatMap((scope) => {
      const last = scope.lastIndexOf(':');
      const first = scope.indexOf(':');
      if (first === -1 || first === last) return [];
      const type = scope.slice(0, first);
      const name = scope.slice(first + 1, last);
      let actions = scope.slice(last + 1).split(',').filter(Boolean);
      if (!user) actions = options.anonymousPull ? actions.filter((a) => a === 'pull') : [];
      return actions.length ? [{ type, name, actions }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'ES256', typ: 'JWT', x5c: [certDer] };
    const claims = { iss: issuer, sub: user ?? '', aud: service, exp: now + (options.expiresIn ?? 300), nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/token') return reply(404, { error: 'not found' });
    if (req.method === 'GET') {
      const scopes = url.searchParams.getAll('scope');
      let user: string | undefined;
      const auth = req.headers.authorization;
      if (auth) {
        user = checkBasic(auth, options.users);
        if (!user) return reply(401, { error: 'invalid credentials' });
      }
      requests.push({ method: 'GET', scopes, ...(user ? { user } : {}) });
      return reply(200, { token: issue(user, scopes), expires_in: options.expiresIn ?? 300, issued_at: new Date().toISOString() });
    }
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const grant = form.get('grant_type') ?? '';
      const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
      let user: string | undefined;
      if (grant === 'password') {
        const u = form.get('username') ?? '';
        if (options.users[u] === undefined || options.users[u] !== form.get('password')) return reply(401, { error: 'invalid_grant' });
        user = u;
      } else if (grant === 'refresh_token') {
        user = refreshTokens.get(form.get('refresh_token') ?? '');
        if (!user) return reply(401, { error: 'invalid_grant' });
      } else {
        return reply(400, { error: 'unsupported_grant_type' });
      }
      requests.push({ method: 'POST', scopes, user, grant });
      const refresh = randomBytes(12).toString('hex');
      refreshTokens.set(refresh, user);
      return reply(200, { access_token: issue(user, scopes), expires_in: options.expiresIn ?? 300, refresh_token: refresh });
    }
    reply(405, { error: 'method not allowed' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as { port: number };
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certificatePem,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}


export function b64url(s: string): string {
  return Buffer.from(s).toString('base64url');
}

function checkBasic(header: string, users: Record<string, string>): string | undefined {
  const m = /^Basic\s+(.+)$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  return colon > 0 && users[user] !== undefined && users[user] === decoded.slice(colon + 1) ? user : undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
