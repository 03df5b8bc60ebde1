// What "Attach Artifact" reports, in words that say where the artifacts went and count them properly.
import * as l10n from '@vscode/l10n';

/**
 * "Attached 1 artifact of type T to v1", "Attached 2 artifacts of type T to linux/amd64, linux/arm64 of v1" (only
 * platforms), or "... to v1 and its platforms linux/amd64, linux/arm64" (the index and its platforms), then how many
 * buildx attestation manifests were skipped (`skipped`), so an index with fewer artifacts than entries is explained.
 */
export function attachedMessage(artifactType: string, subject: string, artifacts: readonly { platform?: string }[], skipped = 0): string {
  const platforms = artifacts.flatMap((a) => (a.platform ? [a.platform] : []));
  const onSubject = artifacts.length - platforms.length;
  const where =
    platforms.length === 0 ? subject : onSubject > 0 ? l10n.t('{0} and its platforms {1}', subject, platforms.join(', ')) : l10n.t('{0} of {1}', platforms.join(', '), subject);
  const attached =
    artifacts.length === 1
      ? l10n.t('Attached 1 artifact of type {0} to {1}', artifactType, where)
      : l10n.t('Attached {0} artifacts of type {1} to {2}', artifacts.length, artifactType, where);
  if (skipped === 0) return attached;
  return skipped === 1
    ? l10n.t('{0}; skipped 1 buildx attestation manifest (it describes an image, it is not a platform)', attached)
    : l10n.t('{0}; skipped {1} buildx attestation manifests (they describe images, they are not platforms)', attached, skipped);
}
