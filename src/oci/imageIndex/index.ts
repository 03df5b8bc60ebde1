export * from './annotations';
export * from './createIndex';
export * from './events';
export * from './updateIndex';
export * from './diff';
