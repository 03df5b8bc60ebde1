// The `discover --recursive` tree as text, for the "Show referrers tree" document.
import { isImageIndex } from '../../oci/mediaType';
import { formatPlatform } from '../../oci/platform';
import type { ReferrerNode, SubjectNode } from '../../oci/referrers';
import { t } from './l10n';

interface TextNode {
  text: string;
  children: TextNode[];
}

export function renderReferrersTree(reference: string, root: SubjectNode): string {
  return render(subjectNode(root, reference)).trimEnd() + '\n';
}

function subjectNode(node: SubjectNode, reference?: string): TextNode {
  let label = isImageIndex(node.desc.mediaType) ? t('Image index') : t('Image manifest');
  if (node.position.length > 0) label += ` [${node.position.join('.')}]`;
  if (node.desc.platform) label += ` ${formatPlatform(node.desc.platform)}`;
  const out: TextNode = { text: `${reference ? `${reference} ` : ''}${label} ${node.desc.digest}`, children: [] };
  addReferrers(out, node.referrers);
  for (const child of node.manifests ?? []) out.children.push(subjectNode(child));
  return out;
}

function addReferrers(parent: TextNode, referrers: ReferrerNode[]): void {
  for (const r of referrers) {
    // Grouped by artifact type, as oras's tree is.
    const type = r.desc.artifactType || t('<unknown artifact type>');
    let group = parent.children.find((c) => c.text === type);
    if (!group) parent.children.push((group = { text: type, children: [] }));
    const node: TextNode = { text: r.desc.digest, children: [] };
    const annotations = r.desc.annotations ?? {};
    const keys = Object.keys(annotations).sort();
    if (keys.length > 0) node.children.push({ text: '[annotations]', children: keys.map((k) => ({ text: `${k}: ${annotations[k]}`, children: [] })) });
    addReferrers(node, r.referrers);
    group.children.push(node);
  }
}

function render(node: TextNode, prefix = ''): string {
  let out = `${node.text}\n`;
  node.children.forEach((child, i) => {
    const last = i === node.children.length - 1;
    out += prefix + (last ? '└── ' : '├── ') + render(child, prefix + (last ? '    ' : '│   '));
  });
  return out;
}
