import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { CheckProblem } from '../../oci/check';
import type { Descriptor } from '../../oci/descriptor';
import { shortDigest } from '../../oci/reference';
import { type ImageVerification, readPublicKeyFile, verificationProblems, type VerifyKey } from '../../oci/signatures';
import { checkResults, VERIFY_SOURCE } from '../diagnostics/checkResults';
import { storedIndexOf } from '../documents/storedIndexOf';
import { manifestName } from '../present/format';
import { sourceKey } from '../present/sourceRef';
import { verifySummaryText } from '../present/verifyText';
import type { Services } from '../services';
import { configuredKeyFiles, type KeyFile, SIGNATURE_KEYS_SETTING, settingEntry } from '../settings/signatureKeys';
import { configuredTrust } from '../settings/signatureTrust';
import { chooseFiles } from '../ui/fileChooser';
import { withProgress } from '../ui/progress';
import { Cancelled } from '../ui/prompts';
import { sourceManifestFrom } from './args';
import { verifyTrusted } from './verifyTrusted';

/** What Verify Signatures returns to `executeCommand` callers (the tests): the summary shown, the results, the documents marked. */
export interface VerifyOutcome {
  summary: string;
  report: ImageVerification;
  problems: CheckProblem[];
  uris: string[];
}

/**
 * `manifold.verifySignatures`: the cosign signatures of an image, and of each manifest of an index (as `manifold
 * verify --recursive`), verified with the keys of `manifold.signatureKeys` and the certificates for the identities of
 * `manifold.signatureIdentities` (settings/signatureTrust.ts; neither set: the keys are chosen, and may be remembered
 * in the workspace's setting). A notification sums up; each manifest's result goes to the Problems panel
 * (an error or warning per manifest without a valid signature, a note per verified one), replacing the last run's
 * of the same image. Arguments as Check Image's: a tag or manifest node, `{ layout, reference }`,
 * `{ registry, repository, reference }`, an index editor's URI; from the palette, a layout's tag picked.
 */
export async function verifySignatures(services: Services, arg?: unknown): Promise<VerifyOutcome> {
  const title = l10n.t('Verify Signatures');
  if (arg instanceof vscode.Uri) {
    const stored = await storedIndexOf(services, arg);
    arg = { layout: (stored.ref as { path: string }).path, reference: stored.reference };
  }
  const m = await sourceManifestFrom(services, arg, title);
  const configured = configuredKeyFiles();
  // Identities set verify keyless signatures without keys; neither set: the keys are asked for.
  const trust = await configuredTrust();
  const files = configured.length > 0 || trust.policies.length > 0 ? configured : await chooseKeyFiles(services, title);
  const keys = await readKeys(files, configured.length > 0);
  const label = m.tag ?? shortDigest(m.desc.digest);
  const shown = manifestName(m.tag, m.desc.digest);
  let aborted = false;
  let report: ImageVerification;
  try {
    report = await withProgress(l10n.t('Verifying the signatures of {0}', shown), (signal) => {
      signal.addEventListener('abort', () => (aborted = true));
      return verifyTrusted(m.target, m.reference, keys, trust, { signal });
    });
  } catch (err) {
    if (aborted) throw new Cancelled();
    throw err;
  }
  const problems = verificationProblems(report, label, { layout: m.ref.kind === 'layout' });
  const seen = new Map<string, Descriptor>([[report.root.digest, report.root], ...report.manifests.map((v) => [v.subject.digest, v.subject] as const)]);
  const uris = await checkResults(services, VERIFY_SOURCE).publish(services, `${sourceKey(m.ref)} ${label}`, { ref: m.ref, seen }, problems);
  return { summary: showSummary(verifySummaryText(shown, report), problems), report, problems, uris: uris.map((u) => u.toString()) };
}

/** No key set: the files chosen (and, in a trusted workspace, an offer to remember them). */
async function chooseKeyFiles(services: Services, title: string): Promise<KeyFile[]> {
  const chosen = await chooseFiles(services.context.workspaceState, {
    title: l10n.t('{0}: Choose Public Keys', title),
    openLabel: l10n.t('Verify With These Keys'),
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: true,
    filters: { [l10n.t('Public keys')]: ['pub', 'pem'], [l10n.t('All files')]: ['*'] },
  });
  const files = chosen.map((u) => ({ name: basename(u.fsPath), path: u.fsPath }));
  if (vscode.workspace.isTrusted && vscode.workspace.workspaceFolders?.length) void offerToRemember(files);
  return files;
}

/** Not awaited: the verification goes on while the offer shows. */
async function offerToRemember(files: KeyFile[]): Promise<void> {
  const remember = l10n.t('Remember in Workspace Settings');
  const names = files.map((f) => f.name).join(', ');
  const choice = await vscode.window.showInformationMessage(l10n.t('Verify signatures with {0} in this workspace from now on? ({1})', names, SIGNATURE_KEYS_SETTING), remember);
  if (choice !== remember) return;
  await vscode.workspace.getConfiguration().update(SIGNATURE_KEYS_SETTING, files.map((f) => settingEntry(f.path)), vscode.ConfigurationTarget.Workspace);
}

/**
 * Each file read as a key, named as the setting or the dialog gave it; one that cannot be read or is no key fails the
 * command, its error naming the file's full path and why (and the setting, when it came from there).
 */
async function readKeys(files: readonly KeyFile[], fromSetting: boolean): Promise<VerifyKey[]> {
  return Promise.all(
    files.map(async (f) => {
      try {
        return { ...(await readPublicKeyFile(f.path)), name: f.name };
      } catch (err) {
        // The core's error (its code kept), led by where the file was named.
        if (fromSetting && err instanceof Error) err.message = `${SIGNATURE_KEYS_SETTING}: ${err.message}`;
        throw err;
      }
    }),
  );
}

/** The notification, as Check Image's: with a problem, "Show Problems" focuses the Problems panel. Returns its text. */
function showSummary(text: string, problems: readonly CheckProblem[]): string {
  const worst = problems.some((p) => p.severity === 'error') ? 'error' : problems.some((p) => p.severity === 'warning') ? 'warning' : 'info';
  const show = l10n.t('Show Problems');
  const message = { error: vscode.window.showErrorMessage, warning: vscode.window.showWarningMessage, info: vscode.window.showInformationMessage }[worst];
  void message(text, show).then((action) => {
    if (action === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
  return text;
}
