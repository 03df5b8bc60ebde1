import * as l10n from '@vscode/l10n';

/** How many names a message or question lists before it counts the rest. */
export const LISTED = 5;

/** The first `listed` of `names`, then "N more" when there are more: what a message shows of a long list. */
export function someNamed(names: string[], listed = LISTED): string[] {
  if (names.length <= listed) return names;
  return [...names.slice(0, listed), l10n.t('{0} more', names.length - listed)];
}
