// The part Pull into Layout and Copy to Layout share once the source, the destination layout and the referrers are
// known: the tag (asked when not given), a tag move confirmed, the copy with its progress, and the message after it.
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { type ReferrerFilter, resolveCopyRoot } from '../../oci/copy';
import type { PlatformPattern } from '../../oci/platformPattern';
import { checkTag, shortDigest } from '../../oci/reference';
import type { RetryInfo } from '../../oci/registry';
import type { Services } from '../services';
import { sourceReferenceText, type ResolvedLayout, type SourceManifest } from './args';
import { subsetText } from './copyPlatforms';
import { confirmTagMoves, movedText, type TagMove } from '../ui/confirm';
import { copyWithProgress } from '../ui/copyProgress';
import { input } from '../ui/prompts';
import { layoutChanged, reportDone } from '../ui/report';

export interface CopiedIntoLayout {
  layout: string;
  digest: string;
  tags: string[];
  moved: TagMove[];
  message: string;
  /** How many referrers came along. */
  referrers: number;
}

export interface LayoutCopyChoices {
  /** The platforms of an index to copy (a new index of them); all when undefined. */
  platforms?: PlatformPattern[];
  /** Its referrers too. */
  referrers: boolean;
  /** With `referrers`: only those it keeps. */
  only?: ReferrerFilter;
  /** The tags to give; asked (the source's filled in) when undefined. */
  tags?: string[];
  /** A destination tag naming something else moves without the question. */
  confirmed: boolean;
  onDidRetry?: vscode.Event<RetryInfo>;
  /** Not told on its own: one row of several, which the caller reports together. */
  quiet?: boolean;
}

/**
 * Copies `source` into `layout` as `choices` say, then tells the user: `lead(tags, digest)` (`Pulled … as v1 (abcd)`)
 * then the referrers that came along, the tags moved and the platforms kept.
 */
export async function copyIntoLayout(
  services: Services,
  title: string,
  source: SourceManifest,
  layout: ResolvedLayout,
  choices: LayoutCopyChoices,
  lead: (tags: string[], digest: string) => string,
): Promise<CopiedIntoLayout> {
  const { platforms, referrers, only } = choices;
  const tags = choices.tags ?? [await askLayoutTag(title, source.tag)];
  // With some platforms, the tags will name the new index (or the one platform): that is what a moved tag is asked about.
  const root = platforms ? (await resolveCopyRoot(source.target, source.reference, tags, { platforms })).root : source.desc;
  const moved = await confirmTagMoves(layout, tags, root.digest, sourceReferenceText(source), choices.confirmed);
  const where = vscode.workspace.asRelativePath(layout.path);
  const result = await copyWithProgress(title, source.target, source.reference, layout.store, tags, choices.onDidRetry, { platforms, referrers, ...(only ? { only } : {}), where });
  layoutChanged(services, layout.path);
  const message =
    lead(tags, shortDigest(result.root.digest)) +
    referrersText(result.referrers.length) +
    '.' +
    movedText(moved).map((m) => ` ${m}`).join('') +
    subsetText(result.subset, result.root, platforms);
  if (!choices.quiet) reportDone(services, message, { layout: layout.path, tag: tags[0], digest: result.root.digest });
  return { layout: layout.path, digest: result.root.digest, tags, moved, message, referrers: result.referrers.length };
}

/** The tag to give in the destination layout, asked with the source's tag (if any) filled in. */
export async function askLayoutTag(title: string, value: string | undefined): Promise<string> {
  const typed = await input({
    title,
    prompt: l10n.t('Tag in the layout'),
    value: value ?? '',
    validateInput: (v) => {
      try {
        checkTag(v.trim());
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
  return typed.trim();
}

/** ` with 3 referrers`: what came along with the copied manifest; empty when nothing did. */
export function referrersText(count: number): string {
  if (count === 0) return '';
  return ' ' + (count === 1 ? l10n.t('with 1 referrer') : l10n.t('with {0} referrers', count));
}
