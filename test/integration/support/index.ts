export * from './faultProxy';
export * from './ociServer';
export * from './processes';
export * from './registryLauncher';
export * from './tokenServer';
export * from './dockerConfig';
export * from './loopbackServer';
