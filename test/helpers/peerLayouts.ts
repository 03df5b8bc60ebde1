import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Layouts written by oras's and regclient's own test suites, beside every checkout (never in the project). */
export const PEER_LAYOUTS = resolve(__dirname, '../../../shared/peer-layouts');

export function peerLayoutsPresent(): boolean {
  return existsSync(join(PEER_LAYOUTS, 'oras-images', 'index.json'));
}

/**
 * Registers `body` when the peer layouts are there; otherwise one pending test that says plainly they are
 * missing, so a run without them shows it rather than failing or passing silently.
 */
export function describeWithPeerLayouts(title: string, body: () => void): void {
  describe(title, () => {
    if (peerLayoutsPresent()) body();
    else it(`needs the peer layouts, missing at ${PEER_LAYOUTS}`);
  });
}

/** A writable copy of one peer layout in a fresh temp folder; the original is never written. */
export function copyPeerLayout(name: 'oras-images' | 'oras-artifacts' | 'regclient-testrepo'): { dir: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), `manifold-${name}-`));
  const dir = join(root, name);
  cpSync(join(PEER_LAYOUTS, name), dir, { recursive: true });
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function tempDir(prefix = 'manifold-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
