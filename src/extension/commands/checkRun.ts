// What Check Image and Check Layout share once the check has run: the results published, the summary shown.
import type { CheckReport } from '../../oci/check';
import type { Descriptor } from '../../oci/descriptor';
import { sourcePath } from '../../oci/sourceRef';
import { checkResults } from '../diagnostics/checkResults';
import type { SourceRef } from '../present/sourceRef';
import type { Services } from '../services';
import { showCheckSummary } from '../ui/checkProgress';

/** What a check returns to `executeCommand` callers (the tests): the summary shown, the report, the documents. */
export interface CheckOutcome {
  summary: string;
  report: CheckReport;
  /** The documents its problems were put on. */
  uris: string[];
}

/** Where the blobs are, in the core's messages (English, as the core's own). */
export function whereText(ref: SourceRef): string {
  return ref.kind === 'layout' ? `in the layout ${ref.path}` : `in ${sourcePath(ref)}`;
}

/** Publishes a check's problems (replacing the last run's of the same `key`) and shows the summary (with what was not verified). */
export async function finish(services: Services, key: string, ref: SourceRef, what: string, report: CheckReport, seen: ReadonlyMap<string, Descriptor>): Promise<CheckOutcome> {
  const uris = await checkResults(services).publish(services, key, { ref, seen }, report.problems);
  return { summary: showCheckSummary(what, report), report, uris: uris.map((u) => u.toString()) };
}
