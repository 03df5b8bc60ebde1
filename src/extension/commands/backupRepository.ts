import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { copyTags, tagMovesAt, tagsToCopy, type CopiedTag, type TagToCopy } from '../../oci/copy';
import { isOciError, OciError } from '../../oci/errors';
import { beginLayoutTarExport } from '../../oci/layout/tarExport';
import { formatRegistryReference, parseRegistryReference, retryNotice } from '../../oci/registry';
import { parseCosignTag } from '../../oci/referrers';
import { shownName } from '../../oci/shownName';
import type { ReadOnlyTarget, Target } from '../../oci/target';
import { RepositoryNode } from '../registries/registryNodes';
import type { Services } from '../services';
import { CopyTally, pushedText, unreachableText, withUntaggedText } from '../present/copyText';
import { formatSize, shortDigest } from '../present/format';
import { confirmTagMoves, movedText, type TagMove } from '../ui/confirm';
import { pickDestination } from '../ui/destinationPick';
import { openDestinationLayout } from '../ui/layoutDestination';
import { tagTurns, withProgress } from '../ui/progress';
import { Cancelled, pickOne } from '../ui/prompts';
import { layoutChanged, revealInTree } from '../ui/report';
import { concurrencyArg, tagList } from './argValues';
import { plainArgs } from './args';
import { askBackupDestination, givenDestination, type BackupDestination } from './backupDestination';
import { givenOnly } from './copyReferrers';
import { askTagsReferrers } from './tagsReferrers';
import { rememberRepository } from './rememberRepository';

export interface BackupResult {
  repository: string;
  to: string;
  tar: boolean;
  tags: CopiedTag[];
  referrers: number;
  /** With `only` (Only Some Kinds…): the referrers, and cosign's tags, left behind (what is below them unlooked at). */
  referrersLeft: Array<{ digest: string; tag?: string }>;
  moved: TagMove[];
  message: string;
}

/**
 * `manifold.backupRepository`: every tag of a registry repository (or those named), with everything below it and,
 * unless the user says otherwise, its referrers, into a layout folder or a new layout .tar: the CLI's `backup`
 * (copyTags: nothing tagged before everything is there; the referrers' `sha256-<hex>` tags are not tags of the
 * backup). A tag of the folder that names something else moves once the user confirms. Arguments: a repository
 * node, or `{ repository: 'host/repo', to, referrers?, only?, tags?, confirmed?, concurrency? }` (`to` ending in .tar: a
 * layout tar; `only`: kind ids or artifact types, as `backup --only` takes them; `concurrency`: tags copied at a time,
 * copyTags' 3 unless given).
 */
export async function backupRepository(services: Services, arg?: unknown, answers?: unknown): Promise<BackupResult> {
  const title = l10n.t('Back Up Repository');
  const plain = plainArgs(arg, answers);
  const ref = await repositoryFrom(services, arg, plain, title);
  const repository = formatRegistryReference(ref.registry, ref.repository);
  const src = services.registries.repository(ref.registry, ref.repository);
  const named = tagList(plain.tags, 'tags');
  // A registry that wants credentials: remembered, so that the error's Sign In names it (as after a pull).
  const failure = async (err: unknown): Promise<unknown> => {
    if (isOciError(err, 'UNAUTHORIZED')) await rememberRepository(services, ref);
    return unreachableText(err, [ref.registry]) ?? err;
  };
  const tags = await withProgress(l10n.t('Listing the tags of {0}…', repository), (signal) => tagsToBackUp(src, named, repository, signal)).then(undefined, async (err: unknown) => {
    throw await failure(err);
  });
  if (tags.length === 0) throw new OciError('NOT_FOUND', l10n.t('{0} has no tags to back up.', repository));
  const to: BackupDestination = typeof plain.to === 'string' ? givenDestination(plain.to) : await askBackupDestination(services, title, repository, basename(ref.repository));
  const { referrers, only } = givenOnly(plain.only, plain.referrers) ?? (typeof plain.referrers === 'boolean' ? { referrers: plain.referrers } : await askTagsReferrers(src, tags, title, (some, what) => l10n.t('{0}: {1}. Back them up too?', some, what)));

  let moved: TagMove[] = [];
  let dst: Target;
  let finishTar: ((signal: AbortSignal) => Promise<{ size: number; digest: string }>) | undefined;
  let abortTar = async () => undefined as void;
  if (to.tar) {
    const tar = await beginLayoutTarExport(to.path);
    dst = tar.store;
    finishTar = (signal) => tar.finish({ signal });
    abortTar = tar.abort;
  } else {
    const layout = await openDestinationLayout(services, to.path);
    if (layout.store.readOnly) throw new Error(l10n.t('{0} is a layout archive: back up into a layout folder, or choose a new .tar file.', layout.path));
    dst = layout.store;
    // Declined: nothing is copied (the question is asked before the first byte).
    const moving = await tagMovesAt(dst, tags);
    moved = await confirmTagMoves(layout, moving.map((m) => m.tag), undefined, l10n.t('what it names in {0}', repository), plain.confirmed === true);
  }
  const where = vscode.workspace.asRelativePath(to.path);
  const tally = new CopyTally();
  let aborted = false;
  let written: { size: number; digest: string } | undefined;
  let copied: CopiedTag[];
  let referrerCount: number;
  let referrersLeft: Array<{ digest: string; tag?: string }>;
  try {
    ({ copied, referrerCount, referrersLeft, written } = await withProgress(l10n.t('Backing up {0}', repository), async (signal, progress) => {
      signal.addEventListener('abort', () => (aborted = true));
      const retries = services.registries.onDidRetry((info) => {
        if (info.registry === ref.registry) progress.report({ message: retryNotice(info) });
      });
      try {
        const result = await copyTags(src, tags, dst, {
          signal,
          referrers,
          ...(only ? { only } : {}),
          // From a registry every manifest would be read twice; each copy still checks what it stores (as the CLI).
          checkFirst: false,
          concurrency: concurrencyArg(plain.concurrency),
          onTag: tagTurns(progress),
          onProgress: (e) => tally.add(e),
          onTagged: (tag) => tally.tagged(tag),
        });
        if (finishTar) progress.report({ message: l10n.t('Writing {0}', basename(to.path)), increment: 100 / tags.length });
        const referrersLeft = result.referrersLeft.map((l) => (l.tag ? { digest: l.desc.digest, tag: l.tag } : { digest: l.desc.digest }));
        return { copied: result.tags, referrerCount: result.referrers.length, referrersLeft, written: await finishTar?.(signal) };
      } finally {
        retries.dispose();
      }
    }));
  } catch (err) {
    if (aborted) {
      // With only some kinds, cosign's tags went as referrers (copyTags): not tags whose state is told.
      void vscode.window.showInformationMessage(cancelledText(only ? tags.filter((t) => !parseCosignTag(t.tag)) : tags, tally, to, where));
      throw new Cancelled();
    }
    throw await failure(err);
  } finally {
    await abortTar();
  }
  // A repository typed (or picked from the known ones) joins the Registries view, as after a pull.
  await rememberRepository(services, ref);

  const count = copied.length === 1 ? l10n.t('1 tag') : l10n.t('{0} tags', copied.length);
  const refs = referrerCount === 1 ? l10n.t('1 referrer') : l10n.t('{0} referrers', referrerCount);
  let message = referrers ? l10n.t('Backed up {0} ({1}) of {2} to {3}', count, refs, repository, where) : l10n.t('Backed up {0} of {1} to {2}, without referrers', count, repository, where);
  if (written) message += ` (${formatSize(written.size)}, ${shortDigest(written.digest)})`;
  message += '.';
  if (referrersLeft.length > 0) message += ' ' + (referrersLeft.length === 1 ? l10n.t('1 referrer of other kinds was left out.') : l10n.t('{0} referrers of other kinds were left out.', referrersLeft.length));
  message += movedText(moved).map((m) => ` ${m}`).join('');
  services.log.info(written ? `${message} ${written.digest}` : message);
  if (to.tar) {
    // Opened again if the view showed an earlier tar of that name.
    services.layouts.forget(to.path);
    layoutChanged(services, to.path);
    offerTar(services, message, to.path);
  } else {
    layoutChanged(services, to.path);
    offerFolder(services, message, to.path);
  }
  return { repository, to: to.path, tar: to.tar, tags: copied, referrers: referrerCount, referrersLeft, moved, message };
}

/** The repository node, `{ repository: 'host/repo' }` (or `{ registry, repository }`), or a pick of the added ones. */
async function repositoryFrom(services: Services, arg: unknown, plain: ReturnType<typeof plainArgs>, title: string): Promise<{ registry: string; repository: string }> {
  if (arg instanceof RepositoryNode) return { registry: arg.parent.host, repository: arg.name };
  const given = typeof plain.repository === 'string' ? (typeof plain.registry === 'string' ? `${plain.registry}/${plain.repository}` : plain.repository) : undefined;
  const ref = parseRegistryReference(given ?? (await pickDestination(services.registries.list(), title, { kind: 'repository' })));
  if (ref.reference) throw new Error(l10n.t('Name only the repository ({0}): every tag is backed up, or those given as tags.', `${ref.registry}/${ref.repository}`));
  return { registry: ref.registry, repository: ref.repository };
}

/** The tags named, each resolved (a missing one fails naming it, before anything is written), else every tag but the referrers' fallback tags. */
function tagsToBackUp(src: ReadOnlyTarget, named: string[] | undefined, repository: string, signal: AbortSignal): Promise<TagToCopy[]> {
  return tagsToCopy(src, named, {
    signal,
    missing: (tag, err) => new OciError('NOT_FOUND', l10n.t('{0} has no tag {1} to back up ({2})', repository, shownName(tag), err.message), { cause: err }),
  });
}

/**
 * A cancelled backup's notice. A .tar is not written at all. In a folder the tags are written last (copyTags' last
 * pass), so it says which name their manifest there now (whole and tagged) and which manifests are stored but not
 * tagged: a copy stores a manifest after everything below it, so a stored one is whole, and a backup again fetches
 * only what is missing.
 */
function cancelledText(tags: readonly TagToCopy[], tally: CopyTally, to: BackupDestination, where: string): string {
  if (to.tar) return l10n.t('Backup cancelled: {0} was not written.', where);
  const left = tally.left(tags);
  const tagged = left.tagged.map(shownName);
  if (tagged.length === 0 && left.whole.length === 0 && tally.pushed === 0) return l10n.t('Backup cancelled: nothing was written to {0}.', where);
  const reached = pushedText(tally);
  const first =
    tagged.length === 0
      ? l10n.t('Backup cancelled: no tag was written to {0}; {1} reached it.', where, reached)
      : tagged.length === 1
      ? l10n.t('Backup cancelled: {0} is in {1} whole and tagged, the other tags are not; {2} reached it.', tagged[0]!, where, reached)
      : l10n.t('Backup cancelled: {0} are in {1} whole and tagged, the other tags are not; {2} reached it.', tagged.join(', '), where, reached);
  return withUntaggedText(first, left.whole, 'backup');
}

/** The message, with Reveal (the layout in the Layouts view). */
function offerFolder(services: Services, message: string, path: string): void {
  const reveal = l10n.t('Reveal');
  void vscode.window.showInformationMessage(message, reveal).then((action) => (action === reveal ? revealInTree(services, path) : undefined));
}

/** The message, with Open Layout (the .tar joins the Layouts view) and Reveal in File Explorer. */
function offerTar(services: Services, message: string, path: string): void {
  const open = l10n.t('Open Layout');
  const reveal = l10n.t('Reveal in File Explorer');
  void vscode.window.showInformationMessage(message, open, reveal).then(async (action) => {
    if (action === reveal) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(path));
    if (action === open) {
      await services.layouts.addFolder(path);
      services.tree.refreshAll();
      await revealInTree(services, path);
    }
  });
}
