import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { dockerPlatformChoices, dockerRepositoryProblem } from '../../oci/layout/dockerArchiveExport';
import { type TarExportResult, writeLayoutTarForDocker } from '../../oci/layout/tarExport';
import { parsePlatformPatterns } from '../../oci/platformPattern';
import { shownName } from '../../oci/shownName';
import type { Services } from '../services';
import { formatSize, shortDigest } from '../present/format';
import { someNamed } from '../present/someNamed';
import { withProgress } from '../ui/progress';
import { input, pickOne } from '../ui/prompts';
import { layoutFrom, plainArgs } from './args';
import { offerReveal, tarFileFor } from './exportLayoutTar';

export interface DockerExportOutcome extends TarExportResult {
  file: string;
  /** Tag to the image manifest manifest.json lists it with; the tags left out and why. */
  images: Array<{ tags: string[]; digest: string }>;
  skipped: Array<{ tag: string; why: string }>;
}

/** A repository name docker takes, made from a folder's name: `My Layout` -> `my-layout`. */
function repositoryFor(folder: string): string {
  const name = basename(folder).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|[._-]+$/g, '');
  return name === '' || dockerRepositoryProblem(name) ? 'image' : name;
}

/**
 * `manifold.exportLayoutForDocker`: the layout tar Export Layout as .tar… writes, with Docker 25's manifest.json
 * beside the layout (`layout export --docker REPOSITORY --platform P`), so `docker load` of any version, skopeo's
 * `docker-archive:` and OCI tools all read the one file. Asks the repository (each tag becomes REPOSITORY:TAG), the
 * platform when a tag is an index (a docker save tar holds one image per tag), and where. Arguments: a layout node,
 * or `{ layout, file, repository, platform }` (no questions then).
 */
export async function exportLayoutForDocker(services: Services, arg?: unknown): Promise<DockerExportOutcome> {
  const title = l10n.t('Export Layout for docker load');
  const layout = await layoutFrom(services, arg, title);
  if (layout.store.readOnly) throw new Error(l10n.t('{0} is a layout archive already.', layout.path));
  const given = plainArgs(arg);
  const repository =
    typeof given.repository === 'string'
      ? given.repository
      : await input({
          title,
          prompt: l10n.t('The repository docker load names the images under: each tag becomes REPOSITORY:TAG'),
          value: repositoryFor(layout.path),
          validateInput: (text) => (dockerRepositoryProblem(text) ? l10n.t('Not a repository name docker takes: lowercase path components, an optional registry host (example.com/team/app)') : undefined),
        });
  let platform = typeof given.platform === 'string' ? given.platform : undefined;
  if (platform === undefined) {
    const choices = await dockerPlatformChoices(layout.store);
    if (choices.length > 0) {
      // The machine's own first: the image docker on it would run.
      const own = `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`;
      const ordered = [...choices.filter((c) => c === own || c.startsWith(`${own}/`)), ...choices.filter((c) => !(c === own || c.startsWith(`${own}/`)))];
      platform = (await pickOne(ordered.map((label) => ({ label })), { title, placeHolder: l10n.t('A tag is a multi-arch index: which platform goes into the tar for docker load?') })).label;
    }
  }
  const file = await tarFileFor(layout.path, given.file, title);
  const name = vscode.workspace.asRelativePath(layout.path);
  const platforms = platform === undefined ? undefined : parsePlatformPatterns([platform]);
  const result = await withProgress(l10n.t('Exporting {0}…', name), (signal) => writeLayoutTarForDocker(layout.path, file, { repository, ...(platforms ? { platforms } : {}) }, { signal }));
  const { images, skipped } = result.docker;
  const tags = images.flatMap((i) => i.tags.map((t) => `${repository}:${t}`));
  // The notification names a few of each list (a layout can hold hundreds of tags); the log names them all.
  const said = (names: string[], some: (names: string[]) => string[]) => {
    const message = l10n.t('Exported {0} to {1} ({2}, {3}) for docker load: {4}.', name, file, formatSize(result.size), shortDigest(result.digest), names.length > 0 ? some(names).join(', ') : l10n.t('no images'));
    return skipped.length > 0 ? message + ' ' + l10n.t('Not for docker load: {0}.', some(skipped.map((s) => `${shownName(s.tag)} (${s.why})`)).join('; ')) : message;
  };
  const message = said(tags, someNamed);
  services.log.info(`${said(tags, (all) => all)} ${result.digest}`);
  offerReveal(message, file, skipped.length > 0 || tags.length === 0);
  const { docker: _said, ...written } = result;
  return { ...written, file, images, skipped };
}
