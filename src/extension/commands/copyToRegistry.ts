import * as l10n from '@vscode/l10n';
import { formatRegistryReference } from '../../oci/registry';
import { parseDestination } from '../present/destination';
import { isOciError } from '../../oci/errors';
import { shortDigest } from '../../oci/reference';
import type { Services } from '../services';
import { manifestFrom, plainArgs } from './args';
import { reportDone } from '../ui/report';
import { copyWithProgress } from '../ui/copyProgress';
import { pickDestination } from '../ui/destinationPick';
import { askCopyPlatforms, subsetText } from './copyPlatforms';

/**
 * `manifold.copyToRegistry`: copies a layout's tag (or manifest) with everything below it and its referrers
 * to a registry; of a multi-platform index, the platforms chosen (all by default; some make a new index).
 * Arguments: a node, a layout folder URI, or `{ layout, reference, to: 'host/repo:tag', platforms?: ['os/arch'] }`.
 */
export async function copyToRegistry(services: Services, arg?: unknown): Promise<{ to: string; digest: string; message: string }> {
  const title = l10n.t('Copy to Registry');
  const source = await manifestFrom(services, arg, title);
  const platforms = await askCopyPlatforms(source.layout.store, source.desc, title, plainArgs(arg).platforms);
  const given = plainArgs(arg).to;
  const to = typeof given === 'string' ? given : await pickDestination(services.registries.list(), title, source.tag);
  const { destination: ref, problem } = parseDestination(to, source.tag);
  if (!ref?.tag) throw new Error(l10n.t('Cannot copy to {0}: {1}', to, problem ?? ''));
  const tag = ref.tag;
  const shown = formatRegistryReference(ref.registry, ref.repository, tag);
  const dst = services.registries.repository(ref.registry, ref.repository);
  // A registry and repository join the view once the registry has answered: after the copy, or when it asks for
  // credentials (so Sign In names it). A mistyped or unreachable one is not kept for good.
  const remember = async () => {
    if (!services.registries.entry(ref.registry)) await services.registries.add(ref.registry, false);
    await services.registries.addRepository(ref.registry, ref.repository);
  };
  let result;
  try {
    result = await copyWithProgress(title, source.layout.store, source.reference, dst, [tag], services.registries.onDidRetry, { platforms, where: shown });
  } catch (err) {
    if (isOciError(err, 'UNAUTHORIZED')) await remember();
    throw err;
  }
  await remember();
  services.registriesTree.refreshAll();
  const message =
    l10n.t('Copied {0} to {1} ({2} pushed, {3} already there)', shortDigest(result.root.digest), shown, result.copied, result.existing) + subsetText(result.subset, result.root, platforms);
  reportDone(services, message, {
    layout: source.layout.path,
    tag: source.tag,
    digest: result.root.digest,
  });
  return { to: shown, digest: result.root.digest, message };
}
