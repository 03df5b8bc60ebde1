export * from './copy';
export * from './copyGraph';
export * from './successors';
export * from './plan';
export * from './platformSubset';
export * from './layoutImport';
export { copyTags, tagMovesAt, tagsToCopy, type CopiedTag, type CopyTagsOptions, type CopyTagsResult, type TagToCopy } from './copyTags';
export { ReferrerFilter } from './referrerFilter';
export { referrersToCarry, type ReferrerToCarry } from './referrersToCarry';
