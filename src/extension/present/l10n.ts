// User-facing strings of the vscode-free helpers go through `t`, which activate() points at vscode.l10n.t;
// in plain Node (unit tests) it only fills in `{0}`-style placeholders.
export type Localize = (message: string, ...args: (string | number | boolean)[]) => string;

const fill: Localize = (message, ...args) => message.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));

let current: Localize = fill;

export function t(message: string, ...args: (string | number | boolean)[]): string {
  return current(message, ...args);
}

export function setLocalize(fn: Localize): void {
  current = fn;
}
