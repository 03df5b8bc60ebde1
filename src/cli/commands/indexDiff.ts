import type { Descriptor } from '../../oci/descriptor';
import { isOciError, OciError } from '../../oci/errors';
import { namesReference } from '../../oci/reference';
import { shownName } from '../../oci/shownName';
import { inOrder } from '../../oci/inOrder';
import { diffIndexGraphs, fetchIndexGraph, type IndexDiff, type IndexGraph, type IndexGraphChild } from '../../oci/imageIndex/diff';
import { boolOpt, type Command, formatOpt, FORMAT_OPTION } from '../command';
import type { Printer } from '../printer';
import { REGISTRY_OPTIONS } from '../registryOptions';
import { openTarget, requireReference } from '../targets';

export const indexDiff: Command = {
  path: 'manifest index diff',
  summary: 'Compare two indexes: platforms added, removed and changed, annotations, referrers',
  // --oci-layout: both are layouts; --from-oci-layout or --to-oci-layout: that one only.
  usage: 'manifest index diff [flags] [--oci-layout] {REGISTRY/REPO|--from-oci-layout DIR}{:tag|@digest} {REGISTRY/REPO|--to-oci-layout DIR}{:tag|@digest}',
  examples: [
    'manifold manifest index diff --oci-layout layout:v1 layout:v2',
    'manifold manifest index diff --oci-layout layout:v2 layout@sha256:99e4...',
    'manifold manifest index diff --from-oci-layout layout:v2 localhost:5000/app:v2 --plain-http',
    'manifold manifest index diff localhost:5000/app:v1 localhost:5000/app:v2 --format json --plain-http',
  ],
  minArgs: 2,
  maxArgs: 2,
  options: {
    'oci-layout': { type: 'boolean', description: 'A and B are OCI image layout folders or tars: DIR{:tag|@digest}' },
    'from-oci-layout': { type: 'boolean', description: 'A (only) is an OCI image layout folder or tar' },
    'to-oci-layout': { type: 'boolean', description: 'B (only) is an OCI image layout folder or tar' },
    ...FORMAT_OPTION,
    ...REGISTRY_OPTIONS,
  },
  async run(p, printer) {
    const format = formatOpt(p);
    const [rawA, rawB] = p.positionals as [string, string];
    const both = boolOpt(p, 'oci-layout');
    // Both sides at once (a registry's round trips overlap); a failure of the first is the one said.
    const sides: Array<[string, boolean]> = [[rawA, both || boolOpt(p, 'from-oci-layout')], [rawB, both || boolOpt(p, 'to-oci-layout')]];
    const [a, b] = (await inOrder(sides, { atOnce: 2 }, ([raw, layout]) => readSide(p, raw, layout))) as [IndexGraph, IndexGraph];
    const diff = diffIndexGraphs(a, b);
    if (format === 'json') printer.out(`${JSON.stringify(diff, null, 2)}\n`);
    else printDiff(printer, diff);
  },
};

/** Opens, resolves and reads one side; any failure is an error naming the reference as the user gave it. */
async function readSide(p: Parameters<Command['run']>[0], raw: string, layout: boolean): Promise<IndexGraph> {
  let reference: string | undefined;
  try {
    const t = await openTarget(p, raw, { layout });
    reference = requireReference(t, raw);
    const desc: Descriptor = await t.target.resolve(reference);
    return await fetchIndexGraph(t.target, desc, t.display());
  } catch (err) {
    const message = (err as Error).message;
    // Named already: as given, or by the reference the read was resolved by (a layout names its folder in full).
    if (message.includes(raw) || (reference !== undefined && namesReference(message, reference))) throw err;
    throw new OciError(isOciError(err) ? err.code : 'INVALID_ARGUMENT', `${raw}: ${message}`, { cause: err });
  }
}

function describeChild(c: IndexGraphChild): string {
  if (!c.image) return c.mediaType;
  const layers = `${c.image.layers} layer${c.image.layers === 1 ? '' : 's'}`;
  return `image, ${layers}, ${c.image.size} bytes${c.image.created !== null ? `, created ${c.image.created}` : ''}`;
}

/** One line per difference, in the order of the JSON; `No differences` when there are none. */
function printDiff(printer: Printer, d: IndexDiff): void {
  const lines = [`--- ${d.a.reference} ${d.a.digest}`, `+++ ${d.b.reference} ${d.b.digest}`];
  for (const c of d.platforms.added) lines.push(`+ platform ${shownName(c.key)} ${c.digest} (${describeChild(c)})`);
  for (const c of d.platforms.removed) lines.push(`- platform ${shownName(c.key)} ${c.digest} (${describeChild(c)})`);
  for (const c of d.platforms.changed) {
    lines.push(`~ platform ${shownName(c.key)}${c.digest ? ` ${c.digest.a} -> ${c.digest.b}` : ` ${c.a.digest}`}`);
    if (c.created) lines.push(`    created: ${c.created.a ?? '(none)'} -> ${c.created.b ?? '(none)'}`);
    if (c.layers) lines.push(`    layers: ${c.layers.a} -> ${c.layers.b}`);
    if (c.size) lines.push(`    size: ${c.size.a} -> ${c.size.b} bytes`);
    for (const t of c.referrersGained) lines.push(`    + referrer ${t}`);
    for (const t of c.referrersLost) lines.push(`    - referrer ${t}`);
  }
  for (const [k, v] of Object.entries(d.annotations.added)) lines.push(`+ annotation ${shownName(k)}=${shownName(v)}`);
  for (const [k, v] of Object.entries(d.annotations.removed)) lines.push(`- annotation ${shownName(k)}=${shownName(v)}`);
  for (const [k, v] of Object.entries(d.annotations.changed)) lines.push(`~ annotation ${shownName(k)}: ${shownName(v.a)} -> ${shownName(v.b)}`);
  for (const t of d.referrers.gained) lines.push(`+ referrer ${t}`);
  for (const t of d.referrers.lost) lines.push(`- referrer ${t}`);
  if (d.same) lines.push(d.a.digest === d.b.digest ? 'No differences: the same index' : 'No differences in platforms, annotations or referrers');
  printer.out(`${lines.join('\n')}\n`);
}
