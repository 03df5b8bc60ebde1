// What each tree node looks like (label, description, tooltip, icon, contextValue), computed from core data
// without `vscode`: the tree maps an ItemSpec to a TreeItem, and unit tests check these directly.
import type { Descriptor } from '../../oci/descriptor';
import { ANNOTATION_REF_NAME, lenientDescriptor, titleOf } from '../../oci/descriptor';
import type { TagListing } from '../../oci/graph';
import { isImageIndex } from '../../oci/mediaType';
import { shownPlatform } from '../../oci/platform';
import { holdsUnseen, quotedText, shownName } from '../../oci/shownName';
import type { ManifestKind } from '../../oci/graph';
import { contextValue } from './contextValues';
import { kindName } from './coverageItem';
import { KindTable, predicateTypesOf } from '../../oci/referrers';
import { SIGSTORE_BUNDLE_TYPES } from '../../oci/signatures';
import { endOfLifeFindings } from '../../oci/check/endOfLife';
import { annotationsInline, codeSpan, escapeMarkdown, formatSize, shortDigest, shortMediaType } from './format';
import * as l10n from '@vscode/l10n';
import { homedir } from 'node:os';
import { sep } from 'node:path';

export interface IconSpec {
  /** A codicon id. */
  id: string;
  /** A theme color id. */
  color?: string;
}

export interface ItemSpec {
  label: string;
  description?: string;
  /** Markdown, built when the user hovers: thousands of rows are drawn at once, few are hovered. */
  tooltip?: () => string;
  contextValue: string;
  icon: IconSpec;
  collapsible: 'none' | 'collapsed' | 'expanded';
}

/** `attestation`: a buildx attestation entry of an index, shown under the platform it describes (never as a platform). */
export type ManifestRole = 'child' | 'referrer' | 'untagged' | 'attestation';
/** Writable layout (undefined), layout archive, or registry: decides which menu entries a node gets. */
export type Access = 'readonly' | 'remote' | undefined;
export type BlobRole = 'config' | 'layer';

const KIND_ICONS: Record<ManifestKind, IconSpec> = {
  index: { id: 'layers', color: 'charts.blue' },
  image: { id: 'package', color: 'charts.green' },
  artifact: { id: 'file-binary', color: 'charts.purple' },
  unknown: { id: 'question' },
};

export function kindIcon(kind: ManifestKind): IconSpec {
  return KIND_ICONS[kind];
}

/** What a descriptor names, as far as the descriptor itself tells (an index lists platform and artifactType). */
export function kindOfDescriptor(desc: Descriptor): Exclude<ManifestKind, 'unknown'> {
  if (isImageIndex(desc.mediaType)) return 'index';
  return desc.artifactType ? 'artifact' : 'image';
}

export interface LayoutInfo {
  path: string;
  name: string;
  /** The folder it is in, relative to the workspace when inside it ('' at the workspace's top). */
  where: string;
  readOnly: boolean;
  /** Added by the user (so it can be removed), rather than found in the workspace. */
  added: boolean;
}

export function layoutItem(info: LayoutInfo): ItemSpec {
  const lines = [`**${escapeMarkdown(info.name)}**`, '', codeSpan(info.path)];
  if (info.readOnly) lines.push('', l10n.t('A layout archive: read-only.'));
  return {
    label: info.name,
    description: [info.where, info.readOnly ? l10n.t('read-only') : ''].filter(Boolean).join(' · '),
    tooltip: () => lines.join('\n'),
    contextValue: contextValue('layout', [info.added && 'added', info.readOnly && 'readonly']),
    icon: { id: info.readOnly ? 'file-zip' : 'folder-library' },
    collapsible: 'collapsed',
  };
}

export function tagItem(listing: TagListing, access?: Access): ItemSpec {
  const kind = listing.summary?.kind ?? (listing.error ? 'unknown' : kindOfDescriptor(listing.desc));
  const what = listing.summary?.description ?? (listing.error ? l10n.t('unreadable: {0}', listing.error.message) : '');
  const extra: [string, string][] = [];
  if (listing.summary?.platforms.length) extra.push([l10n.t('Platforms'), listing.summary.platforms.join(', ')]);
  if (listing.summary?.artifactType) extra.push([l10n.t('Artifact type'), shownName(listing.summary.artifactType)]);
  // Listed as the other kind (the tooltip's media type is the listed one): the row describes the document, and says so.
  const own = listing.summary?.listedAsOtherKind;
  if (own) extra.push([l10n.t('Its document declares'), l10n.t('{0}, of the other kind than it is listed as', own)]);
  return {
    label: shownName(listing.tag),
    description: [shortDigest(listing.desc.digest), what].filter(Boolean).join(' · '),
    tooltip: () => descriptorTooltip(`${shownName(listing.tag)} — ${what}`, listing.desc, extra, listing.error),
    contextValue: contextValue('tag', [kind, access]),
    icon: listing.error ? { id: 'warning', color: 'problemsWarningIcon.foreground' } : kindIcon(kind),
    collapsible: 'collapsed',
  };
}

/**
 * A manifest reached from another node: an index's child, a referrer, or an untagged entry of index.json.
 * `unnamed`: a referrer's name when it has none of its own (no kind, no artifact type), in place of `referrer`: a
 * manifest cosign's tag names is called by the tag's kind.
 */
export function manifestItem(listed: Descriptor, role: ManifestRole, access?: Access, unnamed?: string): ItemSpec {
  // A row shows what another tool wrote: fields of another type than the spec's are left out (a referrers answer is
  // read as it comes), so no label is built from `{}`.
  const desc = lenientDescriptor(listed) ?? listed;
  const kind = kindOfDescriptor(desc);
  const short = shortDigest(desc.digest);
  const platform = desc.platform ? shownPlatform(desc.platform) : undefined;
  // Another tool's artifact type may hold what cannot be seen: shown as stored names are.
  const artifactType = desc.artifactType !== undefined ? shownName(desc.artifactType) : undefined;
  // A Sigstore bundle's annotations are cosign's bookkeeping (its time, its content's kind, the predicate type its
  // kind already says): the row names it a bundle instead of its long artifact type.
  const bundle = desc.artifactType !== undefined && SIGSTORE_BUNDLE_TYPES.includes(desc.artifactType);
  const annotations = annotationsInline(bundle ? withoutBundleBookkeeping(desc.annotations) : withoutRefName(desc.annotations));
  let label: string;
  let description: string;
  // A lifecycle artifact whose end-of-life date has passed (as `manifold check` warns): said on the row itself.
  const pastEndOfLife = role === 'referrer' && endOfLifeFindings(desc.annotations, new Date(), true).some((f) => f.code === 'end-of-life-passed');
  if (role === 'referrer') {
    // What it is and its telling annotations (an end-of-life date, a title) first, where a narrow view still shows
    // them; the long artifact type after the digest, and in the tooltip.
    const name = ownReferrerName(desc) ?? unnamed ?? l10n.t('referrer');
    label = annotations.startsWith(`${name}=`) ? annotations : [name, annotations].filter(Boolean).join(' · ');
    description = [pastEndOfLife ? l10n.t('end of life passed') : '', short, bundle ? l10n.t('Sigstore bundle') : artifactType].filter(Boolean).join(' · ');
  } else if (role === 'attestation') {
    // Its platform (unknown/unknown) is not one anybody runs; what it describes is the row above it.
    label = l10n.t('buildx attestation');
    description = short;
  } else if (role === 'child') {
    label = platform ?? artifactType ?? short;
    description = [platform || artifactType ? short : '', platform ? artifactType : '', annotations].filter(Boolean).join(' · ');
  } else {
    label = short;
    description = [platform ?? artifactType ?? shortMediaType(desc.mediaType), annotations].filter(Boolean).join(' · ');
  }
  const extra: [string, string][] = [];
  if (platform && role !== 'attestation') extra.push([l10n.t('Platform'), platform]);
  if (artifactType) extra.push([l10n.t('Artifact type'), artifactType]);
  return {
    label,
    description,
    tooltip: () => descriptorTooltip(label, desc, extra),
    contextValue: contextValue('manifest', [kind, role, access]),
    icon: pastEndOfLife ? { id: 'warning', color: 'problemsWarningIcon.foreground' } : role === 'referrer' || role === 'attestation' ? { id: 'references', color: KIND_ICONS.artifact.color } : kindIcon(kind),
    collapsible: 'collapsed',
  };
}

const BUILTIN_KINDS = new KindTable();

/**
 * A referrer's short name: its built-in kind (`SBOM`, `end-of-life`), else a vendor's artifact type without vendor,
 * version and suffix (`application/vnd.acme.scan.report.v1+json` -> `scan.report`), else the artifact type.
 */
export function referrerName(listed: Descriptor): string {
  return ownReferrerName(listed) ?? l10n.t('referrer');
}

/** referrerName when the referrer says what it is (a built-in kind, an artifact type); undefined when it does not. */
/** What cosign writes on every bundle referrer, left out of its row (the tooltip lists them all). */
const BUNDLE_BOOKKEEPING = ['org.opencontainers.image.created', 'dev.sigstore.bundle.content', 'dev.sigstore.bundle.predicateType', ANNOTATION_REF_NAME];

function withoutBundleBookkeeping(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations) return undefined;
  return Object.fromEntries(Object.entries(annotations).filter(([k]) => !BUNDLE_BOOKKEEPING.includes(k)));
}

function ownReferrerName(listed: Descriptor): string | undefined {
  const desc = lenientDescriptor(listed) ?? listed;
  // The predicate type its annotations name (a bundle's, an in-toto referrer's) first, as coverage classifies it.
  const kind = BUILTIN_KINDS.classify({ artifactType: desc.artifactType, annotations: desc.annotations, predicateTypes: predicateTypesOf(desc.annotations) })[0];
  if (kind) return kindName(kind, new Map());
  if (!desc.artifactType) return undefined;
  const vendor = /^[^/]+\/vnd\.[^.+]+\.([^+]+?)(?:\.v\d[^+]*)?(?:\+.*)?$/.exec(desc.artifactType);
  return shownName(vendor?.[1] ?? desc.artifactType);
}

export interface RegistryInfo {
  host: string;
  plainHttp: boolean;
  /** Who is signed in, from Manifold's secret storage; undefined when no credentials are stored there. */
  user?: string;
  /** The certs.d folder its TLS trust is read from (tlsTrust.ts registryCertsDir), asked on hover. */
  certsDir?: () => string | undefined;
  /** The proxy its requests go through (client.ts shownRoute), asked on hover; undefined: directly. */
  proxy?: () => string | undefined;
}

export function registryItem(info: RegistryInfo): ItemSpec {
  const notes = [info.user ? l10n.t('signed in as {0}', info.user) : '', info.plainHttp ? l10n.t('plain HTTP') : ''].filter(Boolean);
  return {
    label: info.host,
    description: notes.join(' · '),
    tooltip: () => {
      const certsDir = info.certsDir?.();
      const proxy = info.proxy?.();
      return [
        `**${escapeMarkdown(info.host)}**`,
        '',
        info.plainHttp ? l10n.t('Talks plain HTTP: credentials travel in clear.') : l10n.t('Talks HTTPS.'),
        ...(proxy ? ['', l10n.t('Reached through the proxy {0}', codeSpan(proxy))] : []),
        ...(certsDir ? ['', l10n.t('Trusts the CA certificates in {0}', codeSpan(homeShort(certsDir)))] : []),
        '',
        info.user ? l10n.t('Credentials in VS Code\'s secret storage.') : l10n.t('Uses the Docker config\'s credentials, if any.'),
      ].join('\n');
    },
    contextValue: contextValue('registry', [info.user !== undefined && 'signedin']),
    icon: { id: 'server' },
    collapsible: 'collapsed',
  };
}

/** `path` with the home folder said as `~`, as a user would type it (and as docker's and podman's docs write it). */
function homeShort(path: string): string {
  const home = homedir();
  return path.startsWith(home + sep) ? `~${path.slice(home.length)}` : path;
}

export function repositoryItem(name: string, added: boolean): ItemSpec {
  return {
    label: name,
    contextValue: contextValue('repository', [added && 'added']),
    icon: { id: 'repo' },
    collapsible: 'collapsed',
  };
}

export function blobItem(desc: Descriptor, role: BlobRole, position = 0): ItemSpec {
  // Another tool's title: shown escaped, and only when it is text (`"title": {}` has been seen).
  const title = titleOf(desc);
  const label = role === 'config' ? l10n.t('config') : title ? shownName(title) : l10n.t('layer {0}', position + 1);
  const description = role === 'config' ? `${shortMediaType(desc.mediaType)} · ${formatSize(desc.size)}` : `${formatSize(desc.size)} · ${shortMediaType(desc.mediaType)}`;
  return {
    label,
    description,
    tooltip: () => descriptorTooltip(label, desc, []),
    contextValue: contextValue('blob', [role]),
    icon: role === 'config' ? { id: 'settings-gear' } : { id: 'archive' },
    collapsible: 'none',
  };
}

export function untaggedItem(count: number): ItemSpec {
  return {
    label: l10n.t('Untagged'),
    description: String(count),
    tooltip: () => l10n.t('Manifests listed in index.json without a tag: referrers kept the oras way, and manifests kept by digest.'),
    contextValue: contextValue('untagged'),
    icon: { id: 'inbox' },
    collapsible: 'collapsed',
  };
}

/** An error row; `clickAction` names what a click does when it is not showing the log (`Sign In…`). */
/** `offer`: the contextValue token of a row whose click is also an inline action (see NODE_TOKENS). */
export function errorItem(message: string, clickAction?: string, offer?: 'restore'): ItemSpec {
  const firstLine = message.split('\n')[0]!;
  const click = clickAction ? l10n.t('Click: {0}', clickAction) : l10n.t('Click to show the log.');
  return {
    label: firstLine,
    tooltip: () => `${codeSpan(message)}\n\n${click}`,
    contextValue: contextValue('error', [offer]),
    icon: { id: 'error', color: 'problemsErrorIcon.foreground' },
    collapsible: 'none',
  };
}

export function infoItem(message: string): ItemSpec {
  return { label: message, contextValue: contextValue('info'), icon: { id: 'info' }, collapsible: 'none' };
}

/** Media type, digest, size, what else is known, and every annotation. */
export function descriptorTooltip(title: string, desc: Descriptor, extra: [string, string][], error?: Error, contentAnnotations?: Record<string, string>): string {
  const row = (k: string, v: string) => `| ${cellText(k)} | ${v} |`;
  const lines = [`**${escapeMarkdown(title)}**`, '', '| | |', '|:--|:--|'];
  lines.push(row(l10n.t('Media type'), codeSpan(desc.mediaType)));
  lines.push(row(l10n.t('Digest'), codeSpan(desc.digest)));
  lines.push(row(l10n.t('Size'), `${formatSize(desc.size)} (${desc.size} ${l10n.t('bytes')})`));
  for (const [k, v] of extra) lines.push(row(k, escapeMarkdown(v)));
  // The manifest's own annotations (read on hover) and those of the descriptor pointing at it.
  const annotations = Object.entries({ ...(desc.annotations ?? {}), ...(contentAnnotations ?? {}) });
  if (annotations.length > 0) {
    lines.push('', `**${l10n.t('Annotations')}**`, '', '| | |', '|:--|:--|');
    for (const [k, v] of annotations.sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(row(k, cellText(v)));
  }
  if (error) lines.push('', `$(warning) ${escapeMarkdown(error.message)}`);
  return lines.join('\n');
}

/** Tooltip rows show this much of a value (a megabyte would hold up the hover); the rest is counted. */
const CELL_MAX = 2000;

/**
 * A value in a tooltip's table: its line breaks shown (a newline would end the row), a long one cut, counted; one
 * holding another character that cannot be seen (a bidi override, a zero-width space) quoted with it escaped.
 */
function cellText(value: unknown): string {
  // An annotation another tool wrote may be no string at all: shown as the JSON it is.
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  let lines = text.replace(/\r?\n/g, ' ↵ ');
  if (holdsUnseen(lines)) lines = quotedText(lines);
  if (lines.length <= CELL_MAX) return escapeMarkdown(lines);
  return escapeMarkdown(lines.slice(0, CELL_MAX)) + ' ' + l10n.t('… ({0} more characters)', (lines.length - CELL_MAX).toLocaleString('en-US'));
}

function withoutRefName(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations || !(ANNOTATION_REF_NAME in annotations)) return annotations;
  const { [ANNOTATION_REF_NAME]: _, ...rest } = annotations;
  return rest;
}
