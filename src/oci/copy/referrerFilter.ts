import type { Descriptor } from '../descriptor';
import { OciError } from '../errors';
import { describeArtifact } from '../referrers/coverage';
import { COSIGN_TAG_KINDS, parseCosignTag } from '../referrers/cosignTags';
import { globMatches } from '../glob';
import type { KindTable } from '../referrers/kinds';
import type { OpOptions, ReadOnlyTarget } from '../target';

/**
 * Which referrers a copy with referrers carries when told (`cp -r --only signature,sbom`): those of the kinds named
 * (as `coverage` classifies them, the user's kinds too) or whose artifact type matches a pattern named (`*` any run;
 * a value with a `/` is a type). It holds at every depth: a signature of an SBOM is kept when both kinds are named;
 * a referrer not kept takes its own referrers with it. cosign's tags count as their suffix says (`.sig` a signature,
 * `.sbom` an SBOM, `.att` as its predicate says, else provenance), as coverage counts them.
 */
export class ReferrerFilter {
  readonly kinds: readonly string[];
  readonly types: readonly string[];

  /** `values`: kind ids and artifact type patterns, comma lists allowed; an unknown kind id is refused, naming the known ones. */
  constructor(
    values: readonly string[],
    private readonly table: KindTable,
    source = '--only',
  ) {
    const all = values.flatMap((v) => v.split(',')).map((v) => v.trim());
    if (all.length === 0 || all.some((v) => v === '')) throw new OciError('INVALID_ARGUMENT', `${source}: name kinds (${this.known()}) or artifact types, comma-separated`);
    this.types = all.filter((v) => v.includes('/'));
    this.kinds = all.filter((v) => !v.includes('/'));
    const unknown = this.kinds.find((k) => !table.has(k));
    if (unknown !== undefined) throw new OciError('INVALID_ARGUMENT', `${source}: no kind "${unknown}" (kinds: ${this.known()}; an artifact type has a "/")`);
  }

  /** Whether the referrer `desc` (listed by `source`'s referrers, or named by cosign's tag `tag`) is carried. */
  async keeps(source: ReadOnlyTarget, desc: Descriptor, options: OpOptions & { tag?: string } = {}): Promise<boolean> {
    const suffix = options.tag ? parseCosignTag(options.tag)?.suffix : undefined;
    const seen = await describeArtifact(source, this.table, desc, suffix ? 'cosign-tag' : 'referrers', { signal: options.signal }, suffix ? COSIGN_TAG_KINDS[suffix] : undefined);
    if (seen.kinds.some((k) => this.kinds.includes(k))) return true;
    const type = seen.artifactType ?? seen.other;
    return type !== undefined && this.types.some((p) => globMatches(p, type));
  }

  private known(): string {
    return this.table.columns.map((c) => c.id).join(', ');
  }
}
