// Restricted Mode (an untrusted workspace): the trees browse layouts, nothing writes and nothing talks to a
// registry. package.json hides the commands below with `isWorkspaceTrusted`; the command wrapper and the registry
// service refuse them in code too, for callers that reach them another way. Free of `vscode` for unit tests.
import * as l10n from '@vscode/l10n';

export type TrustNeed = 'writes' | 'registry';

/** The commands an untrusted workspace refuses, and why. Every other command only reads. */
export const TRUST_NEEDED: Readonly<Record<string, TrustNeed>> = {
  'manifold.createLayout': 'writes',
  'manifold.initLayoutHere': 'writes',
  'manifold.createIndex': 'writes',
  'manifold.updateIndex': 'writes',
  'manifold.annotate': 'writes',
  'manifold.attach': 'writes',
  'manifold.tag': 'writes',
  'manifold.untag': 'writes',
  'manifold.delete': 'writes',
  'manifold.pruneLayout': 'writes',
  'manifold.restoreLayoutFile': 'writes',
  'manifold.exportLayoutTar': 'writes',
  'manifold.exportLayoutForDocker': 'writes',
  'manifold.importLayoutTar': 'writes',
  'manifold.addToIndex': 'writes',
  'manifold.editIndex': 'writes',
  'manifold.addRegistry': 'registry',
  'manifold.removeRegistry': 'registry',
  'manifold.addRepository': 'registry',
  'manifold.signIn': 'registry',
  'manifold.signOut': 'registry',
  // Write the user's certs.d folder, as signing in stores a credential: for a registry, then connect to it again.
  'manifold.trustCaCertificate': 'registry',
  'manifold.chooseClientCertificate': 'registry',
  'manifold.copyToRegistry': 'registry',
  'manifold.pullToLayout': 'registry',
  'manifold.copyLayoutToRegistry': 'registry',
  // Reads a registry and writes a layout folder or .tar, as a pull does.
  'manifold.backupRepository': 'registry',
  'manifold.pullIntoLayout': 'registry',
  'manifold.pushFiles': 'writes',
  // Writes a key pair's two files.
  'manifold.generateKeyPair': 'writes',
  // Stores a signature beside the image: in a layout, or on its registry.
  'manifold.signImage': 'writes',
  // Stores an attestation beside the image, as a signature.
  'manifold.attestImage': 'writes',
  // Writes the file's bundle beside it (Verify File Signature only reads: allowed, as Verify Signatures).
  'manifold.signFile': 'writes',
  // Writes the file's attestation (a DSSE envelope) beside it, as Sign File its bundle.
  'manifold.attestFile': 'writes',
  // Reads a layout (or archive) and writes another: no registry involved.
  'manifold.copyToLayout': 'writes',
  // Writes files, and unpacks folders, from content the workspace holds.
  'manifold.pullFiles': 'writes',
};

/** Thrown instead of running a write or a registry request in an untrusted workspace. */
export class UntrustedWorkspaceError extends Error {
  override readonly name = 'UntrustedWorkspaceError';

  constructor(readonly need: TrustNeed) {
    super(untrustedMessage(need));
  }
}

export function untrustedMessage(need: TrustNeed): string {
  return need === 'writes'
    ? l10n.t('This workspace is not trusted: Manifold browses its layouts but does not change them. Trust the workspace to create, tag, update or delete.')
    : l10n.t('This workspace is not trusted: Manifold does not contact registries from it. Trust the workspace to browse registries, sign in, copy or pull.');
}

/** `handler`, refused before it runs when the command needs trust and `isTrusted()` says no. */
export function guardTrust<A extends unknown[], R>(id: string, handler: (...args: A) => R, isTrusted: () => boolean): (...args: A) => R {
  const need = TRUST_NEEDED[id];
  if (!need) return handler;
  return (...args: A) => {
    if (!isTrusted()) throw new UntrustedWorkspaceError(need);
    return handler(...args);
  };
}
