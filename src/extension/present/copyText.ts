import * as l10n from '@vscode/l10n';
import type { CopyEvent, TagToCopy } from '../../oci/copy';
import { shownName } from '../../oci/shownName';
import { formatSize } from './format';

/**
 * Bytes are counted as read from the source, which runs ahead of what the destination has taken by the buffers in
 * between: this much of a blob in flight is not counted as done until the destination accepts the whole blob.
 */
const IN_FLIGHT = 64 * 1024;

/**
 * What a copy has done so far, from its progress events (and, from copyTags, the tags it set): for the progress
 * figures, the counts said when it is done, and a cancelled copy's notice.
 */
export class CopyTally {
  private readonly sizes = new Map<string, number>();
  private readonly moved = new Map<string, number>();
  /** At the destination whole: pushed by this copy or found there (a manifest is stored after everything below it). */
  private readonly stored = new Set<string>();
  private readonly sent = new Set<string>();
  private readonly named = new Set<string>();
  /** Blobs and manifests pushed, each once (copyTags tells each push once: a copy that joined another's push tells it as there). */
  pushed = 0;
  pushedBytes = 0;

  add(e: CopyEvent): void {
    if (e.type === 'retry') return;
    this.sizes.set(e.desc.digest, e.desc.size);
    if (e.type === 'bytes') this.moved.set(e.desc.digest, Math.max(0, e.bytes - IN_FLIGHT));
    else if (e.type === 'copying') this.moved.set(e.desc.digest, 0);
    else {
      this.moved.set(e.desc.digest, e.desc.size);
      this.stored.add(e.desc.digest);
      if (e.type !== 'exists' && !this.sent.has(e.desc.digest)) {
        this.sent.add(e.desc.digest);
        this.pushed++;
        this.pushedBytes += e.desc.size;
      }
    }
  }

  /** Blobs and manifests found at the destination that this copy did not push there, each once (copyTags' later passes find again what the first pushed). */
  get existing(): number {
    let n = 0;
    for (const digest of this.stored) if (!this.sent.has(digest)) n++;
    return n;
  }

  /** A tag that names its manifest at the destination now (copyTags' onTagged). */
  tagged(tag: string): void {
    this.named.add(tag);
  }

  /** Of `tags`, those whole and tagged at the destination, and those whose manifest is there whole but not tagged. */
  left(tags: readonly TagToCopy[]): { tagged: string[]; whole: string[] } {
    const tagged = tags.filter((t) => this.named.has(t.tag)).map((t) => t.tag);
    const whole = tags.filter((t) => !this.named.has(t.tag) && this.stored.has(t.desc.digest)).map((t) => t.tag);
    return { tagged, whole };
  }

  /** Bytes the destination has (never more than has arrived) of the bytes known so far. */
  figures(): { done: number; total: number } {
    let total = 0;
    let done = 0;
    for (const [digest, size] of this.sizes) {
      total += size;
      done += Math.min(size, this.moved.get(digest) ?? 0);
    }
    return { done, total };
  }
}

/** What a copy pushed: `3 blobs and manifests (1.5 kB)`. */
export function pushedText(tally: CopyTally): string {
  return tally.pushed === 1 ? l10n.t('1 blob or manifest ({0})', formatSize(tally.pushedBytes)) : l10n.t('{0} blobs and manifests ({1})', tally.pushed, formatSize(tally.pushedBytes));
}

/** The notice after a cancelled copy: what reached `where`, and that it is not tagged there. */
export function cancelledCopyText(tally: CopyTally, where: string): string {
  if (tally.pushed === 0) return l10n.t('Copy cancelled: nothing was copied to {0}.', where);
  return l10n.t('Copy cancelled: {0} reached {1}, but the copy is incomplete and not tagged there.', pushedText(tally), where);
}

/**
 * The notice after a cancelled copy of a layout's tags (copyTags, which sets the tags last): those `tally` saw left
 * whole and tagged at `where`, what reached it in all, and the tags whose content is there whole but not tagged.
 */
export function cancelledTagsCopyText(tally: CopyTally, tags: readonly TagToCopy[], where: string): string {
  const left = tally.left(tags);
  const done = left.tagged.map(shownName);
  const first =
    done.length === 0
      ? cancelledCopyText(tally, where)
      : done.length === 1
      ? l10n.t('Copy cancelled: {0} was copied to {1} and is tagged there; the other tags are not ({2} reached it in all).', done[0]!, where, pushedText(tally))
      : l10n.t('Copy cancelled: {0} were copied to {1} and are tagged there; the other tags are not ({2} reached it in all).', done.join(', '), where, pushedText(tally));
  return withUntaggedText(first, left.whole, 'copy');
}

/**
 * A cancelled copyTags' notice `first`, then, when `whole` names tags whose manifest is stored but not tagged (a copy
 * stores a manifest after everything below it, so it is whole), that running it again tags them, sending only what
 * is missing: a backup (`again` 'backup') fetches it, a copy to a registry pushes it.
 */
export function withUntaggedText(first: string, whole: readonly string[], again: 'backup' | 'copy'): string {
  if (whole.length === 0) return first;
  const names = whole.map(shownName).join(', ');
  const more =
    again === 'backup'
      ? l10n.t('The content of {0} is there whole but not tagged: back up again to tag it, fetching only what is missing.', names)
      : l10n.t('The content of {0} is there whole but not tagged: copy again to tag it, pushing only what is missing.', names);
  return `${first} ${more}`;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** A connection that failed to one of `hosts` (registries), as an error that names the registry; undefined for other errors. */
export function unreachableText(err: unknown, hosts: readonly string[]): Error | undefined {
  const code = (err as { code?: unknown; cause?: { code?: unknown } })?.code ?? (err as { cause?: { code?: unknown } })?.cause?.code;
  if (typeof code !== 'string' || !UNREACHABLE.has(code)) return undefined;
  const message = (err as Error).message ?? '';
  const host = hosts.find((h) => message.includes(`//${h}/`) || message.includes(` ${h}`)) ?? (hosts.length === 1 ? hosts[0] : undefined);
  if (!host) return undefined;
  const why = code === 'ECONNREFUSED' ? l10n.t('nothing answers there (connection refused)') : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? l10n.t('no such host') : l10n.t('the connection failed ({0})', code);
  const out = new Error(l10n.t('Cannot reach the registry {0}: {1}. Check the address and that the registry is running.', host, why));
  (out as Error & { cause?: unknown }).cause = err;
  return out;
}
