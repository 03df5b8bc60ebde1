import { isImageIndex } from '../mediaType';
import { shownPlatform } from '../platform';
import { holdsUnseen, quotedText, shownName } from '../shownName';
import { allSubjects, type ReferrerNode, type SubjectNode } from './discover';
import { formatPosition } from './subjects';
import { attestedDigest } from './dockerReferences';
import { shortDigest } from '../reference';
import { isDigest } from '../digest';

/** The words a referrers tree is written in: oras's (the CLI), or the extension's translation. */
export interface TreeWords {
  imageIndex: string;
  imageManifest: string;
  /** The group of referrers without an artifact type. */
  unknownType: string;
  /** How an annotation value is shown. */
  annotationValue(value: string): string;
  /** After the platform of a buildx attestation entry: what it is, and the image (short digest) it is about. */
  attestationOf(shortDigest: string): string;
}

const ORAS_TREE_WORDS: TreeWords = {
  imageIndex: 'Image index',
  imageManifest: 'Image manifest',
  unknownType: '<unknown>',
  annotationValue: yamlScalar,
  attestationOf: (digest) => `(buildx attestation of ${digest})`,
};

interface TextNode {
  text: string;
  children: TextNode[];
}

/** "Image index", "Image manifest [2] linux/arm64", "Image index [3]": which part of the tree a subject is. */
export function subjectLabel(node: SubjectNode, words: TreeWords = ORAS_TREE_WORDS): string {
  let label = isImageIndex(node.desc.mediaType) ? words.imageIndex : words.imageManifest;
  if (node.position.length > 0) label += ` [${formatPosition(node.position)}]`;
  if (node.desc.platform) label += ` ${shownPlatform(node.desc.platform)}`;
  // Its platform (unknown/unknown) says nothing: the image it describes does.
  const of = node.position.length > 0 ? attestedDigest(node.desc) : undefined;
  if (of !== undefined) label += ` ${words.attestationOf(isDigest(of) ? shortDigest(of) : shownName(of))}`;
  return label;
}

/**
 * oras's discover tree (`dir@digest`, referrers grouped by artifact type, digests, annotations); with
 * `recursive` one such tree per manifest, each headed by its subject label, separated by a blank line.
 */
export function referrersTreeText(path: string, root: SubjectNode, recursive: boolean): string {
  const section = (node: SubjectNode): string => render(withReferrers(`${path}@${node.desc.digest}`, node.referrers, ORAS_TREE_WORDS));
  if (!recursive) return section(root);
  return [...allSubjects(root)].map((node) => `${subjectLabel(node)}\n${section(node)}`).join('\n');
}

/**
 * One tree of the whole discovery: the subject (`reference label digest`), its referrers, then each manifest
 * of an index nested below with its own. The extension's "referrers tree" document.
 */
export function nestedReferrersTreeText(reference: string, root: SubjectNode, words: TreeWords): string {
  const subject = (node: SubjectNode, ref?: string): TextNode => {
    const out = withReferrers(`${ref ? `${ref} ` : ''}${subjectLabel(node, words)} ${node.desc.digest}`, node.referrers, words);
    for (const child of node.manifests ?? []) out.children.push(subject(child));
    return out;
  };
  return render(subject(root, reference)).trimEnd() + '\n';
}

function withReferrers(text: string, referrers: ReferrerNode[], words: TreeWords): TextNode {
  const node: TextNode = { text, children: [] };
  addReferrers(node, referrers, words);
  return node;
}

function addReferrers(parent: TextNode, referrers: ReferrerNode[], words: TreeWords): void {
  for (const r of referrers) {
    // Grouped under their artifact type, as oras's tree does.
    const type = r.desc.artifactType ? shownName(r.desc.artifactType) : words.unknownType;
    let group = parent.children.find((c) => c.text === type);
    if (!group) parent.children.push((group = { text: type, children: [] }));
    const node: TextNode = { text: r.desc.digest, children: [] };
    group.children.push(node);
    const annotations = r.desc.annotations ?? {};
    const keys = Object.keys(annotations).sort();
    if (keys.length > 0) node.children.push({ text: '[annotations]', children: keys.map((k) => ({ text: `${shownName(k)}: ${words.annotationValue(annotations[k]!)}`, children: [] })) });
    addReferrers(node, r.referrers, words);
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

/**
 * A string as YAML shows it plainly, quoted when plain would read as another type (a date, a number, true)
 * or would not parse: how oras prints annotation values in its tree.
 */
export function yamlScalar(value: string): string {
  // What cannot be seen (a control, a bidi override) is escaped in quotes, as any stored name is shown.
  if (holdsUnseen(value)) return quotedText(value);
  const special =
    value === '' ||
    /^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(value) ||
    /\s$/.test(value) ||
    /: |\s#|[\n\r\t]/.test(value) ||
    /:$/.test(value) ||
    /^(true|false|yes|no|on|off|y|n|null|~)$/i.test(value) ||
    /^[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(value) ||
    /^0[xo][0-9a-f_]+$/i.test(value) ||
    /^[-+]?\.(inf|nan)$/i.test(value) ||
    /^\d{4}-\d\d?-\d\d?([Tt ]|$)/.test(value);
  return special ? JSON.stringify(value) : value;
}
