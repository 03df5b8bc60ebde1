// The messages between the index editor's webview (media/indexEditor) and the extension. Plain data only: this
// file is imported by both sides, so it imports nothing (the webview runs in a browser, without vscode or node).

/** One entry of `manifests`, as the table shows it. */
export interface RowView {
  index: number;
  /** `linux/arm64/v8`; undefined when none (or not readable) is listed. */
  platform?: string;
  mediaType?: string;
  digest?: string;
  size?: number;
  artifactType?: string;
  annotations: Array<[string, string]>;
  /** The messages of the diagnostics found in this entry. */
  problems?: string[];
}

export type BlobState = 'present' | 'missing' | 'unknown';

export interface EditorState {
  /** The document version this state was read from; edits name it, so a stale edit is refused. */
  version: number;
  kind: 'index' | 'manifest' | 'other';
  /** The text is not JSON at the moment: the table shows what it can, and edits wait for the text to be fixed. */
  syntaxError: boolean;
  /** Why the table cannot change the document (a stored index opened by digest, a read-only layout). */
  readOnly?: string;
  /** Digest and size of the text as it is now: what saving stores. */
  digest: string;
  size: number;
  /** The digest of the text as last saved (a stored index: what its tag points at), when known. */
  savedDigest?: string;
  /** A stored index in a layout (saving stores a new blob and moves this tag), not a file. */
  storedAs?: string;
  dirty: boolean;
  /** The layout the document's digests refer to (its name), if any: blob presence and "add" use it. */
  layoutName?: string;
  mediaType?: string;
  artifactType?: string;
  annotations: Array<[string, string]>;
  rows: RowView[];
  /** Problems found in the document by the diagnostics, counted. */
  problems: { errors: number; warnings: number };
  /**
   * Only the formatting differs from what is saved (same JSON, other bytes): saving would store another digest.
   * Said once formatted, since a stored index's digest is its exact bytes.
   */
  formattingOnly?: boolean;
  /** The table has a column of each entry's referrer kinds (a document in a layout); sent after the state. */
  kindsColumn?: boolean;
  /** A layout's own index.json: each entry's tag (its `org.opencontainers.image.ref.name`) gets a column of its own. */
  tagColumn?: boolean;
}

/** What one entry carries attached to it (signatures, SBOMs...), in words, and what it lacks that its siblings have. */
export interface RowKinds {
  /** `signed`, `SBOM`, `provenance`, `end-of-life`, a user's kind (its title as written); `2 other` for the rest. */
  carried: string[];
  /** Kinds a sibling entry (or the index) has and this one lacks. */
  gaps: string[];
}

/** What the table asks the extension to change; each becomes a minimal text edit of the document. */
export type TableEdit =
  | { type: 'removeRow'; row: number }
  | { type: 'moveRow'; from: number; to: number }
  /** `os/arch[/variant][:os.version]`; empty removes the platform. */
  | { type: 'setPlatform'; row: number; text: string }
  /** `row` absent: the index's own annotations. `replaces`: the key this one takes the place of (a renamed key). */
  | { type: 'setAnnotation'; row?: number; key: string; value: string; replaces?: string }
  | { type: 'removeAnnotation'; row?: number; key: string };

export type ToWebview =
  | { type: 'state'; state: EditorState }
  /** Whether each row's blob is in the layout, in row order; sent after the state (it takes a look at the disk). */
  | { type: 'blobs'; version: number; blobs: BlobState[] }
  /** Each row's referrer kinds, in row order (undefined: not an entry that can have any); sent when looked up. */
  | { type: 'kinds'; digest: string; rows: Array<RowKinds | undefined> }
  | { type: 'error'; message: string };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'edit'; version: number; edit: TableEdit }
  /** Pick manifests from the layout's tags and add them (platform from each config). */
  | { type: 'addManifests'; version: number }
  /**
   * Show the row (or the document) as text: a stored index as formatted read-only text (its stored bytes are one
   * line); `editable` the document itself, as stored.
   */
  | { type: 'showText'; row?: number; editable?: boolean };
