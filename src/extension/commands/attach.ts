import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import { manifestName } from '../present/format';
import vscode = require('vscode');
import { mediaTypeOf } from '../../oci/artifacts/mediaTypeOf';
import type { Descriptor, ImageIndex, Platform } from '../../oci/descriptor';
import { isImageIndex, isValidMediaType } from '../../oci/mediaType';
import { formatPlatform, parsePlatform, shownPlatform } from '../../oci/platform';
import { shortDigest } from '../../oci/reference';
import { attach as attachCore, type AttachFile } from '../../oci/referrers';
import type { ReadOnlyTarget } from '../../oci/target';
import { attachedMessage } from '../present/attachedMessage';
import type { Services } from '../services';
import { annotationChanges, stringList } from './argValues';
import { plainArgs } from './args';
import { editableManifestFrom, reportChanged } from './targetArgs';
import { withProgress } from '../ui/progress';
import { chooseFiles } from '../ui/fileChooser';
import { askAnnotations, input, pickMany, pickOne } from '../ui/prompts';

/** Artifact types users attach most, offered first (a function: the labels are localized when asked). */
function commonArtifactTypes(): { type: string; label: string }[] {
  return [
    { type: 'application/spdx+json', label: l10n.t('SBOM (SPDX)') },
    { type: 'application/vnd.cyclonedx+json', label: l10n.t('SBOM (CycloneDX)') },
    { type: 'application/vnd.cncf.notary.signature', label: l10n.t('Signature (Notary Project)') },
    { type: 'application/vnd.dev.sigstore.bundle.v0.3+json', label: l10n.t('Signature (Sigstore bundle)') },
    { type: 'application/vnd.in-toto+json', label: l10n.t('Attestation (in-toto)') },
    { type: 'application/vnd.microsoft.artifact.lifecycle', label: l10n.t('Lifecycle (end-of-life date)') },
  ];
}
const LIFECYCLE_EOL = 'vnd.microsoft.artifact.lifecycle.end-of-life.date';

/** A lifecycle artifact's end-of-life annotation, filled in with a date a year from today, the date selected. */
function endOfLifeSuggestion(): { value: string; selection: [number, number] } {
  const date = new Date();
  date.setUTCFullYear(date.getUTCFullYear() + 1);
  const prefix = `${LIFECYCLE_EOL}=`;
  const day = date.toISOString().slice(0, 10);
  return { value: `${prefix}${day}T00:00:00Z`, selection: [prefix.length, prefix.length + day.length] };
}

export interface AttachCommandResult {
  artifacts: { digest: string; subject: string; platform?: string }[];
  /** With `recursive`: the buildx attestation entries left out, and the digest of the image each describes. */
  skipped: { digest: string; describes: string }[];
  /** What the user was told. */
  message: string;
}

/**
 * `manifold.attach`: attaches an artifact (files and/or annotations, with an artifact type) to a manifest;
 * for an index, to the index, to chosen platforms, or to the index and all its platforms (buildx attestation
 * manifests skipped, and counted in the message).
 * In a layout or on a registry. Arguments: a node of either view, or `{ layout, reference, artifactType, files?,
 * annotations?, platforms?, recursive? }` (`{ registry, repository, ... }` on a registry)
 * where `files` are paths (title: the file name) or `{ path, mediaType?, title? }`. `{ layout, reference, platforms }`
 * without an artifact type asks the rest (type, files, annotations) and attaches to those platforms.
 */
export async function attach(services: Services, arg?: unknown, answers?: unknown): Promise<AttachCommandResult> {
  const title = l10n.t('Attach Artifact');
  const target = await editableManifestFrom(services, arg, title, { key: 'subject' });
  const plain = plainArgs(arg, answers);
  const scripted = typeof plain.artifactType === 'string';

  const artifactType = scripted ? (plain.artifactType as string) : await askArtifactType(title);
  const files: AttachFile[] = await withMediaTypes(scripted ? filesArg(plain.files) : await askFiles(services.context.workspaceState, title));
  const annotations = scripted
    ? annotationChanges(plain.annotations, false)?.set
    : annotationChanges(await askAnnotations(title, false, artifactType.endsWith('.lifecycle') ? endOfLifeSuggestion() : undefined), false)?.set;
  if (files.length === 0 && Object.keys(annotations ?? {}).length === 0) throw new Error(l10n.t('Nothing to attach: pick a file or give an annotation.'));

  let platforms: Platform[] | undefined = stringList(plain.platforms, 'platforms')?.map(parsePlatform);
  let recursive = plain.recursive === true;
  // Platforms given (the coverage page's "Attach to the platforms missing it") are the targets: not asked again.
  const chosen = platforms !== undefined && platforms.length > 0;
  if (!scripted && !chosen && isImageIndex(target.desc.mediaType)) ({ platforms, recursive } = await askTargets(target.target, target.desc, title));

  const result = await withProgress(title, (signal, progress) =>
    attachCore(target.target, {
      subject: target.reference,
      artifactType,
      files,
      annotations,
      platforms,
      recursive,
      signal,
      onEvent: (e) => {
        if (e.type === 'uploading') progress.report({ message: e.name });
      },
    }),
  );
  const artifacts = result.artifacts.map((a) => ({
    digest: a.desc.digest,
    subject: a.subject.digest,
    platform: a.subject.platform ? formatPlatform(a.subject.platform) : undefined,
  }));
  const skipped = result.skipped.map((s) => ({ digest: s.subject.digest, describes: s.describes }));
  const message = attachedMessage(artifactType, manifestName(target.tag, target.desc.digest), artifacts, skipped.length);
  reportChanged(services, target, message, { tag: target.tag, digest: artifacts[0]?.digest });
  return { artifacts, skipped, message };
}

/** Files without a media type get the one their content and name say (an SPDX file is application/spdx+json). */
async function withMediaTypes(files: AttachFile[]): Promise<AttachFile[]> {
  // A file that cannot be read keeps none: attach itself refuses it, naming it.
  return Promise.all(files.map(async (f) => (f.mediaType ? f : { ...f, mediaType: await mediaTypeOf(f.path).catch(() => undefined) })));
}

function filesArg(value: unknown): AttachFile[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(l10n.t('files: expected a list'));
  return value.map((f) => (typeof f === 'string' ? { path: f, title: basename(f) } : (f as AttachFile)));
}

async function askArtifactType(title: string): Promise<string> {
  const other = l10n.t('Other…');
  const picked = await pickOne([...commonArtifactTypes().map((c) => ({ label: c.type, description: c.label })), { label: other }], {
    title,
    placeHolder: l10n.t('Artifact type'),
    matchOnDescription: true,
  });
  if (picked.label !== other) return picked.label;
  return input({ title, prompt: l10n.t('Artifact type (a media type)'), validateInput: (v) => (isValidMediaType(v) ? undefined : l10n.t('{0}: invalid media type', v)) });
}

async function askFiles(state: vscode.Memento, title: string): Promise<AttachFile[]> {
  const choose = l10n.t('$(files) Choose files…');
  const none = l10n.t('$(note) No files: annotations only');
  const how = await pickOne([{ label: choose }, { label: none }], { title });
  if (how.label === none) return [];
  const uris = await chooseFiles(state, { title, canSelectMany: true, canSelectFiles: true, canSelectFolders: false, openLabel: l10n.t('Attach') });
  return uris.map((u) => ({ path: u.fsPath, title: basename(u.fsPath) }));
}

async function askTargets(store: ReadOnlyTarget, desc: Descriptor, title: string): Promise<{ platforms?: Platform[]; recursive: boolean }> {
  const index = JSON.parse((await store.fetchBytes(desc)).toString('utf8')) as ImageIndex;
  const withPlatform = (index.manifests ?? []).filter((m) => m.platform);
  const items = [
    { label: l10n.t('$(layers) This index'), id: 'index' },
    { label: l10n.t('$(list-selection) Chosen platforms…'), id: 'platforms' },
    { label: l10n.t('$(type-hierarchy) The index and all its platforms'), id: 'all' },
  ];
  const where = await pickOne(withPlatform.length > 0 ? items : [items[0]!], { title, placeHolder: l10n.t('Attach to') });
  if (where.id === 'all') return { recursive: true };
  if (where.id === 'index') return { recursive: false };
  const picked = await pickMany(
    withPlatform.map((m) => ({ label: shownPlatform(m.platform!), description: shortDigest(m.digest), platform: m.platform! })),
    { title, placeHolder: l10n.t('Platforms') },
  );
  return { platforms: picked.map((p) => p.platform), recursive: false };
}
