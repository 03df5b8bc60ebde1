// One line of test output, to the console and to the results file the runner prints (the extension host's console
// is not the terminal's). For figures the tests print but never assert, such as times.
import { appendFileSync } from 'node:fs';

export function out(line: string): void {
  console.log(line);
  const resultsFile = process.env.MANIFOLD_VSCODE_TEST_RESULTS;
  if (resultsFile) appendFileSync(resultsFile, line + '\n');
}
