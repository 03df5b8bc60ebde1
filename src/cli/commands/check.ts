import { checkLayoutEntries, checkLayoutEntryTypes, checkRepositoryTags, GraphCheck, type CheckCounts, type CheckProblem, type CheckReport } from '../../oci/check';
import { shortDigest } from '../../oci/reference';
import { shownName } from '../../oci/shownName';
import { boolOpt, type Command, formatOpt, LAYOUT_OPTION } from '../command';
import { byteSize } from '../copyProgress';
import { formatJson, type Printer } from '../printer';
import { openTarget, type OpenedTarget } from '../targets';

/** The version of the JSON `check --format json` writes; it changes only when a field changes meaning or goes. */
export const CHECK_JSON_VERSION = 1;

export const check: Command = {
  path: 'check',
  summary: 'Check an image, artifact, layout or repository: every manifest, config and layer, read and verified, and their referrers',
  usage: 'check [flags] {REGISTRY/REPO|--oci-layout DIR}[:tag|@digest]',
  examples: [
    'manifold check --oci-layout layout:v1',
    'manifold check --oci-layout layout                  # everything index.json lists',
    'manifold check --plain-http localhost:5000/app      # every tag of the repository',
    'manifold check --oci-layout layout:v1 --fast        # layers: present, of the size listed; not read',
    'manifold check --plain-http localhost:5000/app:v1 --format json',
  ],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    fast: { type: 'boolean', description: 'do not read layers: check only that each is there, of the size listed' },
    'no-referrers': { type: 'boolean', description: 'do not check the referrers (signatures, SBOMs, ...) of each manifest' },
    strict: { type: 'boolean', description: 'exit code 1 for warnings too, not only errors' },
    format: { type: 'string', description: 'output format: text (default) or json', valueName: 'FORMAT' },
  },
  async run(p, printer) {
    const format = formatOpt(p);
    const raw = p.positionals[0]!;
    const t = await openTarget(p, raw);
    const fast = boolOpt(p, 'fast');
    const status = statusLine(printer, fast);
    const check = new GraphCheck(t.target, {
      fast,
      onProgress: status.show,
      referrers: !boolOpt(p, 'no-referrers'),
      where: t.kind === 'oci-layout' ? `in the layout ${t.path}` : `in ${t.path}`,
    });
    let what: string;
    try {
      what = await walk(t, check);
    } finally {
      status.clear();
    }
    const report = check.report();
    const errors = report.problems.filter((x) => x.severity === 'error').length;
    const warnings = report.problems.filter((x) => x.severity === 'warning').length;
    if (format === 'json') printer.out(formatJson(checkJson(what, report, errors, warnings)));
    else printer.out(checkText(what, report, errors, warnings, fast));
    for (const [why, n] of Object.entries(report.uncompared)) {
      const layers = `${n} ${why} layer${n === 1 ? '' : 's'}`;
      printer.err(why === 'foreign' ? `Note: ${layers} not read: not stored here, fetched from ${n === 1 ? 'its' : 'their'} urls\n` : `Note: the diff_ids of ${layers} were not compared: this Node.js cannot unpack ${why}\n`);
    }
    return errors > 0 || (warnings > 0 && boolOpt(p, 'strict')) ? 1 : 0;
  },
};

/** Checks what the reference names, or a layout or repository whole; returns how the summary names it. */
async function walk(t: OpenedTarget, check: GraphCheck): Promise<string> {
  if (t.reference) {
    const root = await t.target.resolve(t.reference);
    await check.add(root, t.reference);
    // A layout's entries for it: one whose mediaType disagrees with the document is a problem of index.json.
    if (t.kind === 'oci-layout') await checkLayoutEntryTypes(t.target, check, (d) => d.digest === root.digest);
    return t.display();
  }
  // A folder's blobs nothing index.json reaches are said too (the store tells them; a tar's it does not).
  if (t.kind === 'oci-layout') await checkLayoutEntries(t.target, check, t.path);
  else await checkRepositoryTags(t.target, check);
  return t.path;
}

/** On a terminal, what has been read so far, redrawn at most ten times a second on stderr. */
function statusLine(printer: Printer, fast: boolean): { show?: (c: CheckCounts) => void; clear(): void } {
  if (printer.terminal !== true) return { clear() {} };
  let last = 0;
  let shown = false;
  return {
    show(c) {
      if (Date.now() - last < 100) return;
      last = Date.now();
      process.stderr.write(`\r\x1b[KChecking: ${countsText(c, fast)}`);
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function countsText(c: CheckCounts, fast: boolean): string {
  const parts = [counted(c.indexes, 'index', 'indexes'), counted(c.manifests, 'manifest'), counted(c.configs, 'config'), counted(c.layers, 'layer')];
  if (c.referrers > 0) parts.push(`${counted(c.referrers, 'referrer')} among them`);
  return `${parts.join(', ')}${fast ? '' : `; ${byteSize(c.bytes)} of layers read`}`;
}

/** Problems grouped by the document they are in, then one line that sums up. */
export function checkText(what: string, report: CheckReport, errors: number, warnings: number, fast = false): string {
  const lines: string[] = [];
  let last = '';
  for (const x of report.problems) {
    // `where` starts with the name the root is listed by (a tag another tool wrote): shown as any stored name is.
    const where = shownName(x.where);
    const head = x.digest ? `${where} (${shortDigest(x.digest)})` : where;
    if (head !== last) lines.push(head);
    last = head;
    lines.push(`  ${x.severity === 'error' ? 'error  ' : x.severity === 'warning' ? 'warning' : 'note   '} ${x.path ? `${x.path}: ` : ''}${x.message}`);
  }
  const notes = report.problems.length - errors - warnings;
  const verdict = errors + warnings === 0 ? 'No problems' : [errors ? counted(errors, 'error') : '', warnings ? counted(warnings, 'warning') : ''].filter(Boolean).join(', ');
  const noted = notes > 0 ? ` (${counted(notes, 'note')})` : '';
  lines.push(`${verdict}${noted} in ${what}: ${countsText(report.counts, fast)}`);
  return `${lines.join('\n')}\n`;
}

function problemJson(x: CheckProblem): unknown {
  return { severity: x.severity, code: x.code, where: x.where, document: x.document, digest: x.digest || undefined, path: x.path, message: x.message, link: x.link };
}

/** The JSON documented in the README ("Check"): stable field names, `version` bumps on a change of meaning. */
export function checkJson(what: string, report: CheckReport, errors: number, warnings: number): unknown {
  return { version: CHECK_JSON_VERSION, reference: what, errors, warnings, checked: report.counts, problems: report.problems.map(problemJson), uncompared: report.uncompared };
}
