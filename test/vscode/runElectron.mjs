#!/usr/bin/env node
// The same extension-host suite under @vscode/test-electron, for machines that can download VS Code (not these:
// there, test/vscode/runner.mjs runs it in code-server). Expects `npm run build` done.
//
//   node test/vscode/runElectron.mjs            (VSCODE_VERSION=stable|insiders|1.139.0 picks the build)
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { profileSettings, projectRoot, testSettings } from '../../scripts/vscode-host/host.mjs';
import { bundleSuite, stackMapper } from './bundleSuite.mjs';
import { createWorkspace } from './workspace.mjs';

const tmp = await mkdtemp(join(tmpdir(), 'manifold-vscode-electron-'));
const resultsFile = join(tmp, 'results.txt');
let code = 1;
try {
  const suite = await bundleSuite(join(tmp, 'suite'));
  const workspace = await createWorkspace(join(tmp, 'workspace'));
  const userData = join(tmp, 'user-data');
  await mkdir(join(userData, 'User'), { recursive: true });
  await writeFile(join(userData, 'User/settings.json'), JSON.stringify({ ...profileSettings, ...testSettings }, null, 2));
  code = await runTests({
    version: process.env.VSCODE_VERSION || undefined,
    extensionDevelopmentPath: projectRoot,
    extensionTestsPath: suite.path,
    extensionTestsEnv: {
      MANIFOLD_VSCODE_TEST_RESULTS: resultsFile,
      MANIFOLD_VSCODE_WORKSPACE_INFO: JSON.stringify(workspace),
    },
    launchArgs: [
      workspace.folder,
      '--user-data-dir', userData,
      '--extensions-dir', join(tmp, 'extensions'),
      '--disable-workspace-trust',
      '--disable-telemetry',
      '--skip-welcome',
      '--skip-release-notes',
    ],
  });
} catch (e) {
  console.error(`[vscode-electron] ${e?.message ?? e}`);
} finally {
  if (code !== 0 && existsSync(resultsFile)) {
    console.log(stackMapper(join(tmp, 'suite'), projectRoot)(await readFile(resultsFile, 'utf8')));
  }
  if (code === 0) await rm(tmp, { recursive: true, force: true });
  else console.error(`[vscode-electron] FAILED; files kept in ${tmp}`);
}
process.exit(code);
