import type { Descriptor } from '../descriptor';

/** What index operations report as they go; the CLI prints them as oras does, the extension as progress. */
export type IndexEvent =
  | { type: 'fetching'; ref: string }
  | { type: 'fetched'; ref: string; desc: Descriptor }
  | { type: 'added'; ref: string; desc: Descriptor }
  /** `what`: for a child removed by platform, the platform (`linux/arm64`), or `attestation of linux/arm64`. */
  | { type: 'removed'; digest: string; what?: string }
  | { type: 'merged'; ref: string; desc: Descriptor }
  | { type: 'packed'; desc: Descriptor }
  | { type: 'pushed'; desc: Descriptor }
  | { type: 'tagged'; tag: string; desc: Descriptor };

export type IndexEventHandler = (event: IndexEvent) => void;
