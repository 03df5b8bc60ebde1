/**
 * Reading a content graph through a ReadOnlyTarget: manifests fetched and parsed, a child's descriptor and platform,
 * what a manifest is (describeManifest), tags with summaries, what a change leaves unreachable, and deleting a
 * manifest with its referrers by a plan (planDeleteWithReferrers, then runDeletePlan).
 */
export * from './childDescriptor';
export * from './describeManifest';
export * from './manifestContent';
export * from './reachability';
export * from './tagListing';
export * from './deletePlan';
export * from './runDeletePlan';
