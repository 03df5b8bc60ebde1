import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { destinationItems, type DestinationItem, type DestinationKind, type KnownRegistry, type RepositoryTags } from '../present/destination';
import { currentSession, replayText } from './answerReplay';
import { Cancelled } from './prompts';

export interface DestinationPickOptions {
  /** What is asked (see DestinationKind); `copy` when not given. */
  kind?: DestinationKind;
  /** Copy to Registry: the tag reused when none is typed. */
  sourceTag?: string;
  /** `source`: lists a repository's tags once it is picked or typed (a few, for the pick). */
  tagsOf?: (registry: string, repository: string) => Promise<string[]>;
}

function placeholder(kind: DestinationKind, sourceTag: string | undefined): string {
  if (kind === 'repository') return l10n.t('Pick an added repository, or type registry/repository (every tag keeps its name)');
  if (kind === 'source') return l10n.t('Pick an added repository and a tag, or type registry/repository:tag');
  return sourceTag
    ? l10n.t('Pick an added repository, or type registry/repository[:tag] (the tag is {0} unless given)', sourceTag)
    : l10n.t('Pick an added repository, or type registry/repository:tag');
}

/**
 * One QuickPick for a registry reference: the added repositories to pick, and whatever is typed, checked as it is
 * typed. Returns `registry/repository:tag` (`copy`), `registry/repository` (`repository`), or
 * `registry/repository:tag` or `@digest` (`source`).
 */
export async function pickDestination(known: readonly KnownRegistry[], title: string, options: DestinationPickOptions = {}): Promise<string> {
  const kind = options.kind ?? 'copy';
  // A Retry answers with what was picked or typed (answerReplay.ts); the command parses it as it does a pick's.
  const session = currentSession();
  const key = { kind: 'destination' as const, title, question: placeholder(kind, options.sourceTag) };
  const text = replayText(session, key) ?? (await showPick(known, title, kind, options));
  session?.record({ ...key, text });
  return text;
}

function showPick(known: readonly KnownRegistry[], title: string, kind: DestinationKind, options: DestinationPickOptions): Promise<string> {
  const pick = vscode.window.createQuickPick<DestinationItem & vscode.QuickPickItem>();
  pick.title = title;
  pick.placeholder = placeholder(kind, options.sourceTag);
  pick.ignoreFocusOut = true;
  pick.matchOnDescription = false;
  const tags = new Map<string, RepositoryTags>();
  const listing = new Set<string>();
  const refresh = () => {
    pick.items = destinationItems(known, pick.value, options.sourceTag, kind, tags);
  };
  /** `source`: the tags of the added repository the typed text starts with, listed once. */
  const listTags = () => {
    const repo = known.flatMap((r) => r.repositories.map((name) => ({ host: r.host, name }))).find((r) => pick.value.trim().startsWith(`${r.host}/${r.name}:`));
    const key = repo && `${repo.host}/${repo.name}`;
    if (!repo || !key || !options.tagsOf || listing.has(key)) return;
    listing.add(key);
    pick.busy = true;
    options
      .tagsOf(repo.host, repo.name)
      .then(
        (found) => tags.set(key, { tags: found }),
        (err: Error) => tags.set(key, { tags: [], problem: l10n.t('Its tags could not be listed: {0}', err.message) }),
      )
      .finally(() => {
        pick.busy = [...listing].some((k) => !tags.has(k));
        refresh();
      });
  };
  const changed = () => {
    refresh();
    if (kind === 'source') listTags();
  };
  changed();
  return new Promise<string>((resolve, reject) => {
    let done = false;
    pick.onDidChangeValue(changed);
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0] ?? pick.activeItems[0];
      if (!item) return;
      if (item.value) {
        done = true;
        resolve(item.value);
        pick.hide();
      } else if (item.fill !== undefined) {
        pick.value = item.fill;
        changed();
      }
      // Otherwise the typed text is not a destination: its row says why, and the pick stays open.
    });
    pick.onDidHide(() => {
      pick.dispose();
      if (!done) reject(new Cancelled());
    });
    pick.show();
  });
}
