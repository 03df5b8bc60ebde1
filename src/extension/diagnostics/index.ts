import vscode = require('vscode');
import type { Services } from '../services';
import { OciDiagnostics } from './ociDiagnostics';
import { OciQuickFixes } from './quickFixes';

export { OciDiagnostics, DIAGNOSTIC_SOURCE } from './ociDiagnostics';

/** Diagnostics for OCI index and manifest documents, with quick fixes. Returns the diagnostics (tests read them). */
export function registerDiagnostics(services: Services): OciDiagnostics {
  const diagnostics = new OciDiagnostics(services);
  services.context.subscriptions.push(
    diagnostics,
    vscode.languages.registerCodeActionsProvider([{ language: 'json' }, { language: 'jsonc' }], new OciQuickFixes(diagnostics), {
      providedCodeActionKinds: OciQuickFixes.kinds,
    }),
  );
  return diagnostics;
}
