// What a tree row says of referrer coverage: a platform's kinds in its description (`signed · SBOM`), a warning
// icon and tooltip lines for what it lacks that a sibling or the index carries, the kind of a referrer or buildx
// attestation. Computed from the core's coverage notes; no `vscode` here.
import type { CoverageNote } from '../../oci/referrers';
import { shownName } from '../../oci/shownName';
import { escapeMarkdown } from './format';
import type { ItemSpec } from './items';
import * as l10n from '@vscode/l10n';

/** The kinds' column titles by id (a user's kinds have theirs). */
export type KindTitles = ReadonlyMap<string, string>;

/**
 * The kind as a noun: `signature`, `SBOM`, `provenance`, `end-of-life`, a user's kind by its title as written (for
 * a webview page, which escapes it with its own copy of shownName).
 */
export function kindWord(id: string, titles: KindTitles): string {
  switch (id) {
    case 'signature':
      return l10n.t('signature');
    case 'sbom':
      return l10n.t('SBOM');
    case 'provenance':
      return l10n.t('provenance');
    case 'end-of-life':
      return l10n.t('end-of-life');
    default:
      return titles.get(id) ?? id;
  }
}

/**
 * The kind as a row, a tooltip or a message says it: a user's title (the setting manifold.referrerKinds) quoted and
 * escaped, as names are, when it holds what cannot be seen (an override would turn the rest of the row round).
 */
export function kindName(id: string, titles: KindTitles): string {
  return shownName(kindWord(id, titles));
}

/** What a manifest carries, in a row's description: `signed · SBOM · provenance`. */
export function carriesText(note: CoverageNote, titles: KindTitles): string {
  return note.carries.map((id) => (id === 'signature' ? l10n.t('signed') : kindName(id, titles))).join(' · ');
}

/** `the index`, `linux/amd64`, `[2] index`: a coverage label as a tooltip reads it. */
function carrierName(label: string): string {
  return label === 'index' ? l10n.t('the index') : label;
}

/** One line per gap: `lacks SBOM (linux/amd64 has one)`. */
export function gapLines(note: CoverageNote, titles: KindTitles): string[] {
  return note.lacks.map((gap) => {
    const who = gap.carriedBy.map(carrierName).join(', ');
    return gap.carriedBy.length === 1 ? l10n.t('lacks {0} ({1} has one)', kindName(gap.kind, titles), who) : l10n.t('lacks {0} ({1} have one)', kindName(gap.kind, titles), who);
  });
}

/** The tooltip's coverage section (Markdown), appended to a row's own tooltip. */
export function coverageTooltip(note: CoverageNote, titles: KindTitles): string {
  const lines = [`**${l10n.t('Referrers')}**: ${escapeMarkdown(note.carries.length > 0 ? carriesText(note, titles) : l10n.t('none of a known kind'))}`];
  for (const gap of gapLines(note, titles)) lines.push('', `$(warning) ${escapeMarkdown(gap)}`);
  return lines.join('\n');
}

/** A platform row with its coverage: kinds first in the description, a warning icon when it lacks a kind. */
export function withCoverage(spec: ItemSpec, note: CoverageNote | undefined, titles: KindTitles): ItemSpec {
  if (!note) return spec;
  const carries = carriesText(note, titles);
  const tooltip = spec.tooltip;
  return {
    ...spec,
    description: [carries, spec.description].filter(Boolean).join(' · '),
    icon: note.lacks.length > 0 ? { id: 'warning', color: 'problemsWarningIcon.foreground' } : spec.icon,
    tooltip: () => [tooltip?.() ?? `**${escapeMarkdown(spec.label)}**`, coverageTooltip(note, titles)].join('\n\n'),
  };
}

/** A referrer or attestation row with the kinds it was classified as, first in its description. */
export function withKinds(spec: ItemSpec, kinds: readonly string[] | undefined, titles: KindTitles): ItemSpec {
  // A kind the label already starts with (`SBOM · created=...`) is not said twice.
  const named = (kinds ?? []).map((k) => kindName(k, titles)).filter((name) => !spec.label.toLowerCase().startsWith(name.toLowerCase()));
  if (named.length === 0) return spec;
  return { ...spec, description: [named.join(', '), spec.description].filter(Boolean).join(' · ') };
}
