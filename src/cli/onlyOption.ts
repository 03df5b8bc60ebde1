import { ReferrerFilter } from '../oci/copy/referrerFilter';
import type { Descriptor } from '../oci/descriptor';
import { formatPlatform } from '../oci/platform';
import { listOpt, type OptionSpec, type ParsedCommand, stringOpt, UsageError } from './command';
import { KINDS_OPTION, kindTableOption } from './kindsOption';

/**
 * `--only KINDS|TYPES` and `--kinds FILE`, for each command that carries referrers (cp -r, backup, restore, layout
 * import): the same words everywhere, `when` saying what it needs (`with -r: `), if anything.
 */
export function onlyOptions(when = ''): Record<string, OptionSpec> {
  return {
    only: {
      type: 'string',
      multiple: true,
      description: `${when}only referrers of these kinds (signature, sbom, provenance, end-of-life, or yours from --kinds, as coverage tells them) or artifact types (a type has a /, * any run), comma lists too; at every depth: a referrer left takes its own referrers with it; cosign's tags count as .sig signature, .sbom sbom, .att as its predicate says`,
      valueName: 'KINDS',
    },
    ...KINDS_OPTION,
  };
}

/**
 * `--only` parsed: the referrers carried; `--kinds` adds the user's kinds it may name. `carried`: whether the command
 * carries referrers as asked (else `--only` is refused with `needs`, which says what to add or drop).
 */
export async function onlyOption(p: ParsedCommand, carried: boolean, needs: string): Promise<{ only?: ReferrerFilter }> {
  const only = listOpt(p, 'only');
  const kinds = stringOpt(p, 'kinds');
  if (only.length === 0) {
    if (kinds !== undefined) throw new UsageError('--kinds names the kinds --only may pick; give --only too');
    return {};
  }
  if (!carried) throw new UsageError(needs);
  return { only: new ReferrerFilter(only, await kindTableOption(kinds)) };
}

/** What `--only` left, as `cp --dry-run` says it: a count, then a line each (cosign's tags by name). */
export function referrersLeftText(left: ReadonlyArray<{ desc: Descriptor; tag?: string }>): string {
  if (left.length === 0) return '';
  return `Left out by --only: ${left.length}, with what refers to them\n` + left.map((l) => `  ${l.desc.digest} ${l.tag ? `cosign tag ${l.tag}` : (l.desc.artifactType ?? l.desc.mediaType)}\n`).join('');
}

/** What `--only` left, in JSON as `cp --dry-run --format json` gives it (`tag`: cosign's tag, else null). */
export function referrersLeftJson(left: ReadonlyArray<{ desc: Descriptor; tag?: string }>): object[] {
  return left.map(({ desc: d, tag }) => ({
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    ...(d.artifactType ? { artifactType: d.artifactType } : {}),
    ...(d.platform ? { platform: formatPlatform(d.platform) } : {}),
    tag: tag ?? null,
  }));
}
