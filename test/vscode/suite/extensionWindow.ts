// The extension's own `vscode.window`, for tests that answer its prompts and messages as a user would: the host gives
// this suite another copy of the API, whose window the extension never calls.
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as vscode from 'vscode';

type Listener = (e?: unknown) => void;

/** Swaps members of the extension's window for `stubs`; returns what puts the real ones back. */
export function swapExtensionWindow(stubs: Record<string, unknown>): () => void {
  const ext = vscode.extensions.getExtension('manifold-dev.manifold');
  assert.ok(ext, 'the Manifold extension is not loaded');
  const window = (createRequire(join(ext.extensionPath, ext.packageJSON.main))('vscode') as typeof vscode).window as unknown as Record<string, unknown>;
  assert.notEqual(window, vscode.window as unknown, "the extension's API is this suite's: the stubs would not reach it");
  const real = Object.fromEntries(Object.keys(stubs).map((k) => [k, window[k]]));
  Object.assign(window, stubs);
  return () => Object.assign(window, real);
}

/**
 * A stand-in for `createQuickPick` (the destination pick of ui/destinationPick.ts): once shown, `text` is typed in
 * full and Enter pressed on the row it makes. Each time it is shown, `destination: PLACEHOLDER` goes into `asked`.
 */
export function typedQuickPick(text: string, asked: string[]): () => unknown {
  return () => {
    const on: Record<'value' | 'accept' | 'hide', Listener[]> = { value: [], accept: [], hide: [] };
    const pick = {
      items: [] as (vscode.QuickPickItem & { value?: string })[],
      selectedItems: [] as vscode.QuickPickItem[],
      activeItems: [] as vscode.QuickPickItem[],
      value: '',
      placeholder: undefined as string | undefined,
      onDidChangeValue: (l: Listener) => on.value.push(l),
      onDidAccept: (l: Listener) => on.accept.push(l),
      onDidHide: (l: Listener) => on.hide.push(l),
      show: () => {
        asked.push(`destination: ${pick.placeholder}`);
        setTimeout(() => {
          pick.value = text;
          on.value.forEach((l) => l(text));
          pick.selectedItems = pick.items.filter((i) => i.value === text);
          on.accept.forEach((l) => l());
        }, 10);
      },
      hide: () => on.hide.forEach((l) => l()),
      dispose: () => {},
    };
    return pick;
  };
}

/** A message the extension showed: its kind (error, warning, info) and text. */
export interface ShownMessage {
  kind: string;
  message: string;
}

/**
 * The extension's messages recorded into `shown` (each answered with no action) and, with `dialogs`, its open dialogs'
 * titles (each cancelled): the verify suites' set-up. Returns what puts the real window back.
 */
export function recordMessages(shown: ShownMessage[], dialogs?: string[]): () => void {
  const record = (kind: string) => async (message: string) => void shown.push({ kind, message });
  return swapExtensionWindow({
    showErrorMessage: record('error'),
    showWarningMessage: record('warning'),
    showInformationMessage: record('info'),
    ...(dialogs ? { showOpenDialog: async (options?: vscode.OpenDialogOptions) => void dialogs.push(options?.title ?? '') } : {}),
  });
}

/**
 * A user answering the extension's prompts from queues, everything shown or asked written down as it reads: `shown`
 * (`info: text [Action, …]`), `asked` (`open: title`, `input: prompt`, `pick: placeholder: a | b`). Each open dialog
 * takes the next of `opens`, each input box the next of `typed`, each pick the item labelled as the next of `picks`;
 * a message answers with the first of its actions that `answers` holds. `reset` empties all between tests.
 */
export class RecordedPrompts {
  readonly shown: string[] = [];
  readonly asked: string[] = [];
  opens: vscode.Uri[][] = [];
  typed: string[] = [];
  picks: string[] = [];
  answers: string[] = [];
  private restoreWindow?: () => void;

  install(): void {
    const record = (kind: string) => async (message: string, ...rest: unknown[]) => {
      const actions = rest.filter((r): r is string => typeof r === 'string');
      this.shown.push(`${kind}: ${message}${actions.length ? ` [${actions.join(', ')}]` : ''}`);
      return actions.find((a) => this.answers.includes(a));
    };
    this.restoreWindow = swapExtensionWindow({
      showInformationMessage: record('info'),
      showWarningMessage: record('warning'),
      showErrorMessage: record('error'),
      showOpenDialog: async (options?: vscode.OpenDialogOptions) => (this.asked.push(`open: ${options?.title}`), this.opens.shift()),
      showInputBox: async (options?: vscode.InputBoxOptions) => (this.asked.push(`input: ${options?.prompt}`), this.typed.shift()),
      showQuickPick: async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
        const list = await items;
        this.asked.push(`pick: ${options?.placeHolder}: ${list.map((i) => i.label).join(' | ')}`);
        const want = this.picks.shift();
        return list.find((i) => i.label === want);
      },
    });
  }

  reset(): void {
    this.shown.length = 0;
    this.asked.length = 0;
    this.opens = [];
    this.typed = [];
    this.picks = [];
    this.answers = [];
  }

  restore(): void {
    this.restoreWindow?.();
  }
}
