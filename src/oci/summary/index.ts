export * from './describeManifest';
export * from './listTags';
