export * from './authorizer';
export * from './challenge';
export * from './credentials';
export * from './dockerConfig';
export * from './scope';
