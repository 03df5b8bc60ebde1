import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { ANNOTATION_REF_NAME, type Descriptor } from '../../oci/descriptor';
import { describeManifest, unreachableAfter, type LayoutChange } from '../../oci/graph';
import { shortDigest } from '../../oci/reference';
import { consequenceLines } from '../present/consequences';
import type { ResolvedLayout } from './pickers';
import type { ReadOnlyTarget } from '../../oci/target';
import { isOciError } from '../../oci/errors';
import { Cancelled } from './prompts';

/**
 * A modal confirmation that says what else the change leaves unreachable. Skipped when the caller passes
 * `confirmed: true` (scripts, tests). Returns the detail text, which is also logged.
 */
export async function confirmChange(layout: ResolvedLayout, change: LayoutChange, question: string, action: string, confirmed: boolean): Promise<string> {
  const report = await unreachableAfter(layout.store, await layout.store.entries(), change);
  const detail = consequenceLines(report).join('\n');
  if (!confirmed) await askModal(question, detail, [action]);
  return detail;
}

/**
 * A modal question whose default button (Enter) changes nothing: `safe` comes first, since the workbench focuses
 * the first button and moves a close affordance ("Cancel") to the end. Returns the action chosen; Escape, Cancel
 * or `safe` throw Cancelled.
 */
export async function askModal(question: string, detail: string, actions: readonly string[], safe = l10n.t('Keep')): Promise<string> {
  const answer = await vscode.window.showWarningMessage(question, { modal: true, detail }, safe, ...actions);
  if (answer === undefined || answer === safe || !actions.includes(answer)) throw new Cancelled();
  return answer;
}

/** A tag that names something else now, and what that is (`multi-arch (linux/amd64, ...)`, `linux/arm64`). */
export interface TagMove {
  tag: string;
  from: string;
  what: string;
  /** No other tag names it: it stays listed under "Untagged". */
  lastTag: boolean;
  /** On a registry, which keeps what a tag named (by digest) and lists no entries to tell whether other tags name it. */
  remote?: boolean;
}

async function layoutMoves(store: ReadOnlyTarget, entries: Descriptor[], tags: readonly string[], newDigest: string | undefined): Promise<TagMove[]> {
  const moves: TagMove[] = [];
  for (const tag of new Set(tags)) {
    const named = entries.find((d) => d.annotations?.[ANNOTATION_REF_NAME] === tag);
    if (!named || named.digest === newDigest) continue;
    const what = await describeManifest(store, named).then((s) => s.description, () => named.mediaType);
    const lastTag = !entries.some((d) => d.digest === named.digest && d.annotations?.[ANNOTATION_REF_NAME] !== tag);
    moves.push({ tag, from: named.digest, what, lastTag });
  }
  return moves;
}

async function registryMoves(store: ReadOnlyTarget, tags: readonly string[], newDigest: string | undefined): Promise<TagMove[]> {
  const moves: TagMove[] = [];
  for (const tag of new Set(tags)) {
    let named: Descriptor;
    try {
      named = await store.resolve(tag);
    } catch (err) {
      if (isOciError(err, 'NOT_FOUND')) continue;
      throw err;
    }
    if (named.digest === newDigest) continue;
    const what = await describeManifest(store, named).then((s) => s.description, () => named.mediaType);
    moves.push({ tag, from: named.digest, what, lastTag: false, remote: true });
  }
  return moves;
}

/**
 * Before `tags` are pointed at `newDigest` (undefined: not known yet, a new index or a pull): the tags that name
 * something else now. Unless `confirmed`, a modal says what each names and what becomes of it, with "Keep" the
 * default button and "Move" the other; any answer but "Move" cancels. Returns the moves (none: no question).
 */
export async function confirmTagMoves(layout: { store: ReadOnlyTarget }, tags: readonly string[], newDigest: string | undefined, newWhat: string, confirmed: boolean): Promise<TagMove[]> {
  const moves = layout.store.entries ? await layoutMoves(layout.store, await layout.store.entries(), tags, newDigest) : await registryMoves(layout.store, tags, newDigest);
  if (moves.length === 0 || confirmed) return moves;
  const names = moves.map((m) => m.tag);
  const question = names.length === 1 ? l10n.t('Move the tag {0}?', names[0]!) : l10n.t('Move the tags {0}?', names.join(', '));
  const lines = moves.map(movingLine);
  lines.push(l10n.t('After the move it names {0}.', newWhat));
  await askModal(question, lines.join('\n'), [names.length === 1 ? l10n.t('Move Tag') : l10n.t('Move Tags')]);
  return moves;
}

/** What a moving tag names now, and what becomes of that: one line of a tag move's question. */
function movingLine(m: TagMove): string {
  return m.remote
    ? l10n.t('{0} names {1} ({2}) now; the registry keeps it, reachable by its digest.', m.tag, shortDigest(m.from), m.what)
    : m.lastTag
    ? l10n.t('{0} names {1} ({2}) now; it has no other tag and stays listed under Untagged.', m.tag, shortDigest(m.from), m.what)
    : l10n.t('{0} names {1} ({2}) now; its other tags keep naming it.', m.tag, shortDigest(m.from), m.what);
}

/** `v2 moved from sha256:1234abcd (now under Untagged).`, for the message after the change. */
export function movedText(moves: readonly TagMove[]): string[] {
  return moves.map((m) => (m.lastTag ? l10n.t('{0} moved from {1} (now under Untagged).', m.tag, shortDigest(m.from)) : l10n.t('{0} moved from {1}.', m.tag, shortDigest(m.from))));
}

/** One row of several copied together: the tags it gives, the digest they will name, and what that is (for the question). */
export interface PlannedTags {
  tags: readonly string[];
  digest: string;
  what: string;
}

/**
 * confirmTagMoves for several copies into one layout at once: every tag that names something else now, in one
 * modal (`Move the tags v1 (now abcd1234abcd), v2 (now …)?`), so a selection is either moved whole or left alone.
 * Returns each copy's moves, in order (none anywhere: no question).
 */
export async function confirmAllTagMoves(layout: { store: ReadOnlyTarget }, planned: readonly PlannedTags[], confirmed: boolean): Promise<TagMove[][]> {
  const entries = layout.store.entries ? await layout.store.entries() : undefined;
  const moves: TagMove[][] = [];
  for (const p of planned) moves.push(entries ? await layoutMoves(layout.store, entries, p.tags, p.digest) : await registryMoves(layout.store, p.tags, p.digest));
  const all = moves.flat();
  // What two rows' tags both named stays untagged once both move, though each alone leaves it the other's.
  const moving = new Set(all.map((m) => m.tag));
  if (entries) for (const m of all) m.lastTag = !entries.some((d) => d.digest === m.from && !moving.has(d.annotations?.[ANNOTATION_REF_NAME] ?? ''));
  if (all.length === 0 || confirmed) return moves;
  const listed = all.map((m) => l10n.t('{0} (now {1})', m.tag, shortDigest(m.from))).join(', ');
  const question = all.length === 1 ? l10n.t('Move the tag {0}?', listed) : l10n.t('Move the tags {0}?', listed);
  const lines: string[] = [];
  for (const [i, rowMoves] of moves.entries()) {
    for (const m of rowMoves) {
      lines.push(movingLine(m));
      lines.push(l10n.t('After the move {0} names {1}.', m.tag, planned[i]!.what));
    }
  }
  await askModal(question, lines.join('\n'), [all.length === 1 ? l10n.t('Move Tag') : l10n.t('Move Tags')]);
  return moves;
}
