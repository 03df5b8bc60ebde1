export * from './annotations';
export * from './childDescriptor';
export * from './createIndex';
export * from './events';
export * from './updateIndex';
