// Small wrappers over QuickPick and InputBox: a dismissed prompt throws Cancelled, which the command
// wrapper ends quietly, so handlers read straight through without undefined checks at every step.
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { annotationProblem } from '../present/annotationProblem';
import { currentSession, itemKey, replayPick, replayText, type PromptKey } from './answerReplay';

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

export function need<T>(value: T | undefined): T {
  if (value === undefined) throw new Cancelled();
  return value;
}

// Picks stay open when focus moves (as the text prompts do): a step of a longer flow, started from a webview
// button or while the user glances at a file, is not lost to a stray focus change; Escape still ends it.
// Every answer is recorded for the command's Retry, which replays it instead of asking again (answerReplay.ts).
export async function pickOne<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: vscode.QuickPickOptions): Promise<T> {
  return (await pick(items, options, 'pickOne'))[0]!;
}

export async function pickMany<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: vscode.QuickPickOptions): Promise<T[]> {
  return pick(items, options, 'pickMany');
}

async function pick<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: vscode.QuickPickOptions, kind: 'pickOne' | 'pickMany'): Promise<T[]> {
  const session = currentSession();
  const key: PromptKey = { kind, title: options.title, question: options.placeHolder };
  // Awaited first only when replaying: otherwise the pick shows at once, busy until its items come.
  const list = session?.replaying ? await items : items;
  const replayed = session?.replaying ? replayPick(session, key, list as T[]) : undefined;
  let picked: T[];
  if (replayed) picked = replayed;
  else if (kind === 'pickOne') picked = [need(await vscode.window.showQuickPick(list, { ignoreFocusOut: true, ...options, canPickMany: false }))];
  else {
    picked = need(await vscode.window.showQuickPick(list, { ignoreFocusOut: true, ...options, canPickMany: true }));
    if (picked.length === 0) throw new Cancelled();
  }
  session?.record({ ...key, kind, chosen: picked.map(itemKey), offered: (await list).map(itemKey) });
  return picked;
}

/** A password is never recorded, so never replayed: the box is shown, and so is every prompt after it. */
export async function input(options: vscode.InputBoxOptions): Promise<string> {
  const session = currentSession();
  const key: PromptKey = { kind: 'input', title: options.title, question: options.prompt };
  const recorded = session && !options.password ? replayText(session, key) : undefined;
  // A recorded entry is checked again: what it names may have changed since.
  const problem = recorded === undefined ? undefined : refused(await options.validateInput?.(recorded));
  if (problem) session?.stop();
  const value = recorded !== undefined && !problem ? recorded : need(await vscode.window.showInputBox({ ignoreFocusOut: true, ...options }));
  if (options.password) session?.stop();
  else session?.record({ ...key, kind: 'input', text: value });
  return value;
}

const refused = (problem: string | vscode.InputBoxValidationMessage | undefined | null) =>
  typeof problem === 'string' ? problem !== '' : problem?.severity === vscode.InputBoxValidationSeverity.Error;

/** `a, b c` -> ['a', 'b', 'c']: tags as users type them. */
export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/**
 * Asks for annotations one at a time (`key=value`, or `key-` to remove when `allowRemove`), until an
 * empty entry. Each entry is checked with the core's parser, so the rules match the CLI's.
 */
export async function askAnnotations(title: string, allowRemove = false, first?: { value: string; selection: [number, number] }): Promise<string[]> {
  const entries: string[] = [];
  for (;;) {
    // A suggested first entry (a lifecycle's end-of-life date) is filled in with the part to change selected.
    const suggested = entries.length === 0 ? first : undefined;
    const value = await input({
      title,
      value: suggested?.value,
      valueSelection: suggested?.selection,
      prompt: allowRemove
        ? l10n.t('key=value to set, key- to remove; leave empty to finish')
        : l10n.t('key=value; leave empty to finish'),
      placeHolder: entries.length > 0 ? entries.join('  ') : 'org.opencontainers.image.version=1.0',
      validateInput: (v) => (v.trim() === '' ? undefined : annotationProblem(entries, v.trim(), allowRemove)),
    });
    if (value.trim() === '') return entries;
    entries.push(value.trim());
  }
}
