import * as l10n from '@vscode/l10n';
import { copy, type CopyOptions, type CopyResult } from '../../oci/copy';
import { RemoteRepository, retryNotice, type RetryInfo } from '../../oci/registry';
import type { ReadOnlyTarget, Target } from '../../oci/target';
import vscode = require('vscode');
import { cancelledCopyText, CopyTally, unreachableText } from '../present/copyText';
import { formatSize } from '../present/format';
import { withProgress } from './progress';
import { Cancelled } from './prompts';

/**
 * `oras cp` with referrers (unless `extra.referrers` is false), under a cancellable notification that shows the bytes moved against the bytes
 * known so far (sizes become known as manifests are read), and each retry of a request to either side's registry.
 * Cancelled, it says what was (or was not) copied to `where` and throws Cancelled; a registry that cannot be
 * reached is named in the error.
 */
export async function copyWithProgress(
  title: string,
  src: ReadOnlyTarget,
  reference: string,
  dst: Target,
  tags: string[],
  onDidRetry?: vscode.Event<RetryInfo>,
  extra: Pick<CopyOptions, 'platforms' | 'referrers' | 'only'> & { where?: string } = {},
): Promise<CopyResult> {
  const tally = new CopyTally();
  // By its kind, not instanceof: a target made by another bundle of the core (the host tests') is one too.
  const hosts = [src, dst].flatMap((t) => ((t as Partial<RemoteRepository>).kind === 'registry' ? [(t as RemoteRepository).registry] : []));
  let aborted = false;
  try {
    return await withProgress(title, async (signal, progress) => {
      signal.addEventListener('abort', () => (aborted = true));
      // Shown until the next progress report replaces it: during a stall nothing else is reported.
      const retries = onDidRetry?.((info) => {
        if (hosts.includes(info.registry)) progress.report({ message: retryNotice(info) });
      });
      let reported = 0;
      let last = 0;
      const report = (force = false) => {
        const now = Date.now();
        if (!force && now - last < 200) return;
        last = now;
        const { done, total } = tally.figures();
        const pct = total ? (done / total) * 100 : 0;
        progress.report({ message: l10n.t('{0} of {1}', formatSize(done), formatSize(total)), increment: Math.max(0, pct - reported) });
        reported = Math.max(reported, pct);
      };
      try {
        const result = await copy(src, reference, dst, tags, {
          referrers: extra.referrers ?? true,
          ...(extra.only ? { only: extra.only } : {}),
          platforms: extra.platforms,
          signal,
          onProgress: (e) => {
            tally.add(e);
            report();
          },
        });
        report(true);
        return result;
      } finally {
        retries?.dispose();
      }
    });
  } catch (err) {
    if (aborted) {
      void vscode.window.showInformationMessage(cancelledCopyText(tally, extra.where ?? tags.join(', ')));
      throw new Cancelled();
    }
    throw unreachableText(err, hosts) ?? err;
  }
}
