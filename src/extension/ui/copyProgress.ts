import * as l10n from '@vscode/l10n';
import { copy, type CopyOptions, type CopyResult } from '../../oci/copy';
import { RemoteRepository, retryNotice, type RetryInfo } from '../../oci/registry';
import type { ReadOnlyTarget, Target } from '../../oci/target';
import type * as vscode from 'vscode';
import { formatSize } from '../present/format';
import { withProgress } from './progress';

/**
 * `oras cp` with referrers, under a cancellable notification that shows the bytes moved against the bytes
 * known so far (sizes become known as manifests are read), and each retry of a request to either side's registry.
 */
export function copyWithProgress(
  title: string,
  src: ReadOnlyTarget,
  reference: string,
  dst: Target,
  tags: string[],
  onDidRetry?: vscode.Event<RetryInfo>,
  extra: Pick<CopyOptions, 'platforms'> = {},
): Thenable<CopyResult> {
  return withProgress(title, async (signal, progress) => {
    const hosts = new Set([src, dst].flatMap((t) => (t instanceof RemoteRepository ? [t.registry] : [])));
    // Shown until the next progress report replaces it: during a stall nothing else is reported.
    const retries = onDidRetry?.((info) => {
      if (hosts.has(info.registry)) progress.report({ message: retryNotice(info) });
    });
    const sizes = new Map<string, number>();
    const moved = new Map<string, number>();
    let reported = 0;
    let last = 0;
    const report = (force = false) => {
      const now = Date.now();
      if (!force && now - last < 200) return;
      last = now;
      let total = 0;
      let done = 0;
      for (const [digest, size] of sizes) {
        total += size;
        done += Math.min(size, moved.get(digest) ?? 0);
      }
      const pct = total ? (done / total) * 100 : 0;
      progress.report({ message: l10n.t('{0} of {1}', formatSize(done), formatSize(total)), increment: Math.max(0, pct - reported) });
      reported = Math.max(reported, pct);
    };
    try {
      const result = await copy(src, reference, dst, tags, {
        referrers: true,
        ...extra,
        signal,
        onProgress: (e) => {
          sizes.set(e.desc.digest, e.desc.size);
          if (e.type === 'bytes') moved.set(e.desc.digest, e.bytes);
          else if (e.type !== 'copying') moved.set(e.desc.digest, e.desc.size);
          report();
        },
      });
      report(true);
      return result;
    } finally {
      retries?.dispose();
    }
  });
}
