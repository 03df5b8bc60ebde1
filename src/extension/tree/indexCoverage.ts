// One coverage walk per expanded index: what each platform row says it carries and lacks, and the kind of each
// referrer and buildx attestation row below. Started when the index is expanded (a collapsed index costs nothing,
// a layout's expansion never waits for it), and redrawn into the rows when it comes in.
import type { Descriptor } from '../../oci/descriptor';
import { coverageNotes, referrerCoverage, type CoverageNote } from '../../oci/referrers';
import type { ReadOnlyTarget } from '../../oci/target';
import type { KindTitles } from '../present/coverageItem';
import type { Node, TreeContext } from './nodes';

/** How long an index's expansion waits for its coverage before its rows are drawn without it (then redrawn). */
const COVERAGE_BUDGET_MS = 300;

export class IndexCoverage {
  private notes: Map<string, CoverageNote> | undefined;
  private kinds: Map<string, string[]> | undefined;
  titles: KindTitles = new Map();
  private readonly done: Promise<void>;

  constructor(ctx: TreeContext, node: Node, target: ReadOnlyTarget, index: Descriptor) {
    const table = ctx.kinds();
    this.done = referrerCoverage(target, index.digest, { kinds: table }).then(
      (report) => {
        this.titles = new Map(report.columns.map((c) => [c.id, c.title]));
        this.notes = coverageNotes(report);
        this.kinds = new Map();
        for (const row of report.rows) for (const a of row.artifacts) this.kinds.set(a.digest, a.kinds);
      },
      // The rows show without coverage; the log says why.
      (err: unknown) => ctx.log.warn(`${node.id}: referrer coverage: ${(err as Error).message}`),
    );
  }

  /** Waits for the walk at most a short budget; `late` runs when it comes in after that. */
  async within(late: () => void): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let inTime = false;
    await Promise.race([this.done.then(() => (inTime = true)), new Promise<void>((resolve) => (timer = setTimeout(resolve, COVERAGE_BUDGET_MS)))]);
    clearTimeout(timer);
    if (!inTime) void this.done.then(late);
  }

  /** What the manifest `digest` of the walk carries and lacks; undefined before the walk is done. */
  note(digest: string): CoverageNote | undefined {
    return this.notes?.get(digest);
  }

  /** The kinds an attached artifact was classified as; undefined when unknown. */
  kindsOf(digest: string): string[] | undefined {
    return this.kinds?.get(digest);
  }
}
