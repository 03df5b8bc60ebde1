/**
 * The index editor's pure core: the text <-> table model (rows read from the text, edit intents turned into text
 * edits) and the diagnostics of index and manifest documents, with layout checks, located in the text.
 */
export { indexModel, readModel, readPlatform, type IndexModel, type IndexRow, type ModelKind } from './indexModel';
export { applyIntent, editsFor, orderedDescriptor, orderedPlatform, type EditIntent } from './intents';
export { detectStyle, nodeAt, parseText, type Edit, type JsonNode, type ParsedText, type TextStyle } from './jsonText';
export { checkAgainstLayout, hasUrls, listedTypeFinding, platformContradiction, type BlobFacts, type DuplicateCode, type Finding, type LayoutCheckOptions, type LayoutProblemCode, type QuickFix } from './layoutChecks';
export { locate, type Span } from './locate';
export { diagnose, diagnoseDocument, type DiagnoseOptions } from './diagnose';
export { kindByName, looksLikeOciDocument, OCI_INDEX_SUFFIX, OCI_MANIFEST_SUFFIX } from './documentKind';
export { duplicateEntries, duplicateFindings, listedAgain, type DuplicateEntry } from './duplicates';
