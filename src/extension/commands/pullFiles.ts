import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { existingFiles, placePull, pullArtifact, readPull, type PullPlan, type PullRead } from '../../oci/artifacts/pull';
import { isOciError } from '../../oci/errors';
import { shownName } from '../../oci/shownName';
import { manifestName } from '../present/format';
import type { Services } from '../services';
import { askModal } from '../ui/confirm';
import { chooseFiles } from '../ui/fileChooser';
import { withProgress } from '../ui/progress';
import { plainArgs, sourceManifestFrom } from './args';

export interface PullFilesResult {
  folder: string;
  /** The files written, in the manifest's order (a folder layer by its title). */
  files: string[];
  /** Those that were there before and were replaced. */
  replaced: string[];
}

/** The first few names of a list, and how many more: a confirmation stays short whatever the artifact holds. */
function someNames(names: readonly string[], shown = 5): string {
  const listed = names.slice(0, shown).map(shownName).join(', ');
  return names.length > shown ? l10n.t('{0} and {1} more', listed, names.length - shown) : listed;
}

/** The files of `read` placed under some folder; none when a title climbs out of it (said with the folder picked). */
function placedOrEscaping(read: PullRead): PullPlan | undefined {
  try {
    return placePull(read, '.');
  } catch (err) {
    if (isOciError(err, 'PATH_ESCAPE')) return undefined;
    throw err;
  }
}

/**
 * `manifold.pullFiles`: writes an artifact's files (its layers with a title, as `oras pull` does: folders unpacked)
 * into a folder the user picks, each verified against its digest before it takes its name. Files that exist there
 * are replaced only once the user says so. Arguments: a tag or manifest node of any view, with answers `{ folder,
 * confirmed? }`, or `{ layout | registry + repository, reference, folder, confirmed? }`.
 */
export async function pullFiles(services: Services, arg?: unknown, answers?: unknown): Promise<PullFilesResult> {
  const title = l10n.t('Pull Files to Folder');
  const plain = plainArgs(arg, answers);
  const m = await sourceManifestFrom(services, arg, title);
  const name = manifestName(m.tag, m.desc.digest);
  // Read once, here, and checked before a folder is asked for: an image's layers have no titles, so nothing would be
  // written. A title that would climb out of a folder is named once the folder is known, with that folder.
  const read = await readPull(m.target, { reference: m.desc });
  const probe = placedOrEscaping(read);
  if (probe?.files.length === 0) {
    throw new Error(l10n.t('{0} has no files to pull: none of its {1} layers has a title (org.opencontainers.image.title). Save As… on a layer writes it as it is.', name, probe.untitled));
  }
  const folder =
    typeof plain.folder === 'string'
      ? plain.folder
      : (await chooseFiles(services.context.workspaceState, { title: l10n.t('Pull the files of {0} into…', name), canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: l10n.t('Pull Here') }))[0]!.fsPath;
  const plan = placePull(read, folder);
  // Said as the Explorer shows it: relative to the workspace when inside it, so a notification has room for the names.
  const where = vscode.workspace.asRelativePath(vscode.Uri.file(folder));
  const replaced = (await existingFiles(plan)).map((f) => f.name);
  if (replaced.length > 0 && plain.confirmed !== true) {
    // A folder layer that exists is named too: what it holds of the same names is replaced.
    const question = replaced.length === 1 ? l10n.t('{0} exists in {1}. Replace it?', shownName(replaced[0]!), where) : l10n.t('{0} exist in {1}. Replace them?', someNames(replaced), where);
    await askModal(question, l10n.t('The files of {0} take their place, each verified against its digest.', name), [l10n.t('Replace')]);
  }
  const result = await withProgress(l10n.t('Pulling the files of {0}', name), (signal, progress) =>
    pullArtifact(m.target, {
      reference: m.desc.digest,
      read,
      output: folder,
      signal,
      onEvent: (e) => {
        if (e.type === 'downloading') progress.report({ message: shownName(e.name) });
      },
    }),
  );
  const files = result.files.map((f) => f.name);
  services.log.info(`pulled ${files.length} files of ${m.desc.digest} into ${folder}: ${files.join(', ')}`);
  const message =
    files.length === 1 ? l10n.t('Pulled {0} of {1} into {2}.', shownName(files[0]!), name, where) : l10n.t('Pulled {0} files of {1} into {2}: {3}.', files.length, name, where, someNames(files));
  void vscode.window.showInformationMessage(message);
  return { folder, files, replaced };
}
