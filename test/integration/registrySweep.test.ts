import assert from 'node:assert/strict';
import { registrySweep } from './support/registrySweep';

// A seeded sweep over damaged registry answers (see support/registrySweep.ts): 40 repositories, each with one thing
// damaged, and 32 commands on each. Seed 4 covers a referrer whose artifactType is no string (iteration 3: discover
// threw "name.startsWith is not a function", check printed "[object Object]"); seed 3 an index whose manifests are
// [null] asked for a platform (iteration 33: "Cannot read properties of null"). Both fail on the code before their
// fixes. Another seed replays with:
//   npx tsx -e "require('./test/integration/support/registrySweep').registrySweep({ seed: 2, count: 300, onFinding: console.log })"
describe('registry sweep: damaged documents, headers, tag lists and referrers listings', function () {
  this.timeout(120_000);

  for (const seed of [3, 4]) {
    it(`seed ${seed}, 40 repositories: every command ends with an error naming the problem or a result, never a crash message or [object Object]`, async () => {
      const findings = await registrySweep({ seed, count: 40 });
      assert.deepEqual(
        findings.map((f) => `#${f.iteration} ${f.command}\n  ${f.line}\n  ${f.what.slice(0, 400)}`),
        [],
      );
    });
  }
});
