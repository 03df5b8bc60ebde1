import * as l10n from '@vscode/l10n';
import type { Descriptor, ImageIndex } from '../../oci/descriptor';
import { isImageIndex } from '../../oci/mediaType';
import { shownPlatform } from '../../oci/platform';
import { exactPattern, parsePlatformPatterns, type PlatformPattern } from '../../oci/platformPattern';
import type { IndexSubset } from '../../oci/copy';
import type { ReadOnlyTarget } from '../../oci/target';
import { stringList } from './argValues';
import { pickMany } from '../ui/prompts';

/**
 * The platforms to copy from a multi-platform index: `given` (an argument: `['linux/amd64', ...]`) or a
 * multi-select of the index's platforms, all checked. Undefined when everything is to be copied (not an
 * index, fewer than two platforms, or all of them kept), so the copy is the index as it is.
 */
export async function askCopyPlatforms(target: ReadOnlyTarget, desc: Descriptor, title: string, given: unknown): Promise<PlatformPattern[] | undefined> {
  const listed = stringList(given, 'platforms');
  if (listed) return listed.length ? parsePlatformPatterns(listed) : undefined;
  if (!isImageIndex(desc.mediaType)) return undefined;
  const index = JSON.parse((await target.fetchBytes(desc)).toString('utf8')) as ImageIndex;
  const children = (Array.isArray(index.manifests) ? index.manifests : []).filter((c) => c.platform && !(c.platform.os === 'unknown' && c.platform.architecture === 'unknown'));
  if (children.length < 2) return undefined;
  const items = children.map((c) => ({ label: shownPlatform(c.platform!), description: c.digest, picked: true, platform: c.platform! }));
  const picked = await pickMany(items, {
    title,
    placeHolder: l10n.t('Platforms to copy: all of them copies the index as it is; some of them writes a new index of just those'),
  });
  if (picked.length === items.length) return undefined;
  return picked.map((p) => exactPattern(p.platform));
}

/** What the report adds when only some platforms were copied. */
export function subsetText(subset: IndexSubset | undefined, root: Descriptor, platforms: PlatformPattern[] | undefined): string {
  if (subset) return ' ' + l10n.t('A new index {0} was written with {1} of the {2} platforms.', subset.desc.digest, subset.kept, subset.of);
  if (platforms) return ' ' + l10n.t('Only the {0} manifest was copied ({1}).', platforms.map((p) => p.text).join(', '), root.digest);
  return '';
}
