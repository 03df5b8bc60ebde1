// The words after a copy: what was copied (with how many referrers) and where, so the user need not open the
// destination to know it worked. No vscode here.
import * as l10n from '@vscode/l10n';

/** `Copied v1 and 3 referrers to 127.0.0.1:5000/demo/app:v1 (12 pushed, 2 already there)`. */
export function copiedText(what: string, referrers: number, to: string, pushed: number, existing: number): string {
  const figures = l10n.t('{0} pushed, {1} already there', pushed, existing);
  if (referrers === 0) return l10n.t('Copied {0} to {1} ({2})', what, to, figures);
  if (referrers === 1) return l10n.t('Copied {0} and 1 referrer to {1} ({2})', what, to, figures);
  return l10n.t('Copied {0} and {1} referrers to {2} ({3})', what, referrers, to, figures);
}
