// The machine's own trust store, as the registry's TLS trust. Node trusts its own copy of Mozilla's CA list, not
// the store an administrator adds a company's CA to (update-ca-certificates, update-ca-trust, the keychain), which
// oras, docker, podman and skopeo read: a private registry they all reach was refused here until its CA was given
// again (--ca-file, certs.d). Only what Node lacks is added, so a machine with no CA of its own changes nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The bundles Go reads on Linux and the BSDs (crypto/x509's certFiles), first readable wins: Debian and Ubuntu,
 * Fedora and RHEL 6, openSUSE, OpenELEC, CentOS and RHEL 7+, Alpine, FreeBSD.
 */
const BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
  '/usr/local/etc/ssl/cert.pem',
];

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** A certificate's base64 body, whitespace dropped: the same certificate however a file wraps its lines. */
const body = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');

let known: { key: string; extra: string[] } | undefined;

/**
 * The certificates (PEM) of the system's trust store that Node's own list lacks; [] when there are none or the store
 * cannot be read. Node 22.15 and later give the store themselves (macOS and Windows too); before, on Linux and the
 * BSDs, it is read as Go reads it: $SSL_CERT_FILE, else the first bundle of BUNDLES that reads, and each file of the
 * folders in $SSL_CERT_DIR (Go also reads /etc/ssl/certs file by file when it is unset: the bundle holds the same).
 * Worked out once per process (per SSL_CERT_FILE and SSL_CERT_DIR).
 */
export function systemCaCertificates(env: NodeJS.ProcessEnv = process.env): string[] {
  const key = `${env.SSL_CERT_FILE ?? ''}\0${env.SSL_CERT_DIR ?? ''}`;
  if (known?.key === key) return known.extra;
  const tls = require('node:tls') as typeof import('node:tls') & { getCACertificates?: (type: string) => string[] };
  const store = typeof tls.getCACertificates === 'function' ? safely(() => tls.getCACertificates!('system')) : storeFileCertificates(env);
  const extra = notNodes(store);
  known = { key, extra };
  return extra;
}

/** The certificates of `store` (PEM) that Node's own list lacks, each once. */
export function notNodes(store: readonly string[]): string[] {
  const node = new Set((require('node:tls') as typeof import('node:tls')).rootCertificates.map(body));
  const seen = new Set<string>();
  return store.filter((pem) => {
    const b = body(pem);
    if (node.has(b) || seen.has(b)) return false;
    seen.add(b);
    return true;
  });
}

/** The certificates (PEM) of the trust store's files, found as Go finds them (see systemCaCertificates). */
export function storeFileCertificates(env: NodeJS.ProcessEnv = process.env): string[] {
  return storeFiles(env).flatMap(certificatesIn);
}

/** The texts of the trust store's files, as Go finds them; unreadable ones left out. */
function storeFiles(env: NodeJS.ProcessEnv): string[] {
  if (process.platform === 'win32' || process.platform === 'darwin') return []; // a keychain or a registry hive, not files
  const texts: string[] = [];
  for (const file of env.SSL_CERT_FILE ? [env.SSL_CERT_FILE] : BUNDLES) {
    const text = readText(file);
    if (text !== undefined) {
      texts.push(text);
      break;
    }
  }
  for (const dir of (env.SSL_CERT_DIR ?? '').split(':').filter(Boolean)) {
    for (const name of safely(() => readdirSync(dir)).sort()) {
      const text = readText(join(dir, name));
      if (text !== undefined) texts.push(text);
    }
  }
  return texts;
}

function certificatesIn(text: string): string[] {
  return text.match(PEM) ?? [];
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return undefined; // missing, a folder, unreadable: as Go, the next one
  }
}

function safely<T>(read: () => T[]): T[] {
  try {
    return read();
  } catch {
    return [];
  }
}
