// What the referrers questions before a copy count (tagsReferrers.ts, copyReferrers.ts, copyRowsQuestions.ts): the
// referrers the copy itself would carry, found by its own walk (referrersToCarry), tallied by kind.
import * as l10n from '@vscode/l10n';
import { referrersToCarry, type ReferrerToCarry } from '../../oci/copy';
import type { Descriptor } from '../../oci/descriptor';
import { COSIGN_TAG_KINDS, type KindTable, parseCosignTag, predicateTypesOf } from '../../oci/referrers';
import type { ReadOnlyTarget } from '../../oci/target';
import { kindName } from '../present/coverageItem';
import { referrerName } from '../present/items';
import { withProgress } from '../ui/progress';
import { Cancelled } from '../ui/prompts';

/** Past this many referrers under one root, a question names the kinds it has seen rather than looking on. */
export const LOOK_AT = 50;

/** What the copies of some roots would carry, tallied for a question. */
export interface CarriedTally {
  /** How many of the roots would carry any. */
  withSome: number;
  /** How many referrers in all (each once, though two roots share it), and how many of them hang on a platform. */
  count: number;
  onPlatforms: number;
  /**
   * `SBOM ×2, scan, signature`: their kinds by name, sorted (a registry lists referrers in an order of its own);
   * `…, and maybe more` when a root had LOOK_AT of them, where the look stops.
   */
  what: string;
  /** The ids of manifold.referrerKinds' kinds they are of: Only Some Kinds… ticks these. */
  seen: Set<string>;
}

/**
 * The referrers a copy of each of `roots` carries (its own, an index's platforms', those of referrers, cosign's tags),
 * at most LOOK_AT a root, under a cancellable notification: cancelled, Cancelled. Roots read from one target are
 * walked together (each listing read once).
 */
export async function lookForReferrers(roots: ReadonlyArray<{ target: ReadOnlyTarget; desc: Descriptor }>): Promise<ReferrerToCarry[][]> {
  const byTarget = new Map<ReadOnlyTarget, number[]>();
  for (const [i, r] of roots.entries()) byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), i]);
  return withProgress(l10n.t('Looking for referrers…'), async (signal) => {
    const found: ReferrerToCarry[][] = roots.map(() => []);
    try {
      for (const [target, at] of byTarget) {
        const each = await referrersToCarry(target, at.map((i) => roots[i]!.desc), { signal, most: LOOK_AT });
        for (const [j, i] of at.entries()) found[i] = each[j]!;
      }
    } catch (err) {
      if (signal.aborted) throw new Cancelled();
      throw err;
    }
    return found;
  });
}

/** Tallies what lookForReferrers found: each referrer once, though two roots name one image or share a platform. */
export function tallyCarried(table: KindTable, found: readonly (readonly ReferrerToCarry[])[]): CarriedTally {
  const each = new Map(found.flat().map((f) => [`${f.desc.digest} ${f.tag ?? ''}`, f]));
  const names = new Map<string, number>();
  const seen = new Set<string>();
  for (const f of each.values()) {
    const cosign = cosignTagKind(f);
    const name = cosign ? kindName(cosign, new Map()) : referrerName(f.desc);
    names.set(name, (names.get(name) ?? 0) + 1);
    (cosign ? [cosign] : kindsOfReferrer(table, f.desc)).forEach((k) => seen.add(k));
  }
  const kinds = referrerKindsText(new Map([...names].sort(([a], [b]) => a.localeCompare(b))));
  return {
    withSome: found.filter((f) => f.length > 0).length,
    count: each.size,
    onPlatforms: [...each.values()].filter((f) => f.on === 'platform').length,
    what: found.some((f) => f.length >= LOOK_AT) ? l10n.t('{0}, and maybe more', kinds) : kinds,
    seen,
  };
}

/**
 * `2 of the 3 tags have referrers` with those on platforms named too (`, 3 of the 4 on their platforms`): the roots
 * may have none of their own (signed with attach --platform).
 */
export function withPlatformsText(some: string, tally: CarriedTally): string {
  if (tally.onPlatforms === 0) return some;
  return tally.withSome === 1
    ? l10n.t('{0}, {1} of the {2} on its platforms', some, tally.onPlatforms, tally.count)
    : l10n.t('{0}, {1} of the {2} on their platforms', some, tally.onPlatforms, tally.count);
}

/** A cosign tag's manifest is of the kind its suffix says (as the copy's --only judges it); a referrer, of those it says. */
function cosignTagKind(f: ReferrerToCarry): string | undefined {
  const suffix = f.tag ? parseCosignTag(f.tag)?.suffix : undefined;
  return suffix ? COSIGN_TAG_KINDS[suffix] : undefined;
}

/** The kinds `table` tells of referrer `r`, as coverage does. */
export function kindsOfReferrer(table: KindTable, r: Descriptor): string[] {
  return table.classify({ artifactType: r.artifactType, annotations: r.annotations, predicateTypes: predicateTypesOf(r.annotations) });
}

/** `signature ×2, SBOM`: the kinds tallied, for a choice's description. */
export function referrerKindsText(names: ReadonlyMap<string, number>): string {
  return [...names].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', ');
}
