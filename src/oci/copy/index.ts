export * from './copy';
export * from './copyGraph';
export * from './successors';
export * from './plan';
export * from './platformSubset';
export * from './layoutImport';
