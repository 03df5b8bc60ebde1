// Small wrappers over QuickPick and InputBox: a dismissed prompt throws Cancelled, which the command
// wrapper ends quietly, so handlers read straight through without undefined checks at every step.
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { annotationProblem } from '../present/annotationProblem';

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
export async function pickOne<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: vscode.QuickPickOptions): Promise<T> {
  return need(await vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...options, canPickMany: false }));
}

export async function pickMany<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: vscode.QuickPickOptions): Promise<T[]> {
  const picked = need(await vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...options, canPickMany: true }));
  if (picked.length === 0) throw new Cancelled();
  return picked;
}

export async function input(options: vscode.InputBoxOptions): Promise<string> {
  return need(await vscode.window.showInputBox({ ignoreFocusOut: true, ...options }));
}

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
