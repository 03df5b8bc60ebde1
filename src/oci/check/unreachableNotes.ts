// A whole layout folder's check: what index.json does not reach, said. An unlisted referrer is invisible to
// discover and prune removes it; damaged bytes are damaged, listed or not; the rest is garbage a release carries.
import { shortDigest } from '../reference';
import { isGarbageLister, type ReadOnlyTarget, type UnreachableBlob } from '../target';
import type { CheckProblem, GraphCheck } from './checkGraph';

/**
 * Notes, for the layout folder `layout` named `dir` (as the user named it, for the remedy's command), each unreachable blob
 * damaged (an error), each unreachable referrer (a warning naming its subject and how to keep it), each other
 * unreachable manifest (info), then one info summing them all up with what prune would do. Info never fails a
 * check, `--strict` or not: garbage alone is no defect of what index.json lists. Blobs prune keeps for now (young:
 * a command may still be writing what will list them) are no garbage yet: only counted apart, damaged ones still
 * errors. Where prune cannot tell the garbage, one info says why, so that no note is not taken for no garbage.
 */
export async function checkUnreachableBlobs(layout: ReadOnlyTarget, dir: string, check: GraphCheck): Promise<void> {
  const garbage = isGarbageLister(layout) ? await layout.unreachableBlobs() : undefined;
  if (!garbage) return;
  const summary = (code: string, message: string): CheckProblem => ({ severity: 'info', code, where: 'index.json', document: 'index.json', digest: '', path: '', message });
  if ('refused' in garbage) {
    check.note(summary('unreachable-uncounted', `the blobs nothing index.json lists reaches are not counted, as manifold prune cannot tell them here: ${garbage.refused.replace(/^prune: /, '')}`));
    return;
  }
  const { blobs, graceMs } = garbage;
  if (blobs.length === 0) return;
  const where = check.where ? ` ${check.where}` : '';
  for (const b of blobs) {
    const p = noteOf(b, dir, where);
    if (p) check.note(p);
  }
  check.note(summary('unreachable-blobs', sumUp(blobs, graceMs)));
}

/** `3 blobs, 1,071 bytes, are stored ...: manifold prune removes them; 2 more blobs, written in the last 10 minutes, ...`. */
function sumUp(blobs: UnreachableBlob[], graceMs: number): string {
  const one = (k: number, singular: string, plural: string) => (k === 1 ? singular : plural);
  const old = blobs.filter((b) => !b.young);
  const n = old.length;
  const bytes = old.reduce((sum, b) => sum + b.size, 0);
  const written = blobs.filter((b) => b.young === 'written').length;
  const reached = blobs.length - n - written; // older ones a young manifest reaches (none without a young one)
  const parts: string[] = [];
  if (n > 0) parts.push(`${n} ${one(n, 'blob', 'blobs')}, ${bytes.toLocaleString('en-US')} bytes, ${one(n, 'is', 'are')} stored that nothing index.json lists reaches: manifold prune removes ${one(n, 'it', 'them')}`);
  if (written > 0) {
    const what = n > 0 ? `${written} more ${one(written, 'blob', 'blobs')}` : `${written} ${one(written, 'blob', 'blobs')} that nothing index.json lists reaches`;
    const older = reached > 0 ? `, and ${reached} older ${one(reached, 'one', 'ones')} ${one(written, 'it reaches', 'they reach')}` : '';
    const all = written + reached;
    parts.push(`${what}, written in the last ${duration(graceMs)}${older}, ${one(all, 'is', 'are')} not counted: a command may still be writing ${one(all, 'it', 'them')}`);
  }
  return parts.join('; ');
}

/** `10 minutes`, `90 seconds`: a grace period as said to the user. */
function duration(ms: number): string {
  const [n, unit] = ms % 60_000 === 0 ? [ms / 60_000, 'minute'] : [Math.round(ms / 1000), 'second'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function noteOf(b: UnreachableBlob, dir: string, where: string): CheckProblem | undefined {
  const m = b.manifest;
  const document = m?.index ? 'index' : 'manifest';
  const label = `@${shortDigest(b.digest)}`;
  const unlisted = 'nothing index.json lists reaches it';
  if (b.unreadable !== undefined || b.actual !== undefined) {
    const why = b.unreadable !== undefined ? `cannot be read: ${b.unreadable}` : `does not match its digest: content has digest ${b.actual}`;
    const what = m?.subject ? `, a referrer of ${m.subject.digest},` : '';
    // Not a manifest: a problem of the layout's blobs, named in the message (no document to mark it in).
    return m
      ? { severity: 'error', code: 'blob-unreadable', where: label, document, digest: b.digest, path: '', message: `${document} ${b.digest}${where}${what} ${why} (${unlisted})` }
      : { severity: 'error', code: 'blob-unreadable', where: 'index.json', document: 'index.json', digest: '', path: '', message: `blob ${b.digest}${where} ${why} (${unlisted})` };
  }
  // Young: not garbage yet, and a referrer being attached is listed in a moment.
  if (!m || b.young) return undefined;
  if (m.subject) {
    const type = m.artifactType ? `, artifactType ${m.artifactType},` : '';
    const subject = `${m.subject.digest}${m.subjectStored ? '' : ', which is not stored here either'}`;
    return {
      severity: 'warning',
      code: 'unlisted-referrer',
      where: label,
      document,
      digest: b.digest,
      path: 'subject',
      message: `this referrer of ${subject}${type} is stored but index.json does not list it: discover does not see it and manifold prune removes it; to keep it, tag it (manifold tag --oci-layout ${dir}@${b.digest} NAME)`,
    };
  }
  return { severity: 'info', code: 'unlisted-manifest', where: label, document, digest: b.digest, path: '', message: `this ${document} is stored but ${unlisted}: manifold prune removes it` };
}
