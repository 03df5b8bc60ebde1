export { descriptorProblems, parseDocument, parseText, type DocumentKind, type ParsedDocument, type ParsedText, type ParseOptions } from './parse';
export { checkManifestBytes, parseManifestStrict, type StrictDocument } from './strict';
export { formatPath, parsePath, Section, specLink, type PathSegment, type Problem, type ProblemCode, type Severity } from './problems';
export { findJsonSyntaxError, type JsonSyntaxError } from './jsonSyntax';
export { malformedJson, malformedJsonAt, placeOfJsonError, whereJsonStops, type JsonSyntaxPlace } from './textFindings';
export { MalformedJsonError, parseJson, parseJsonObject } from './jsonDocument';
export { positionMapper, type TextPosition } from './textPosition';
export { unusableDescriptor, usableChild } from './unusable';
