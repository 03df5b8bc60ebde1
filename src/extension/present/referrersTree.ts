// The `discover --recursive` tree as text, for the "Show referrers tree" document: one tree, in the
// extension's words; the formatting itself is the core's (src/oci/referrers/treeText.ts), shared with the CLI.
import { nestedReferrersTreeText, type SubjectNode, type TreeWords } from '../../oci/referrers';
import * as l10n from '@vscode/l10n';

export function renderReferrersTree(reference: string, root: SubjectNode): string {
  const words: TreeWords = {
    imageIndex: l10n.t('Image index'),
    imageManifest: l10n.t('Image manifest'),
    unknownType: l10n.t('<unknown artifact type>'),
    annotationValue: (value) => value,
    attestationOf: (digest) => l10n.t('(buildx attestation of {0})', digest),
  };
  return nestedReferrersTreeText(reference, root, words);
}
