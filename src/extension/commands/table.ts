// Every command of the extension, one line each. package.json's contributes.commands must list exactly
// these ids (a unit test reads this file and checks both ways).
import type { Services } from '../services';
import { addLayoutFolder } from './addLayoutFolder';
import { addRegistry } from './addRegistry';
import { addRepository } from './addRepository';
import { annotate } from './annotate';
import { attach } from './attach';
import { backupRepository } from './backupRepository';
import { copyDigest } from './copyDigest';
import { checkImage } from './checkImage';
import { checkLayout } from './checkLayout';
import { checkRepository } from './checkRepository';
import { copyReference } from './copyReference';
import { copyToLayout } from './copyToLayout';
import { copyToRegistry } from './copyToRegistry';
import { copyLayoutToRegistry } from './copyLayoutToRegistry';
import { createIndex } from './createIndex';
import { compareIndex } from './compareIndex';
import { createLayout } from './createLayout';
import { deleteManifest } from './deleteManifest';
import { exportLayoutTar } from './exportLayoutTar';
import { exportLayoutForDocker } from './exportLayoutForDocker';
import { importLayoutTar } from './importLayoutTar';
import { initLayoutHere } from './initLayoutHere';
import { openBlob, saveBlobAs } from './blobContent';
import { openConfig } from './openConfig';
import { openInManifold } from './openInManifold';
import { openLayoutIndex } from './openLayoutIndex';
import { openManifest } from './openManifest';
import { pruneLayout } from './pruneLayout';
import { pullIntoLayout } from './pullIntoLayout';
import { pullToLayout } from './pullToLayout';
import { pullFiles } from './pullFiles';
import { pushFiles } from './pushFiles';
import { refresh } from './refresh';
import { removeLayoutFolder } from './removeLayoutFolder';
import { removeRegistry } from './removeRegistry';
import { restoreLayoutFile } from './restoreLayoutFile';
import { revealLayout } from './revealLayout';
import { showLog } from './showLog';
import { showReferrersText, showReferrersTree } from './showReferrersTree';
import { signIn } from './signIn';
import { signOut } from './signOut';
import { tag } from './tag';
import { chooseClientCertificate, trustCaCertificate } from './trustCertificate';
import { untag } from './untag';
import { updateIndex } from './updateIndex';
import { addToIndex, editIndex, openInIndexEditor } from '../indexEditor';
import { showCoverage } from '../coverage/showCoverage';
import { verifySignatures } from './verifySignatures';
import { inspectSignatures } from './inspectSignatures';
import { generateKeyPair } from './generateKeyPair';
import { signImage } from './signImage';
import { attestImage } from './attestImage';
import { verifyAttestations } from './verifyAttestations';
import { verifyFileSignature } from './verifyFileSignature';
import { signFile } from './signFile';
import { attestFile } from './attestFile';

export interface CommandEntry {
  id: string;
  // Handlers take what VS Code passes (a node, a URI, a plain object) and check it themselves.
  handler: (services: Services, ...args: any[]) => unknown;
}

export const COMMANDS: readonly CommandEntry[] = [
  { id: 'manifold.refresh', handler: refresh },
  { id: 'manifold.showLog', handler: showLog },
  { id: 'manifold.createLayout', handler: createLayout },
  { id: 'manifold.initLayoutHere', handler: initLayoutHere },
  { id: 'manifold.addLayoutFolder', handler: addLayoutFolder },
  { id: 'manifold.removeLayoutFolder', handler: removeLayoutFolder },
  { id: 'manifold.openInManifold', handler: openInManifold },
  { id: 'manifold.createIndex', handler: createIndex },
  { id: 'manifold.updateIndex', handler: updateIndex },
  { id: 'manifold.annotate', handler: annotate },
  { id: 'manifold.attach', handler: attach },
  { id: 'manifold.tag', handler: tag },
  { id: 'manifold.untag', handler: untag },
  { id: 'manifold.delete', handler: deleteManifest },
  { id: 'manifold.pruneLayout', handler: pruneLayout },
  { id: 'manifold.restoreLayoutFile', handler: restoreLayoutFile },
  { id: 'manifold.exportLayoutTar', handler: exportLayoutTar },
  { id: 'manifold.exportLayoutForDocker', handler: exportLayoutForDocker },
  { id: 'manifold.importLayoutTar', handler: importLayoutTar },
  { id: 'manifold.compareIndex', handler: compareIndex },
  { id: 'manifold.copyDigest', handler: copyDigest },
  { id: 'manifold.copyReference', handler: copyReference },
  { id: 'manifold.openManifest', handler: openManifest },
  { id: 'manifold.openConfig', handler: openConfig },
  { id: 'manifold.openBlob', handler: openBlob },
  { id: 'manifold.saveBlobAs', handler: saveBlobAs },
  { id: 'manifold.showReferrersTree', handler: showReferrersTree },
  { id: 'manifold.showReferrersText', handler: showReferrersText },
  { id: 'manifold.showCoverage', handler: showCoverage },
  { id: 'manifold.checkImage', handler: checkImage },
  { id: 'manifold.verifySignatures', handler: verifySignatures },
  { id: 'manifold.inspectSignatures', handler: inspectSignatures },
  { id: 'manifold.signImage', handler: signImage },
  { id: 'manifold.generateKeyPair', handler: generateKeyPair },
  { id: 'manifold.attestImage', handler: attestImage },
  { id: 'manifold.verifyAttestations', handler: verifyAttestations },
  { id: 'manifold.verifyFileSignature', handler: verifyFileSignature },
  { id: 'manifold.signFile', handler: signFile },
  { id: 'manifold.attestFile', handler: attestFile },
  { id: 'manifold.checkLayout', handler: checkLayout },
  { id: 'manifold.checkRepository', handler: checkRepository },
  { id: 'manifold.addRegistry', handler: addRegistry },
  { id: 'manifold.removeRegistry', handler: removeRegistry },
  { id: 'manifold.addRepository', handler: addRepository },
  { id: 'manifold.signIn', handler: signIn },
  { id: 'manifold.signOut', handler: signOut },
  { id: 'manifold.trustCaCertificate', handler: trustCaCertificate },
  { id: 'manifold.chooseClientCertificate', handler: chooseClientCertificate },
  { id: 'manifold.copyToLayout', handler: copyToLayout },
  { id: 'manifold.copyToRegistry', handler: copyToRegistry },
  { id: 'manifold.pullToLayout', handler: pullToLayout },
  { id: 'manifold.copyLayoutToRegistry', handler: copyLayoutToRegistry },
  { id: 'manifold.backupRepository', handler: backupRepository },
  { id: 'manifold.pullIntoLayout', handler: pullIntoLayout },
  { id: 'manifold.openLayoutIndex', handler: openLayoutIndex },
  { id: 'manifold.revealLayout', handler: revealLayout },
  { id: 'manifold.pushFiles', handler: pushFiles },
  { id: 'manifold.pullFiles', handler: pullFiles },
  { id: 'manifold.openInIndexEditor', handler: openInIndexEditor },
  { id: 'manifold.addToIndex', handler: addToIndex },
  { id: 'manifold.editIndex', handler: editIndex },
];
