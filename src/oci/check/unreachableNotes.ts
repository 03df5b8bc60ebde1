// A whole layout folder's check: what index.json does not reach, said. An unlisted referrer is invisible to
// discover and prune removes it; damaged bytes are damaged, listed or not; the rest is garbage a release carries.
import { shortDigest } from '../reference';
import { isGarbageLister, type ReadOnlyTarget, type UnreachableBlob } from '../target';
import type { CheckProblem, GraphCheck } from './checkGraph';

/**
 * Notes, for the layout folder `layout` named `dir` (as the user named it, for the remedy's command), each unreachable blob
 * damaged (an error), each unreachable referrer (a warning naming its subject and how to keep it), each other
 * unreachable manifest (info), then one info summing them all up with what prune would do. Info never fails a
 * check, `--strict` or not: garbage alone is no defect of what index.json lists.
 */
export async function checkUnreachableBlobs(layout: ReadOnlyTarget, dir: string, check: GraphCheck): Promise<void> {
  const blobs = isGarbageLister(layout) ? await layout.unreachableBlobs() : undefined;
  if (!blobs || blobs.length === 0) return;
  const where = check.where ? ` ${check.where}` : '';
  for (const b of blobs) {
    const p = noteOf(b, dir, where);
    if (p) check.note(p);
  }
  const bytes = blobs.reduce((n, b) => n + b.size, 0);
  const n = blobs.length;
  check.note({
    severity: 'info',
    code: 'unreachable-blobs',
    where: 'index.json',
    document: 'index.json',
    digest: '',
    path: '',
    message: `${n} blob${n === 1 ? '' : 's'}, ${bytes.toLocaleString('en-US')} bytes, ${n === 1 ? 'is' : 'are'} stored that nothing index.json lists reaches: manifold prune removes ${n === 1 ? 'it' : 'them'}`,
  });
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
  if (!m) return undefined;
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
