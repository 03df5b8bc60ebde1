/** The text <-> table model of the index editor: rows read from the text, edit intents turned into text edits. */
export { indexModel, readModel, readPlatform, type IndexModel, type IndexRow, type ModelKind } from './indexModel';
export { applyIntent, editsFor, orderedDescriptor, orderedPlatform, type EditIntent } from './intents';
export { detectStyle, nodeAt, parseText, type Edit, type JsonNode, type ParsedText, type TextStyle } from './jsonText';
