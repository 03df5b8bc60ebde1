/** The OCI image layout store: a folder (read-write) or a `.tar` of one (read-only), as a Target. */
export { OciLayoutStore, blobPath, INDEX_FILE, OCI_LAYOUT_FILE, TEMP_DIR } from './store';
export { isFallbackTag, isValidTag } from '../reference';
export type { OpenOptions } from './store';
export { parseIndexJson, encodeIndexJson } from './indexFile';
export type { DamagedEntry, TextSpan } from './entryDamage';
export { cosignSavedImage } from './indexView';
