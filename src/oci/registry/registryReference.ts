import { parseDigest } from '../digest';
import { OciError } from '../errors';
import { checkTag } from '../reference';

/** A reference to a repository on a registry: `registry[:port]/repo/path[:tag|@digest]`, as oras parses it. */
export interface RegistryReference {
  /** Host and optional port, as typed: `localhost:5000`, `ghcr.io`. */
  registry: string;
  repository: string;
  /** A tag or a digest; undefined when only the repository is named. */
  reference?: string;
  /** Further tags given as `repo:t1,t2` (oras's grammar for pushes). */
  extraTags: string[];
}

// distribution-spec: path components of lowercase alphanumerics separated by `.`, `_`, `__` or dashes.
const REPOSITORY_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
// A host name or IPv4 address, or a bracketed IPv6 address, with an optional port.
const REGISTRY_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

export function isValidRepository(name: string): boolean {
  return name.length <= 255 && REPOSITORY_RE.test(name);
}

/** Why a repository name is refused, in words that point at the fault rather than restating the whole grammar. */
function repositoryProblem(name: string): string {
  if (name.length > 255) return `it is ${name.length} characters long, and a repository name has at most 255`;
  if (name !== name.toLowerCase() && REPOSITORY_RE.test(name.toLowerCase())) return `repository names are lowercase (${JSON.stringify(name.toLowerCase())} would do)`;
  const bad = name.split('/').find((part) => !REPOSITORY_RE.test(part));
  const where = bad === undefined || bad === name ? '' : ` in ${JSON.stringify(bad)}`;
  return `${bad === '' ? 'an empty path component' : 'a path component is lowercase letters and digits, separated by one of . _ __ or dashes'}${bad === '' ? '' : where}`;
}

export function checkRegistry(registry: string): string {
  if (!REGISTRY_RE.test(registry)) throw new OciError('INVALID_ARGUMENT', `invalid registry ${JSON.stringify(registry)}`);
  return registry;
}

/** A registry as a person types it where only a registry is asked for: a host, or a URL with its scheme. */
export interface RegistryAddress {
  host: string;
  /** true for `http://`, false for `https://`, undefined when no scheme was typed. */
  plainHttp?: boolean;
}

/**
 * Accepts `host[:port]`, and also `http://host[:port]` or `https://host[:port]` with an optional trailing `/`,
 * since people paste the URL their registry printed. The scheme says plain HTTP or not; a path is refused,
 * as a registry is named by its host alone.
 */
export function parseRegistryAddress(text: string): RegistryAddress {
  const trimmed = text.trim();
  const m = /^(https?):\/\/([^/]*)\/?$/i.exec(trimmed);
  if (!m) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
      throw new OciError('INVALID_ARGUMENT', `invalid registry ${JSON.stringify(trimmed)}: give a host and optional port, or an http:// or https:// URL without a path`);
    }
    return { host: checkRegistry(trimmed) };
  }
  return { host: checkRegistry(m[2]!), plainHttp: m[1]!.toLowerCase() === 'http' };
}

/**
 * Parses `registry/repository[:tag|@digest]`. The registry is whatever precedes the first `/`; it is
 * required (no implicit docker.io), as in oras. `@` splits off a digest, else the last `:` after the
 * last `/` splits off a tag.
 */
export function parseRegistryReference(raw: string, options: { allowTagList?: boolean } = {}): RegistryReference {
  const slash = raw.indexOf('/');
  if (slash <= 0) {
    throw new OciError('INVALID_ARGUMENT', `invalid reference ${JSON.stringify(raw)}: expected registry/repository[:tag|@digest] (or pass --oci-layout for a layout folder)`);
  }
  const registry = checkRegistry(raw.slice(0, slash));
  let rest = raw.slice(slash + 1);
  let reference: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    reference = rest.slice(at + 1);
    rest = rest.slice(0, at);
    parseDigest(reference);
    // `repo:tag@digest`: the digest wins, as in oras; the tag is only checked.
    const colon = rest.lastIndexOf(':');
    if (colon !== -1) {
      checkTag(rest.slice(colon + 1));
      rest = rest.slice(0, colon);
    }
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon !== -1) {
      reference = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
    }
  }
  if (!isValidRepository(rest)) {
    throw new OciError('INVALID_ARGUMENT', `invalid reference ${JSON.stringify(raw)}: invalid repository ${JSON.stringify(rest)}: ${repositoryProblem(rest)}`);
  }
  let extraTags: string[] = [];
  if (reference !== undefined && at === -1) {
    const tags = reference.split(',');
    if (tags.length > 1 && !options.allowTagList) throw new OciError('INVALID_ARGUMENT', `${JSON.stringify(raw)}: only one tag is allowed here`);
    tags.forEach(checkTag);
    reference = tags[0];
    extraTags = tags.slice(1);
  }
  return { registry, repository: rest, reference, extraTags };
}

/** `registry/repo:tag` or `registry/repo@digest`. */
export function formatRegistryReference(registry: string, repository: string, reference?: string): string {
  const base = `${registry}/${repository}`;
  if (!reference) return base;
  return reference.includes(':') ? `${base}@${reference}` : `${base}:${reference}`;
}

/** The host that serves a registry's API: Docker Hub's name differs from its endpoint. */
export function registryEndpointHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

/** Whether a host (with or without port) is a loopback address, where plain HTTP cannot be overheard. */
export function isLoopbackHost(hostWithPort: string): boolean {
  let host = hostWithPort;
  if (host.startsWith('[')) host = host.slice(1, host.indexOf(']'));
  else if (host.includes(':') && host.split(':').length === 2) host = host.slice(0, host.indexOf(':'));
  host = host.toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1';
}
