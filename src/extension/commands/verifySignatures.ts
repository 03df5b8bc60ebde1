import * as l10n from '@vscode/l10n';
import type { CheckProblem } from '../../oci/check';
import type { Descriptor } from '../../oci/descriptor';
import { shortDigest } from '../../oci/reference';
import { type ImageVerification, verificationProblems } from '../../oci/signatures';
import { checkResults, VERIFY_SOURCE } from '../diagnostics/checkResults';
import { manifestName } from '../present/format';
import { sourceKey } from '../present/sourceRef';
import { verifySummaryText } from '../present/verifyText';
import type { Services } from '../services';
import { configuredKeyFiles } from '../settings/signatureKeys';
import { configuredTrust } from '../settings/signatureTrust';
import { withProgress } from '../ui/progress';
import { Cancelled } from '../ui/prompts';
import { chooseKeyFiles, readKeys, verifiedManifest } from './verifyInputs';
import { showSummary } from './verifyNotice';
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
 * `manifold.signatureIdentities`, and Notary Project signatures under `manifold.notaryRoots` (settings/signatureTrust.ts;
 * none set: the keys are chosen, and may be remembered
 * in the workspace's setting). A notification sums up; each manifest's result goes to the Problems panel
 * (an error or warning per manifest without a valid signature, a note per verified one), replacing the last run's
 * of the same image. Arguments as Check Image's: a tag or manifest node, `{ layout, reference }`,
 * `{ registry, repository, reference }`, an index editor's URI; from the palette, a layout's tag picked.
 */
export async function verifySignatures(services: Services, arg?: unknown): Promise<VerifyOutcome> {
  const title = l10n.t('Verify Signatures');
  const m = await verifiedManifest(services, arg, title);
  const configured = configuredKeyFiles();
  // Identities (or Notary roots) set verify signatures without keys; none set: the keys are asked for.
  const trust = await configuredTrust(m.ref);
  const files = configured.length > 0 || trust.policies.length > 0 || trust.notary ? configured : await chooseKeyFiles(services, title);
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
