import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Manifold');
  context.subscriptions.push(output);
}

export function deactivate(): void {}
