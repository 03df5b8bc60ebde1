import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * For the enclosing `describe`: DOCKER_CONFIG points at an empty folder of its own, so the CLI neither reads the
 * machine user's credentials nor writes its logins there; the variable and the folder are put back after.
 */
export function useEmptyDockerConfig(): void {
  let saved: string | undefined;
  let dir: string | undefined;
  before(() => {
    saved = process.env.DOCKER_CONFIG;
    dir = mkdtempSync(join(tmpdir(), 'manifold-docker-'));
    process.env.DOCKER_CONFIG = dir;
  });
  after(() => {
    if (saved === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = saved;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
}
