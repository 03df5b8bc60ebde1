export { checkGraph, GraphCheck, type CheckCounts, type CheckDocument, type CheckOptions, type CheckProblem, type CheckReport, type ListedIn } from './checkGraph';
export { checkImageConfig, type CheckedConfig, type ConfigProblem } from './configChecks';
export { layerPacking, readLayer, type LayerPacking, type ReadLayer } from './layerContent';
export { checkLayoutEntries, checkLayoutEntryTypes, checkRepositoryTags } from './wholeTargets';
export { checkUnreachableBlobs } from './unreachableNotes';
