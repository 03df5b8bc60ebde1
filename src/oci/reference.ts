import { isDigest, parseDigest } from './digest';
import { OciError } from './errors';
import { quotedText } from './shownName';

/** The distribution-spec tag grammar. */
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

export function isValidTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

/** Referrers stored under the fallback tag schema (`sha256-<hex>`), which users do not think of as tags. */
export function isFallbackTag(tag: string): boolean {
  return /^(sha256-[a-f0-9]{64}|sha512-[a-f0-9]{128})$/.test(tag);
}

/** What a tag may be, in words for messages. */
export const TAG_RULE = 'a tag is 1 to 128 of [A-Za-z0-9_.-], not starting with . or -';

export function checkTag(tag: string): string {
  if (!isValidTag(tag)) {
    // Quoted with what cannot be seen escaped: the name may come from a registry's tag list, not from the user.
    throw new OciError('INVALID_ARGUMENT', `invalid tag ${quotedText(tag)}: ${TAG_RULE}`);
  }
  return tag;
}

// What a digest begins with (its algorithm), so `DIR@sha256:../x` is still read, and refused, as a digest.
const DIGEST_START = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:/;

/** A reference into an OCI image layout: `DIR`, `DIR:tag`, `DIR:t1,t2` (several tags), or `DIR@digest`. */
export interface LayoutReference {
  path: string;
  /** The first tag, or the digest; undefined when only the folder is named. */
  reference?: string;
  /** Further tags given as `DIR:t1,t2,t3` (oras's grammar for create). */
  extraTags: string[];
}

/**
 * Parses `<path>[:<tag>|@<digest>]` as oras does: the last `@` splits off a digest, else the last `:` a tag. An `@`
 * followed by a path separator, and not by `algorithm:`, is part of a folder name (`/home/me@corp/app:v1`).
 */
export function parseLayoutReference(raw: string, options: { allowTagList?: boolean } = {}): LayoutReference {
  let path: string;
  let reference: string | undefined;
  const at = raw.lastIndexOf('@');
  if (at !== -1 && (DIGEST_START.test(raw.slice(at + 1)) || !/[/\\]/.test(raw.slice(at + 1)))) {
    path = raw.slice(0, at);
    reference = raw.slice(at + 1);
    parseDigest(reference);
  } else {
    const colon = raw.lastIndexOf(':');
    path = colon === -1 ? raw : raw.slice(0, colon);
    reference = colon === -1 ? undefined : raw.slice(colon + 1);
  }
  if (path === '') throw new OciError('INVALID_ARGUMENT', `found empty file path in ${JSON.stringify(raw)}`);
  let extraTags: string[] = [];
  if (reference !== undefined && !isDigest(reference)) {
    const tags = reference.split(',');
    if (tags.length > 1 && !options.allowTagList) {
      throw new OciError('INVALID_ARGUMENT', `${JSON.stringify(raw)}: only one tag is allowed here`);
    }
    tags.forEach(checkTag);
    reference = tags[0];
    extraTags = tags.slice(1);
  }
  return { path, reference: reference === '' ? undefined : reference, extraTags };
}

/** Formats what `parseLayoutReference` took apart, as oras prints it (`dir:tag`, `dir@sha256:...`). */
export function formatLayoutReference(path: string, reference?: string): string {
  if (!reference) return path;
  return isDigest(reference) ? `${path}@${reference}` : `${path}:${reference}`;
}

/** `sha256:abcdef012345` (the first 12 hex digits), as oras shows digests in progress lines. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return colon === -1 ? digest : digest.slice(colon + 1, colon + 13);
}

/**
 * Whether an error's `message` names `reference` as the tag or digest of a reference (`DIR:v1`, `host/app:v1`,
 * `DIR@sha256:…`): a layout's and a registry's reads name the reference they were resolved by, so a caller's
 * prefix naming it again (`v1: manifest … in DIR:v1`) is left off.
 */
export function namesReference(message: string, reference: string): boolean {
  if (!reference) return false;
  const quoted = reference.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`[:@]${quoted}(?=$|[\\s:;,)])`).test(message);
}
