// The TLS side of a registry connection: what it trusts and shows (tlsTrust.ts), and its failures said as what they
// are. A certificate signed by a CA this machine does not know, and a registry that wants a client certificate, are
// the two ways a private registry refuses a first connection; undici reports the second as a bare "other side
// closed" (it hears the registry's TLS alert, then drops it for the close that follows) and it was retried as a
// dropped connection would be. So the connection is wrapped to hear the alert itself.
import { readFileSync } from 'node:fs';
import type { buildConnector as BuildConnector } from 'undici';
import { OciError } from '../errors';
import { systemCaCertificates } from './systemTrust';
import type { RegistryTls } from './tlsTrust';

/** Codes of a server certificate no trusted CA signed (Node's, from OpenSSL's verify results). */
const UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/**
 * The registry's TLS alerts that are about the client certificate: missing, not trusted, or refused. OpenSSL 3.5
 * (Node 24, as code-server's extension host runs) says `ERR_SSL_SSL/TLS_ALERT_...` where 3.0 said `SSLV3`/`TLSV1...`.
 */
const CLIENT_CERTIFICATE_ALERT = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13|SSL\/TLS)_ALERT_(?:BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED|HANDSHAKE_FAILURE)$/;

/** The alert a socket error `code` is, in words (`bad certificate`), when it is one about the client certificate. */
export function clientCertificateAlert(code: string): string | undefined {
  return CLIENT_CERTIFICATE_ALERT.test(code) ? code.replace(/^ERR_SSL_.+?_ALERT_/, '').toLowerCase().replace(/_/g, ' ') : undefined;
}

/** An alert heard on a connection to `host:port` lately: the request that fails with it is told by the time. */
const alerts = new Map<string, { code: string; at: number }>();
const ALERT_MS = 10_000;

function alertKey(hostname: string, port: string | number | undefined): string {
  return `${hostname}:${port || 443}`;
}

/** A request to `url` was answered: an alert heard before from its host is history (a retry after a fix, say). */
export function answeredFrom(url: string): void {
  if (alerts.size === 0) return;
  const target = new URL(url);
  alerts.delete(alertKey(target.hostname, target.port));
}

/**
 * TLS options for undici (its connector, or a proxy's `requestTls`): Node's CAs plus `tls`'s and, with `system`, the
 * machine's trust store (systemTrust.ts); its client pair. Custom trust is one secure context for every connection
 * of the pool: made from Node's 144 CAs it takes ~20 ms, which tls.connect spent again per connection when handed
 * `ca` (eight connections to one registry: 160 ms).
 */
export function tlsOptions(insecure: boolean, tls: RegistryTls | undefined, { system = false } = {}): Record<string, unknown> {
  const options: Record<string, unknown> = { rejectUnauthorized: !insecure };
  const machine = system && !insecure ? systemCaCertificates() : [];
  const given = tls?.ca ?? [];
  if (given.length === 0 && machine.length === 0 && tls?.cert === undefined) return options;
  const nodeTls = require('node:tls') as typeof import('node:tls');
  const context: import('node:tls').SecureContextOptions = {};
  // `ca` replaces Node's trust rather than adding to it: Node's roots and NODE_EXTRA_CA_CERTS go first.
  if (given.length > 0 || machine.length > 0) context.ca = [...nodeTls.rootCertificates, ...machine, ...extraCaCertificates(), ...given];
  if (tls?.cert !== undefined) Object.assign(context, { cert: tls.cert, key: tls.key });
  options.secureContext = nodeTls.createSecureContext(context);
  return options;
}

function extraCaCertificates(): string[] {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return [];
  try {
    return [readFileSync(file, 'utf8')];
  } catch {
    return []; // Node itself only warns about it
  }
}

/**
 * undici's connector for `options`, noting the TLS alerts each connection hears (see certificateError). A registry
 * certificate no CA of Node's signed is tried once more with `withSystemStore()`'s options (the machine's trust
 * store added), and the pool keeps to those from then on: a registry Node trusts pays nothing for reading the
 * store and the context made of it (~50 ms), one only the machine trusts one refused handshake.
 */
export function alertHearingConnector(buildConnector: typeof BuildConnector, options: Record<string, unknown>, withSystemStore?: () => Record<string, unknown> | undefined): BuildConnector.connector {
  // undici's own types pair a null error with a socket: what comes is passed on as it came.
  type Done = (err: NodeJS.ErrnoException | null, socket: import('node:net').Socket | null) => void;
  let connect = buildConnector(options as BuildConnector.BuildOptions) as unknown as (opts: BuildConnector.Options, done: Done) => void;
  let widened = false;
  const heard = (opts: BuildConnector.Options, done: Done): Done => (err, socket) => {
    socket?.on('error', (e: NodeJS.ErrnoException) => {
      if (typeof e.code === 'string' && CLIENT_CERTIFICATE_ALERT.test(e.code)) alerts.set(alertKey(opts.hostname, opts.port), { code: e.code, at: Date.now() });
    });
    done(err, socket);
  };
  const connector = (opts: BuildConnector.Options, callback: Done) => {
    const used = connect;
    used(opts, (err, socket) => {
      if (err && withSystemStore && typeof err.code === 'string' && UNKNOWN_CA.has(err.code)) {
        if (!widened) {
          widened = true;
          const wider = withSystemStore();
          if (wider) connect = buildConnector(wider as BuildConnector.BuildOptions) as unknown as typeof connect;
        }
        // Connections begun before the pool widened (eight at once, say) are each tried again the wider way.
        if (connect !== used) return connect(opts, heard(opts, callback));
      }
      heard(opts, callback)(err, socket);
    });
  };
  return connector as unknown as BuildConnector.connector;
}

/**
 * A failed request's error as the certificate problem it is, or undefined: the registry's certificate signed by a
 * CA not trusted here (UNTRUSTED), or a client certificate it wants or refused (CLIENT_CERTIFICATE). Neither is
 * retried: a second try meets the same certificate.
 */
export function certificateError(err: unknown, registry: string, url: string, tls: RegistryTls | undefined): OciError | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  if (UNKNOWN_CA.has(code)) {
    const trusted = tls?.ca.length ? ` (trusted besides the system's: ${tls.caFrom.join(', ')})` : '';
    return new OciError('UNTRUSTED', `registry ${registry}: its TLS certificate is not signed by a CA this machine trusts${trusted}: ${(err as Error).message} (${code})`, { cause: err, registry });
  }
  const target = new URL(url);
  const alert = alerts.get(alertKey(target.hostname, target.port));
  if (!alert || Date.now() - alert.at > ALERT_MS || !/^(UND_ERR_SOCKET|ECONNRESET|EPIPE)$/.test(code)) return undefined;
  const said = clientCertificateAlert(alert.code)!;
  const message =
    tls?.certFrom !== undefined
      ? `registry ${registry} refused the client certificate ${tls.certFrom} (TLS alert: ${said})`
      : `registry ${registry} asks for a client certificate (TLS alert: ${said})`;
  return new OciError('CLIENT_CERTIFICATE', message, { cause: err, registry });
}
