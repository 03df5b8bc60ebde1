export * from './client';
export * from './link';
export * from './referrers';
export * from './registry';
export * from './registryError';
export * from './registryReference';
export * from './remoteRepository';
export * from './retry';
