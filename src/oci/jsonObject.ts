/** A JSON object: not null, not an array. What a parsed manifest, config, index.json or Docker config must be. */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
