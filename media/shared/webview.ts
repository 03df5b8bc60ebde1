// What every webview page does first: take VS Code's l10n bundle (the extension puts it on <body data-l10n>,
// absent in English) before any string is made, and connect to the extension. A page module imports this
// before it makes strings: imported modules run first, so the bundle is in place for its module-level l10n.t.
import * as l10n from '@vscode/l10n';

const bundle = document.body.dataset.l10n;
if (bundle) l10n.config({ contents: JSON.parse(bundle) as Record<string, string> });

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

/** Connects the page: `send` posts to the extension, `onMessage` gets what it posts; `root` is the page's #root. */
export function connect<From, To>(onMessage: (message: To) => void): { send: (message: From) => void; root: HTMLElement } {
  const api = acquireVsCodeApi(); // VS Code allows one call per page
  window.addEventListener('message', (event: MessageEvent<To>) => onMessage(event.data));
  return { send: (message) => api.postMessage(message), root: document.getElementById('root')! };
}

/** `sha256:` and the first 12 hex digits, then an ellipsis; anything not shaped like a digest as it is. */
export const shortDigest = (digest: string) => (/^[a-z0-9]+:[a-f0-9]{12,}$/.test(digest) ? `${digest.slice(0, digest.indexOf(':') + 13)}…` : digest);
