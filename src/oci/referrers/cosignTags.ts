import type { Descriptor } from '../descriptor';
import { isOciError } from '../errors';
import { isFallbackTag } from '../reference';
import type { OpOptions, ReadOnlyTarget } from '../target';

/** cosign's tag scheme: `sha256-<hex>.sig` next to the image names a signature of `sha256:<hex>`. */
export const COSIGN_TAG_KINDS = { sig: 'signature', att: 'provenance', sbom: 'sbom' } as const;

export type CosignTagSuffix = keyof typeof COSIGN_TAG_KINDS;

/** `sha256-<hex>.sig` -> `{ digest: 'sha256:<hex>', suffix: 'sig' }`; undefined for any other tag. */
export function parseCosignTag(tag: string): { digest: string; suffix: CosignTagSuffix } | undefined {
  const m = /^(sha256|sha512)-([0-9a-f]{64}|[0-9a-f]{128})\.(sig|att|sbom)$/.exec(tag);
  if (!m) return undefined;
  return { digest: `${m[1]}:${m[2]}`, suffix: m[3] as CosignTagSuffix };
}

/**
 * A tag that names a manifest by another's digest rather than by a name users gave it: a referrers fallback tag
 * (`sha256-<hex>`) or cosign's (`sha256-<hex>.sig`, `.att`, `.sbom`). The trees show what they name under the
 * manifest they are for, not as tags.
 */
export function isDigestTag(tag: string): boolean {
  return isFallbackTag(tag) || parseCosignTag(tag) !== undefined;
}

export function cosignTag(digest: string, suffix: CosignTagSuffix): string {
  return `${digest.replace(':', '-')}.${suffix}`;
}

/** A manifest a cosign tag names, beside the tag and what it holds. */
export interface CosignTagged {
  tag: string;
  suffix: CosignTagSuffix;
  desc: Descriptor;
}

/**
 * The manifests cosign's tags name for `digest` (`sha256-<hex>.sig`, `.att`, `.sbom`, or only the `suffixes` asked
 * for), looked up at once: coverage counts them, verify reads the `.sig` one. A tag that is not there is not a
 * result; any other error is thrown.
 */
export async function resolveCosignTags(
  target: ReadOnlyTarget,
  digest: string,
  options: OpOptions = {},
  suffixes: readonly CosignTagSuffix[] = Object.keys(COSIGN_TAG_KINDS) as CosignTagSuffix[],
): Promise<CosignTagged[]> {
  const found = await Promise.all(
    suffixes.map(async (suffix) => {
      const tag = cosignTag(digest, suffix);
      try {
        return { tag, suffix, desc: await target.resolve(tag, options) };
      } catch (err) {
        if (isOciError(err, 'NOT_FOUND')) return undefined;
        throw err;
      }
    }),
  );
  return found.filter((t): t is CosignTagged => t !== undefined);
}

/** How many manifests' cosign tags are resolved by name before the tags are listed instead (CosignTagLookup). */
export const COSIGN_NAMES_BEFORE_LISTING = 4;

/**
 * cosign tag look-ups for many manifests of one repository or layout (`cp -r` looks for every manifest it carries):
 * the first few resolved by name, then the tags listed once and only those there resolved. By name each manifest
 * costs three requests (`.sig`, `.att`, `.sbom`: a 50-platform index with an SBOM each, 303 more requests, a second
 * more at 30 ms a request); the listing costs a request per 1,000 tags. A listing refused (some registries deny
 * it) goes back to names.
 */
export class CosignTagLookup {
  private named = 0;
  private listed?: Promise<ReadonlySet<string> | undefined>;
  private readonly found = new Map<string, Promise<CosignTagged[]>>();

  constructor(
    private readonly target: ReadOnlyTarget,
    private readonly options: OpOptions = {},
  ) {}

  /**
   * What cosign's tags name for `digest`. Asked again, the first answer (a copy looks twice: checked first, then
   * copied); one that failed is asked anew.
   */
  find(digest: string, suffixes: readonly CosignTagSuffix[] = Object.keys(COSIGN_TAG_KINDS) as CosignTagSuffix[]): Promise<CosignTagged[]> {
    const key = `${digest} ${suffixes.join(',')}`;
    let p = this.found.get(key);
    if (!p) {
      p = this.lookUp(digest, suffixes);
      this.found.set(key, p);
      p.catch(() => this.found.delete(key));
    }
    return p;
  }

  private async lookUp(digest: string, suffixes: readonly CosignTagSuffix[]): Promise<CosignTagged[]> {
    if (!this.listed && this.named++ < COSIGN_NAMES_BEFORE_LISTING) return resolveCosignTags(this.target, digest, this.options, suffixes);
    const names = await (this.listed ??= this.list());
    const there = names ? suffixes.filter((s) => names.has(cosignTag(digest, s))) : suffixes;
    return there.length === 0 ? [] : resolveCosignTags(this.target, digest, this.options, there);
  }

  private async list(): Promise<ReadonlySet<string> | undefined> {
    const names = new Set<string>();
    try {
      for await (const tag of this.target.tags(this.options)) if (parseCosignTag(tag)) names.add(tag);
    } catch (err) {
      if (this.options.signal?.aborted) throw err;
      return undefined;
    }
    return names;
  }
}
