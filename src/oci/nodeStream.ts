/**
 * node:stream and node:stream/promises, loaded when first used. Loading them is ~5.6 million instructions (1-2 ms)
 * of every CLI command's start-up, and a command that streams nothing (`--version`, a no-op copy, a listing) should
 * not pay for it. So src/oci and src/cli take stream values from here; type-only imports of 'node:stream' cost
 * nothing. A unit test runs a no-op copy and checks that node:stream stayed unloaded.
 */
type Stream = typeof import('node:stream');
type StreamPromises = typeof import('node:stream/promises');
let loaded: Stream | undefined;
let loadedPromises: StreamPromises | undefined;

export const stream = (): Stream => (loaded ??= require('node:stream') as Stream);
export const streamPromises = (): StreamPromises => (loadedPromises ??= require('node:stream/promises') as StreamPromises);
