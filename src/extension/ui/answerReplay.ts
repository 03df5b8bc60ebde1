// The answers a command's prompts got, kept per run, so that its Retry (after Trust CA Certificate…, Choose Client
// Certificate… or Sign In…) runs it again without asking what the user answered a minute ago. register.ts runs each
// command in its own session (AsyncLocalStorage: commands running at once do not mix); prompts.ts, fileChooser.ts and
// destinationPick.ts ask it before showing and tell it what was answered. Free of `vscode`.
import { AsyncLocalStorage } from 'node:async_hooks';

/** What is asked: a pick of one or of several, an input box, the destination pick, an open dialog. */
export type PromptKind = 'pickOne' | 'pickMany' | 'input' | 'destination' | 'files';

/** Which prompt it is: its kind and the words it shows (its title, and its placeholder or prompt). */
export interface PromptKey {
  kind: PromptKind;
  title?: string;
  question?: string;
}

/** A pick's item as the user saw it. */
export interface ItemKey {
  label: string;
  description?: string;
}

export type Answer =
  | (PromptKey & { kind: 'pickOne' | 'pickMany'; chosen: ItemKey[]; offered: ItemKey[] })
  | (PromptKey & { kind: 'input' | 'destination'; text: string })
  | (PromptKey & { kind: 'files'; uris: string[] });

/** Retry hands this to a command as its last argument; register.ts takes it off and replays its answers. */
export class ReplayAnswers {
  constructor(readonly answers: readonly Answer[]) {}
}

const sameItem = (a: ItemKey, b: ItemKey) => a.label === b.label && (a.description ?? '') === (b.description ?? '');
const sameItems = (a: readonly ItemKey[], b: readonly ItemKey[]) => a.length === b.length && a.every((x, i) => sameItem(x, b[i]!));
const sameKey = (a: PromptKey, b: PromptKey) => a.kind === b.kind && (a.title ?? '') === (b.title ?? '') && (a.question ?? '') === (b.question ?? '');

/**
 * One run of a command: what its prompts were answered (`answers`, replayed ones too, so a second Retry replays them
 * all again), and what is left to replay. Replaying goes in order and stops at the first prompt it cannot answer:
 * from there on every prompt is shown.
 */
export class AnswerSession {
  readonly answers: Answer[] = [];
  private replay: Answer[];
  private open = true;

  constructor(replay: readonly Answer[] = []) {
    this.replay = [...replay];
  }

  /** Answers are left to replay (the prompts that come first are not shown). */
  get replaying(): boolean {
    return this.replay.length > 0;
  }

  /** The next recorded answer when it is for this prompt (same kind and words); else replaying stops. */
  next(key: PromptKey): Answer | undefined {
    const answer = this.open ? this.replay[0] : undefined;
    if (answer && sameKey(answer, key)) {
      this.replay.shift();
      return answer;
    }
    this.stop();
    return undefined;
  }

  /** A prompt replaying could not answer is shown: so is every one after it. */
  stop(): void {
    this.replay = [];
  }

  record(answer: Answer): void {
    if (this.open) this.answers.push(answer);
  }

  /** The command ended: a prompt a stray continuation shows later is neither answered nor recorded. */
  close(): void {
    this.open = false;
    this.replay = [];
  }
}

/**
 * The items of the NEW list a recorded pick chose (matched by label and description), or undefined, and replaying
 * stops, when it cannot be answered so: another prompt is next, a chosen item is gone, or (a pick of several, where
 * what was left unchecked is an answer too) the list offered is not the one the user answered.
 */
export function replayPick<T extends ItemKey>(session: AnswerSession | undefined, key: PromptKey, items: readonly T[]): T[] | undefined {
  const answer = session?.next(key);
  if (!answer || (answer.kind !== 'pickOne' && answer.kind !== 'pickMany')) return undefined;
  const chosen = answer.chosen.map((c) => items.find((i) => sameItem(i, c)));
  const whole = chosen.length > 0 && chosen.every((c) => c !== undefined) && (answer.kind === 'pickOne' || sameItems(answer.offered, items.map(itemKey)));
  if (whole) return chosen as T[];
  session!.stop();
  return undefined;
}

/** The recorded text of an input box or the destination pick, or undefined (replaying stops). */
export function replayText(session: AnswerSession | undefined, key: PromptKey): string | undefined {
  const answer = session?.next(key);
  return answer && (answer.kind === 'input' || answer.kind === 'destination') ? answer.text : undefined;
}

/** The recorded URIs (as strings) of an open dialog, or undefined (replaying stops). */
export function replayFiles(session: AnswerSession | undefined, key: PromptKey): string[] | undefined {
  const answer = session?.next(key);
  return answer?.kind === 'files' ? answer.uris : undefined;
}

export const itemKey = (i: ItemKey): ItemKey => (i.description === undefined ? { label: i.label } : { label: i.label, description: i.description });

const current = new AsyncLocalStorage<AnswerSession>();
/** Commands running in a session now. */
let running = 0;

/**
 * Runs one command's handler in `session`: the prompts it shows, however deep, answer from it and record into it.
 * On Node 20 and 22 an AsyncLocalStorage in use hooks every promise of the process (3 million awaits: 180 ms, with
 * one in use 450 ms), the extension host's other extensions' too: so it is disabled whenever no command runs.
 */
export async function answering<T>(session: AnswerSession, run: () => T | Promise<T>): Promise<T> {
  running++;
  try {
    return await current.run(session, async () => await run());
  } finally {
    session.close();
    if (--running === 0) current.disable();
  }
}

/** The session of the command whose prompt this is; undefined outside a command (a prompt shown by a view). */
export function currentSession(): AnswerSession | undefined {
  return current.getStore();
}
