// A long run of the lock stress (test/helpers/layoutStress.ts), not part of npm test:
//   npx tsx bench/lockSoak.ts [ROUNDS=200] [ATTACHERS=10] [TAGGERS=20]
// Each round starts its processes on one layout at once and checks that nothing any of them reported was lost.
// A fresh layout every 25 rounds keeps index.json, and so each round's cost, from growing without end.
import { makeMultiArchLayout, cleanupTemps } from '../test/unit/builders';
import { builtCli, stressRound } from '../test/helpers/layoutStress';

async function main(): Promise<void> {
  const [rounds = 200, attachers = 10, taggers = 20] = process.argv.slice(2).map(Number);
  const cli = builtCli();
  const start = Date.now();
  let failed = 0;
  let dir = '';
  for (let round = 0; round < rounds; round++) {
    if (round % 25 === 0) {
      cleanupTemps();
      dir = (await makeMultiArchLayout()).store.location;
    }
    const problems = await stressRound(cli, dir, 'multi', round, { attachers, taggers, maxDelayMs: 40 });
    if (problems.length > 0) {
      failed++;
      process.stdout.write(`round ${round}: ${problems.length} problem(s)\n  ${problems.join('\n  ')}\n`);
    }
  }
  cleanupTemps();
  process.stdout.write(`${rounds} rounds of ${attachers} attach --recursive + ${taggers} tag: ${failed} failed, ${((Date.now() - start) / 1000).toFixed(0)} s\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 2;
});
