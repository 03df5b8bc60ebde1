import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { copy } from '../../oci/copy';
import { isOciError } from '../../oci/errors';
import { listTargetTags } from '../../oci/graph';
import { formatRegistryReference, parseRegistryReference } from '../../oci/registry';
import type { Services } from '../services';
import { layoutFrom, plainArgs } from './args';
import { copiedText } from './copiedText';
import { withProgress } from '../ui/progress';
import { reportDone } from '../ui/report';
import { Cancelled } from '../ui/prompts';
import { cancelledTagsCopyText, CopyTally } from '../present/copyText';
import { pickDestination } from '../ui/destinationPick';
import { rememberRepository } from './rememberRepository';
import { shownName } from '../../oci/shownName';

export interface CopyLayoutResult {
  to: string;
  tags: { tag: string; digest: string }[];
  referrers: number;
  message: string;
}

/**
 * `manifold.copyLayoutToRegistry`: copies every tag of a layout, with everything below it and its referrers, to one
 * repository under the same tags; cancelled, it says which tags are there whole and tagged. Arguments: a layout node, a layout folder URI, or `{ layout, to: 'host/repo' }`.
 */
export async function copyLayoutToRegistry(services: Services, arg?: unknown, answers?: unknown): Promise<CopyLayoutResult> {
  const title = l10n.t('Copy Layout to Registry');
  const layout = await layoutFrom(services, arg, title);
  const listings = await listTargetTags(layout.store);
  if (listings.length === 0) throw new Error(l10n.t('{0} has no tags to copy.', vscode.workspace.asRelativePath(layout.path)));
  const given = plainArgs(arg, answers).to;
  const ref = parseRegistryReference(typeof given === 'string' ? given : await pickDestination(services.registries.list(), title, { kind: 'repository' }));
  if (ref.reference) throw new Error(l10n.t('Name only the repository ({0}): every tag keeps its name.', `${ref.registry}/${ref.repository}`));
  const dst = services.registries.repository(ref.registry, ref.repository);
  const copied: CopyLayoutResult['tags'] = [];
  let pushed = 0;
  let existing = 0;
  const referrers = new Set<string>();
  const remember = () => rememberRepository(services, ref);
  const tally = new CopyTally();
  let aborted = false;
  try {
    await withProgress(title, async (signal, progress) => {
      signal.addEventListener('abort', () => (aborted = true));
      for (const [i, l] of listings.entries()) {
        progress.report({ message: l10n.t('{0} ({1} of {2})', shownName(l.tag), i + 1, listings.length), increment: 100 / listings.length });
        const r = await copy(layout.store, l.tag, dst, [l.tag], { referrers: true, signal, onProgress: (e) => tally.add(e) });
        copied.push({ tag: l.tag, digest: r.root.digest });
        pushed += r.copied;
        existing += r.existing;
        for (const d of r.referrers) referrers.add(d.digest);
      }
    });
  } catch (err) {
    if (aborted) {
      // Cancelled: say which tags are whole and tagged there, and what reached it of the others.
      if (copied.length > 0) await remember();
      void vscode.window.showInformationMessage(cancelledTagsCopyText(tally, copied.map((c) => shownName(c.tag)), formatRegistryReference(ref.registry, ref.repository)));
      throw new Cancelled();
    }
    if (isOciError(err, 'UNAUTHORIZED')) await remember();
    throw err;
  }
  await remember();
  services.registriesTree.refreshAll();
  const what = copied.length <= 4 ? copied.map((c) => shownName(c.tag)).join(', ') : l10n.t('{0} tags', copied.length);
  const to = formatRegistryReference(ref.registry, ref.repository);
  const message = copiedText(what, referrers.size, to, pushed, existing);
  reportDone(services, message, { layout: layout.path });
  return { to, tags: copied, referrers: referrers.size, message };
}
