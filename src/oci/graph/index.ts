/** Walking a layout's content graph: parsed manifests, tags with summaries, what a change leaves unreachable. */
export * from './manifestContent';
export * from './reachability';
export * from './tagListing';
