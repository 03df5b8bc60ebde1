// cosign's `-a KEY=VALUE`: annotations signed with an image (the payload's `optional`, a Sigstore bundle statement's
// subject annotations, a Notary payload's targetArtifact annotations) and asked for when verifying.

/** `annotations` as an object whose keys are in byte order, as Go writes a map (cosign's payload) and protojson a Struct. */
export function sortedAnnotations(annotations: Readonly<Record<string, string>>): Record<string, string> {
  const keys = Object.keys(annotations).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return Object.fromEntries(keys.map((k) => [k, annotations[k]!]));
}

/**
 * Why the signed annotations `have` do not hold every pair `wanted` (each its own clause); undefined when they do.
 * A value must be the same string, as cosign compares them (a signed number or object is never a flag's string).
 */
export function annotationMismatch(wanted: Readonly<Record<string, string>>, have: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const wrong: string[] = [];
  for (const [key, value] of Object.entries(wanted)) {
    const got = have && Object.hasOwn(have, key) ? have[key] : undefined;
    if (got === value) continue;
    wrong.push(got === undefined ? `${key}=${value} is not signed` : `${key} is signed as ${JSON.stringify(got)}, not ${JSON.stringify(value)}`);
  }
  return wrong.length > 0 ? `annotations: ${wrong.join('; ')}` : undefined;
}
