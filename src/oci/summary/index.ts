export * from './describeManifest';
