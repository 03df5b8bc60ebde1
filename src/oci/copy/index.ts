export * from './copy';
export * from './copyGraph';
export * from './successors';
