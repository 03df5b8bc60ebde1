import { randomBytes } from 'node:crypto';
import vscode = require('vscode');

/**
 * The HTML of a webview page: one stylesheet from media/, one script bundled into dist/, and VS Code's l10n bundle
 * on `<body data-l10n>` for the page's own @vscode/l10n strings (absent in English). The content security policy
 * lets nothing else in: no inline style or script, only the script carrying this page's nonce.
 */
export function webviewPage(webview: vscode.Webview, page: { css: vscode.Uri; script: vscode.Uri; title: string }): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`, `img-src ${webview.cspSource} data:`, `font-src ${webview.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${webview.asWebviewUri(page.css)}">
<title>${escapeHtml(page.title)}</title>
</head>
<body${l10nAttribute()}>
<main id="root" aria-live="polite"></main>
<script nonce="${nonce}" src="${webview.asWebviewUri(page.script)}"></script>
</body>
</html>`;
}

function l10nAttribute(): string {
  const bundle = vscode.l10n.bundle;
  return bundle ? ` data-l10n="${escapeHtml(JSON.stringify(bundle))}"` : '';
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
