// Preloaded with -r: prints the process's peak resident memory (KB) and its CPU time (user + system, µs) to
// fd 3 at exit, for the bench to read.
const { writeSync } = require('node:fs');
process.on('exit', () => {
  try {
    const u = process.resourceUsage();
    writeSync(3, `${u.maxRSS} ${u.userCPUTime + u.systemCPUTime}\n`);
  } catch {}
});
