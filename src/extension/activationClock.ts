// The first import of extension.ts: its top level runs before any other module of the bundle, so from here to the
// end of activate() is what evaluating the modules and activating cost (reading and compiling dist/extension.js come
// before and are not in it). activate() logs the figure to the "Manifold" channel.
export const modulesStarted = performance.now();
export const modulesCpuStarted = process.cpuUsage();
