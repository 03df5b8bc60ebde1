export * from './annotations';
export * from './attestations';
export * from './createIndex';
export * from './events';
export * from './updateIndex';
export * from './diff';
