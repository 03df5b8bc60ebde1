// Preloaded with -r: prints the process's peak resident memory to fd 3 at exit, for the bench to read.
const { writeSync } = require('node:fs');
process.on('exit', () => {
  try {
    writeSync(3, `${process.resourceUsage().maxRSS}\n`);
  } catch {}
});
