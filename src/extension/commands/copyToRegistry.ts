import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { manifestName } from '../present/format';
import { formatRegistryReference } from '../../oci/registry';
import { parseDestination } from '../present/destination';
import type { Services } from '../services';
import { plainArgs, sourceManifestFrom } from './args';
import { reportDone } from '../ui/report';
import { copiedText } from './copiedText';
import { copyWithProgress } from '../ui/copyProgress';
import { pickDestination } from '../ui/destinationPick';
import { askCopyPlatforms, subsetText } from './copyPlatforms';
import { askCopyReferrers } from './copyReferrers';
import { rememberedAfter } from './rememberRepository';

/**
 * `manifold.copyToRegistry`: copies a layout's or a registry's tag (or manifest) with everything below it and,
 * unless the user says otherwise, its referrers to a registry; of a multi-platform index, the platforms chosen (all
 * by default; some make a new index). Arguments: a node of either view, a layout folder URI, or `{ layout,
 * reference, to: 'host/repo:tag', referrers?: false, only?: ['signature'], platforms?: ['os/arch'] }` (`{ registry, repository,
 * reference, to, ... }` from a registry).
 */
export async function copyToRegistry(services: Services, arg?: unknown, answers?: unknown): Promise<{ to: string; digest: string; message: string }> {
  const title = l10n.t('Copy to Registry');
  const source = await sourceManifestFrom(services, arg, title);
  const platforms = await askCopyPlatforms(source.target, source.desc, title, plainArgs(arg, answers).platforms);
  const given = plainArgs(arg, answers).to;
  const interactive = typeof given !== 'string';
  const { referrers, only } = await askCopyReferrers(source, title, plainArgs(arg, answers).referrers, interactive, plainArgs(arg, answers).only, platforms);
  const to = interactive ? await pickDestination(services.registries.list(), title, { sourceTag: source.tag }) : given;
  const { destination: ref, problem } = parseDestination(to, source.tag);
  if (!ref?.tag) throw new Error(l10n.t('Cannot copy to {0}: {1}', to, problem ?? ''));
  const tag = ref.tag;
  const shown = formatRegistryReference(ref.registry, ref.repository, tag);
  const dst = services.registries.repository(ref.registry, ref.repository);
  const result = await rememberedAfter(services, ref, () =>
    copyWithProgress(title, source.target, source.reference, dst, [tag], services.registries.onDidRetry, { platforms, referrers, ...(only ? { only } : {}), where: shown }),
  );
  services.registriesTree.refreshAll();
  const what = manifestName(source.tag, result.root.digest);
  const message = copiedText(what, result.referrers.length, shown, result.copied, result.existing) + subsetText(result.subset, result.root, platforms);
  if (source.ref.kind === 'layout') reportDone(services, message, { layout: source.ref.path, tag: source.tag, digest: result.root.digest });
  else {
    services.log.info(message);
    void vscode.window.showInformationMessage(message);
  }
  return { to: shown, digest: result.root.digest, message };
}
