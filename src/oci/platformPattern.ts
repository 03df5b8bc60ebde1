import type { Descriptor, Platform } from './descriptor';
import { OciError } from './errors';
import { globMatches } from './glob';
import { entryPlatform, formatPlatform, normalizePlatform, parsePlatform, platformMatches, shownPlatform, textPlatform } from './platform';

/**
 * One `--platform` value: an exact platform (`linux/arm64`), or a pattern where `*` stands for any run of
 * characters in a part (`linux/*`, `*\/arm64`, `linux/arm/*`, `windows/amd64:10.0.*`).
 */
export interface PlatformPattern {
  /** As the user wrote it, for messages. */
  text: string;
  /** Set when the value has no `*`: it then picks the first child that matches, as a single `--platform` always has. */
  exact?: Platform;
  os: string;
  architecture: string;
  /** Absent: any variant. */
  variant?: string;
  /** Absent: any os.version. */
  osVersion?: string;
}

const PART = /^[A-Za-z0-9._+*-]+$/;
const FORM = 'expected os/arch[/variant][:os.version], where * stands for any value (linux/*, */arm64, linux/arm/*)';

/** Parses one value; the error names it and says the form. */
export function parsePlatformPattern(text: string): PlatformPattern {
  const colon = text.indexOf(':');
  const spec = colon === -1 ? text : text.slice(0, colon);
  const osVersion = colon === -1 ? undefined : text.slice(colon + 1);
  const parts = spec.split('/');
  const bad = (why: string) => new OciError('INVALID_ARGUMENT', `failed to parse platform ${JSON.stringify(text)}: ${why}; ${FORM}`);
  if (parts.length < 2 || parts.length > 3) throw bad(`${parts.length === 1 ? 'no' : 'too many'} "/"`);
  for (const part of [...parts, ...(osVersion === undefined ? [] : [osVersion])]) {
    if (part === '') throw bad('a part is empty');
    if (!PART.test(part)) throw bad(`${JSON.stringify(part)} has a character other than letters, digits, ".", "_", "+", "-" and the wildcard *`);
  }
  const pattern: PlatformPattern = { text, os: parts[0]!, architecture: parts[1]! };
  if (parts[2] !== undefined) pattern.variant = parts[2];
  if (osVersion !== undefined) pattern.osVersion = osVersion;
  if (!text.includes('*')) pattern.exact = parsePlatform(text);
  return pattern;
}

/** The values of a repeatable flag, each of which may be a comma list (`linux/amd64,linux/arm64`), as oras proposes. */
export function parsePlatformPatterns(values: readonly string[]): PlatformPattern[] {
  const out: PlatformPattern[] = [];
  for (const value of values) {
    const items = value.split(',').map((s) => s.trim());
    if (items.some((s) => s === '')) throw new OciError('INVALID_ARGUMENT', `failed to parse platform list ${JSON.stringify(value)}: an empty item; separate platforms with single commas`);
    for (const item of items) if (!out.some((p) => p.text === item)) out.push(parsePlatformPattern(item));
  }
  return out;
}

/** Whether `candidate` is one `pattern` stands for. A wildcard never matches unknown/unknown (buildx attestation entries). */
export function platformPatternMatches(pattern: PlatformPattern, stated: Platform | undefined): boolean {
  const candidate = textPlatform(stated); // os or architecture that is no string: another tool's damage, matches nothing
  if (!candidate) return false;
  if (pattern.exact) return platformMatches(pattern.exact, candidate);
  if (candidate.os === 'unknown' && candidate.architecture === 'unknown') return false;
  const have = normalizePlatform(candidate);
  // The pattern's fixed parts are normalized as a request is (aarch64 is arm64); its wildcards are left as they are.
  const want = normalizePlatform({ os: pattern.os, architecture: pattern.architecture, ...(pattern.variant && !pattern.variant.includes('*') ? { variant: pattern.variant } : {}) });
  const any = (glob: string, ...values: Array<string | undefined>) => values.some((v) => globMatches(glob, v ?? '', true));
  if (!any(pattern.os.includes('*') ? pattern.os : want.os, have.os, candidate.os.toLowerCase())) return false;
  if (!any(pattern.architecture.includes('*') ? pattern.architecture : want.architecture, have.architecture, candidate.architecture.toLowerCase())) return false;
  if (pattern.variant !== undefined) {
    const variant = pattern.variant.includes('*') ? pattern.variant : (want.variant ?? '');
    if (!any(variant, have.variant, candidate.variant)) return false;
  }
  if (pattern.osVersion !== undefined && !any(pattern.osVersion, candidate['os.version'])) return false;
  return true;
}

/** Whether any pattern has a wildcard (and so may stand for several platforms). */
export function hasWildcard(patterns: readonly PlatformPattern[]): boolean {
  return patterns.some((p) => !p.exact);
}

/**
 * The children of an index the patterns pick, in the index's order: an exact platform picks its first match,
 * a wildcard every match. Every pattern must pick something; the error names those that do not and the
 * platforms there are (`where` names the index).
 */
export function selectPlatformChildren(children: readonly Descriptor[], patterns: readonly PlatformPattern[], where: string): Descriptor[] {
  requirePlatformMatches(children, patterns, where);
  const picked = new Set<number>();
  for (const pattern of patterns) {
    const hits = children.flatMap((c, i) => (platformPatternMatches(pattern, entryPlatform(c)) ? [i] : []));
    for (const i of pattern.exact ? hits.slice(0, 1) : hits) picked.add(i);
  }
  return children.filter((_, i) => picked.has(i));
}

/** Every pattern matches a child of the index; else the error names those that do not and the platforms there are (`where` names the index). */
export function requirePlatformMatches(children: readonly Descriptor[], patterns: readonly PlatformPattern[], where: string): void {
  const unmatched = patterns.filter((p) => !children.some((c) => platformPatternMatches(p, entryPlatform(c)))).map((p) => p.text);
  if (unmatched.length === 0) return;
  const have = platformList(children);
  const what = unmatched.length === 1 && patterns.length === 1 && patterns[0]!.exact ? `platform ${formatPlatform(patterns[0]!.exact)}` : `platform ${unmatched.join(', ')}`;
  throw new OciError('NOT_FOUND', `no manifest for ${what} in the index ${where}; it has ${have.length ? have.join(', ') : 'no platforms'}`);
}

/** The platforms an index lists (attestation entries left out), as shown, for messages. */
export function platformList(children: readonly Descriptor[]): string[] {
  return children
    .map(entryPlatform)
    .filter((p): p is Platform => p !== undefined && !(p.os === 'unknown' && p.architecture === 'unknown'))
    .map(shownPlatform);
}

/** A pattern for one platform given as such (not typed by a user). */
export function exactPattern(platform: Platform): PlatformPattern {
  const pattern: PlatformPattern = { text: formatPlatform(platform), exact: platform, os: platform.os, architecture: platform.architecture };
  if (platform.variant !== undefined) pattern.variant = platform.variant;
  if (platform['os.version'] !== undefined) pattern.osVersion = platform['os.version'];
  return pattern;
}
