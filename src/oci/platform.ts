import type { Platform } from './descriptor';
import { OciError } from './errors';
import { shownName } from './shownName';

/** Parses `os/arch[/variant][:os.version]`, the form oras takes for `--platform`. */
export function parsePlatform(text: string): Platform {
  const colon = text.indexOf(':');
  const spec = colon === -1 ? text : text.slice(0, colon);
  const osVersion = colon === -1 ? undefined : text.slice(colon + 1);
  const parts = spec.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '' || /\s/.test(p)) || osVersion === '') {
    throw new OciError('INVALID_ARGUMENT', `failed to parse platform ${JSON.stringify(text)}: expected os/arch[/variant][:os.version]`);
  }
  const platform: Platform = { architecture: parts[1]!, os: parts[0]! };
  if (osVersion !== undefined) platform['os.version'] = osVersion;
  if (parts[2] !== undefined) platform.variant = parts[2];
  return platform;
}

/**
 * A platform field as text. Another tool's index may hold anything there (`"os": {}`): the validator names it;
 * a listing shows it as the JSON it is, never as `[object Object]`, and it matches no platform asked for.
 */
function fieldText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  return JSON.stringify(v) ?? String(v);
}

/** `linux/arm64/v8`, `windows/amd64:10.0.17763.1`. */
export function formatPlatform(p: Platform): string {
  let s = `${fieldText(p.os)}/${fieldText(p.architecture)}`;
  if (p.variant) s += `/${fieldText(p.variant)}`;
  if (p['os.version']) s += `:${fieldText(p['os.version'])}`;
  return s;
}

/**
 * A platform another tool wrote, as a person is shown it: formatPlatform's text, quoted with what cannot be seen
 * escaped when its os, architecture or variant holds such a character (shownName). For labels and messages; keys,
 * matching and JSON use formatPlatform.
 */
export function shownPlatform(p: Platform): string {
  return shownName(formatPlatform(p));
}

/** Normalizes os, architecture and variant the way containerd does, so `linux/aarch64` is `linux/arm64`. */
export function normalizePlatform(p: Platform): Platform {
  let arch = fieldText(p.architecture).toLowerCase();
  let variant = fieldText(p.variant);
  switch (arch) {
    case 'i386':
      arch = '386';
      variant = '';
      break;
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      arch = 'amd64';
      if (variant === 'v1') variant = '';
      break;
    case 'aarch64':
    case 'arm64':
      arch = 'arm64';
      if (variant === '8' || variant === 'v8' || variant === 'v8.0') variant = '';
      break;
    case 'armhf':
      arch = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      arch = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      if (variant === '' || variant === '7') variant = 'v7';
      else if (variant === '5' || variant === '6' || variant === '8') variant = `v${variant}`;
      break;
  }
  const out: Platform = { architecture: arch, os: fieldText(p.os).toLowerCase() };
  if (p['os.version']) out['os.version'] = fieldText(p['os.version']);
  if (variant) out.variant = variant;
  return out;
}

/**
 * A platform another tool wrote, as matching reads it: undefined unless it is an object whose os and architecture
 * are strings (such a platform matches nothing asked for); variant and os.version kept only when they are strings.
 */
export function textPlatform(p: unknown): Platform | undefined {
  if (typeof p !== 'object' || p === null) return undefined;
  const { os, architecture, variant } = p as Record<string, unknown>;
  if (typeof os !== 'string' || typeof architecture !== 'string') return undefined;
  const out: Platform = { ...(p as Platform), os, architecture };
  if (typeof variant !== 'string') delete out.variant;
  if (typeof out['os.version'] !== 'string') delete out['os.version'];
  return out;
}

/** The platform of an index entry another tool wrote (which may be `null`, or anything): see textPlatform. */
export function entryPlatform(entry: unknown): Platform | undefined {
  return typeof entry === 'object' && entry !== null ? textPlatform((entry as { platform?: unknown }).platform) : undefined;
}

/**
 * Whether `candidate` satisfies what the user asked for: os and architecture equal after normalizing
 * (arm64 and arm64/v8 are one), the variant and os.version only when the request names them.
 */
export function platformMatches(requested: Platform, candidate: Platform | undefined): boolean {
  const stated = textPlatform(candidate);
  if (!stated) return false;
  const want = normalizePlatform(requested);
  const have = normalizePlatform(stated);
  if (want.os !== have.os || want.architecture !== have.architecture) return false;
  if (requested.variant !== undefined && (want.variant ?? '') !== (have.variant ?? '')) return false;
  if (want['os.version'] !== undefined && want['os.version'] !== have['os.version']) return false;
  return true;
}
