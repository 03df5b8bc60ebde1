import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { mediaTypeOf } from '../../oci/artifacts/mediaTypeOf';
import { pushArtifact, UNKNOWN_ARTIFACT_TYPE } from '../../oci/artifacts/push';
import { isValidMediaType } from '../../oci/mediaType';
import { shortDigest } from '../../oci/reference';
import { formatRegistryReference } from '../../oci/registry';
import type { AttachFile } from '../../oci/referrers';
import type { Target } from '../../oci/target';
import { RepositoryNode } from '../registries/registryNodes';
import type { Services } from '../services';
import { withProgress } from '../ui/progress';
import { chooseFiles } from '../ui/fileChooser';
import { askAnnotations, input, pickOne, splitList } from '../ui/prompts';
import { layoutChanged, reportDone } from '../ui/report';
import { annotationChanges, stringList, tagList } from './argValues';
import { layoutFrom, plainArgs } from './args';
import { tagProblem } from './createIndex';

/** Artifact types offered first (a function: the labels are localized when asked). */
function artifactTypes(): { type: string; label: string }[] {
  return [
    { type: 'application/spdx+json', label: l10n.t('SBOM (SPDX JSON)') },
    { type: 'application/vnd.cyclonedx+json', label: l10n.t('SBOM (CycloneDX JSON)') },
    { type: UNKNOWN_ARTIFACT_TYPE, label: l10n.t('Generic artifact') },
  ];
}

export interface PushFilesResult {
  /** Where it went: `host/repo:tag[,tag...]` or `layout:tag[,tag...]`. */
  to: string;
  digest: string;
  layers: { title: string; mediaType: string; digest: string }[];
}

/**
 * `manifold.pushFiles`: pushes chosen files as one artifact (each file a layer, its media type inferred from
 * its content and name) to a layout or a registry repository, and tags it. Arguments: a layout or repository
 * node, or `{ layout | registry + repository, files, artifactType, tag | tags, annotations? }` (at least one tag).
 */
export async function pushFiles(services: Services, arg?: unknown): Promise<PushFilesResult> {
  const title = l10n.t('Push Files as Artifact');
  const plain = plainArgs(arg);
  const where = await destination(services, arg, title);
  const paths = stringList(plain.files, 'files') ?? (await askFiles(services.context.workspaceState, title));
  const artifactType = typeof plain.artifactType === 'string' ? plain.artifactType : await askArtifactType(title);
  const given = tagList(plain.tags ?? plain.tag, plain.tags !== undefined ? 'tags' : 'tag');
  const scripted = given !== undefined;
  const tags = given ?? (await askTags(title));
  const problem = tagProblem(tags);
  if (problem) throw new Error(problem);
  const tag = tags[0]!;
  const annotations = annotationChanges(scripted ? plain.annotations : await askAnnotations(title), false)?.set;
  const files: AttachFile[] = [];
  for (const path of paths) files.push({ path, title: basename(path), mediaType: await mediaTypeOf(path) });

  const result = await withProgress(title, (signal, progress) =>
    pushArtifact(where.target, {
      tags,
      files,
      artifactType,
      annotations,
      // The names stored are the files' base names, never their folders.
      disablePathValidation: true,
      signal,
      onEvent: (e) => {
        if (e.type === 'uploading') progress.report({ message: e.name });
      },
    }),
  );
  const named = tags.join(',');
  const to = where.layout ? `${vscode.workspace.asRelativePath(where.layout)}:${named}` : formatRegistryReference(where.registry!, where.repository!, named);
  const count = files.length === 1 ? l10n.t('1 file') : l10n.t('{0} files', files.length);
  const message = l10n.t('Pushed {0} to {1} ({2})', count, to, shortDigest(result.desc.digest));
  if (where.layout) {
    layoutChanged(services, where.layout);
    reportDone(services, message, { layout: where.layout, tag, digest: result.desc.digest });
  } else {
    services.registriesTree.refreshAll();
    services.log.info(message);
    const copy = l10n.t('Copy Digest');
    void vscode.window.showInformationMessage(message, copy).then((action) => (action === copy ? vscode.env.clipboard.writeText(result.desc.digest) : undefined));
  }
  return {
    to,
    digest: result.desc.digest,
    layers: result.manifest.layers.map((l) => ({ title: l.annotations?.['org.opencontainers.image.title'] ?? '', mediaType: l.mediaType, digest: l.digest })),
  };
}

interface Destination {
  target: Target;
  layout?: string;
  registry?: string;
  repository?: string;
}

async function destination(services: Services, arg: unknown, title: string): Promise<Destination> {
  const plain = plainArgs(arg);
  if (arg instanceof RepositoryNode) return { target: services.registries.repository(arg.parent.host, arg.name), registry: arg.parent.host, repository: arg.name };
  if (typeof plain.registry === 'string' && typeof plain.repository === 'string') {
    return { target: services.registries.repository(plain.registry, plain.repository), registry: plain.registry, repository: plain.repository };
  }
  const layout = await layoutFrom(services, arg, title);
  return { target: layout.store, layout: layout.path };
}

async function askFiles(state: vscode.Memento, title: string): Promise<string[]> {
  const uris = await chooseFiles(state, { title, canSelectMany: true, canSelectFiles: true, canSelectFolders: false, openLabel: l10n.t('Push') });
  if (uris.length === 0) throw new Error(l10n.t('{0}: choose at least one file', title));
  return uris.map((u) => u.fsPath);
}

async function askArtifactType(title: string): Promise<string> {
  const other = l10n.t('Other…');
  const picked = await pickOne([...artifactTypes().map((c) => ({ label: c.label, description: c.type, type: c.type })), { label: other, type: '' }], {
    title,
    placeHolder: l10n.t('Artifact type'),
    matchOnDescription: true,
  });
  if (picked.type) return picked.type;
  return input({ title, prompt: l10n.t('Artifact type (a media type)'), validateInput: (v) => (isValidMediaType(v) ? undefined : l10n.t('{0}: invalid media type', v)) });
}

async function askTags(title: string): Promise<string[]> {
  return splitList(await input({ title, prompt: l10n.t('Tags (comma or space separated)'), value: 'latest', validateInput: (v) => tagProblem(splitList(v)) }));
}
