import type { Descriptor } from '../descriptor';
import { isOciError } from '../errors';
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
