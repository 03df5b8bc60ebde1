// Preload (`node -r bench/memorySample.cjs dist/cli.js cp ...`): samples process.memoryUsage() every 20 ms and
// prints the peak of each field to stderr at exit, so a peak RSS can be split into heap, buffers and the rest.
// With `node --expose-gc -r ...` it also runs a full GC whenever buffers pass 8 MiB and prints the peak that
// survives it: the buffers in use, as against read buffers already dropped that V8 has not yet collected (it
// starts a full GC only once external memory has grown tens of MiB since the last one).
const peak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
let live = 0;
const timer = setInterval(() => {
  const m = process.memoryUsage();
  for (const k of Object.keys(peak)) if (m[k] > peak[k]) peak[k] = m[k];
  if (typeof gc === 'function' && m.arrayBuffers > 8 << 20) {
    gc();
    live = Math.max(live, process.memoryUsage().arrayBuffers);
  }
}, 20);
timer.unref();
process.on('exit', () => {
  const mb = (n) => (n / 1048576).toFixed(1);
  const fields = Object.entries(peak).map(([k, v]) => `${k} ${mb(v)}`).join(', ');
  const after = typeof gc === 'function' ? `, arrayBuffers surviving a full GC ${mb(live)}` : '';
  process.stderr.write(`peak MiB: ${fields}${after}; max RSS ${mb(process.resourceUsage().maxRSS * 1024)}\n`);
});
