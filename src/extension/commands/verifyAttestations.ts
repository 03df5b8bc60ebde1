import * as l10n from '@vscode/l10n';
import { attestationProblems, type ImageAttestations } from '../../oci/attestations';
import type { CheckProblem } from '../../oci/check';
import type { Descriptor } from '../../oci/descriptor';
import { shortDigest } from '../../oci/reference';
import { ATTESTATIONS_SOURCE, checkResults } from '../diagnostics/checkResults';
import { attestationSummaryText } from '../present/attestationText';
import { manifestName } from '../present/format';
import { sourceKey } from '../present/sourceRef';
import type { Services } from '../services';
import { withProgress } from '../ui/progress';
import { Cancelled } from '../ui/prompts';
import { plainArgs } from './args';
import { askPredicateType } from './predicateTypes';
import { configuredKeyFiles } from '../settings/signatureKeys';
import { configuredTrust } from '../settings/signatureTrust';
import { chooseKeyFiles, readKeys, verifiedManifest } from './verifyInputs';
import { verifyTrustedAttestations } from './verifyTrusted';
import { showSummary } from './verifyNotice';

/** What Verify Attestations returns to `executeCommand` callers (the tests): the summary shown, the results, the documents marked. */
export interface VerifyAttestationsOutcome {
  summary: string;
  predicateType?: string;
  report: ImageAttestations;
  problems: CheckProblem[];
  uris: string[];
}

/**
 * `manifold.verifyAttestations`: the cosign attestations of an image, and of each manifest of an index (as `manifold
 * verify-attestation --recursive`), verified with the keys of `manifold.signatureKeys` and the certificates for the
 * identities of `manifold.signatureIdentities` with its Rekor keys, as Verify Signatures (neither set: chosen), of any
 * predicate type or the one picked. As Verify Signatures: a notification sums up, each manifest's result goes to the
 * Problems panel (source `manifold attestations`), replacing the last run's of the same image. Arguments as Verify
 * Signatures', and `type`: a predicate type (a short name or a URI), null for any; not given, it is asked.
 */
export async function verifyAttestations(services: Services, arg?: unknown): Promise<VerifyAttestationsOutcome> {
  const title = l10n.t('Verify Attestations');
  const m = await verifiedManifest(services, arg, title);
  const predicateType = await askPredicateType(title, plainArgs(arg).type, { any: true });
  // As Verify Signatures: identities set verify keyless attestations without keys; neither set: the keys are asked for.
  const configured = configuredKeyFiles();
  const trust = await configuredTrust();
  const keys = await readKeys(configured.length > 0 || trust.policies.length > 0 ? configured : await chooseKeyFiles(services, title), configured.length > 0);
  const label = m.tag ?? shortDigest(m.desc.digest);
  const shown = manifestName(m.tag, m.desc.digest);
  let aborted = false;
  let report: ImageAttestations;
  try {
    report = await withProgress(l10n.t('Verifying the attestations of {0}', shown), (signal) => {
      signal.addEventListener('abort', () => (aborted = true));
      return verifyTrustedAttestations(m.target, m.reference, keys, trust, { predicateType, signal });
    });
  } catch (err) {
    if (aborted) throw new Cancelled();
    throw err;
  }
  const problems = attestationProblems(report, label, { layout: m.ref.kind === 'layout', predicateType });
  const seen = new Map<string, Descriptor>([[report.root.digest, report.root], ...report.manifests.map((v) => [v.subject.digest, v.subject] as const)]);
  const uris = await checkResults(services, ATTESTATIONS_SOURCE).publish(services, `${sourceKey(m.ref)} ${label}`, { ref: m.ref, seen }, problems);
  const summary = showSummary(attestationSummaryText(shown, report, predicateType), problems);
  return { summary, ...(predicateType ? { predicateType } : {}), report, problems, uris: uris.map((u) => u.toString()) };
}
