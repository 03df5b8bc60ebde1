/**
 * A trusted root's `validFor` (protobuf-specs' TimeRange): the window in which a certificate authority may have
 * issued a certificate, a log's key signed an entry, a timestamp authority stamped a time. Either end may be open
 * (an end absent: still in use). As sigstore-go's and sigstore-js's, both ends are inclusive.
 */
export interface ValidFor {
  start?: Date;
  end?: Date;
}

/** Why `at` is outside `validFor` (`2021-01-01T00:00:00.000Z, before its validFor start 2022-04-13T20:06:15.000Z`), undefined when inside. */
export function outsideValidFor(validFor: ValidFor | undefined, at: Date): string | undefined {
  if (validFor?.start && at < validFor.start) return `${at.toISOString()}, before its validFor start ${validFor.start.toISOString()}`;
  if (validFor?.end && at > validFor.end) return `${at.toISOString()}, after its validFor end ${validFor.end.toISOString()}`;
  return undefined;
}

/** `validFor 2022-04-13T20:06:15.000Z to (open)`: the window, for messages. */
export function validForText(validFor: ValidFor | undefined): string {
  return `validFor ${validFor?.start?.toISOString() ?? '(open)'} to ${validFor?.end?.toISOString() ?? '(open)'}`;
}
