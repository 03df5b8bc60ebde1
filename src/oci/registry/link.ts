/**
 * The `rel="next"` target of a `Link` header (RFC 8288), resolved against the request URL:
 * `</v2/_catalog?last=b&n=2>; rel="next"`. Undefined when there is no next page.
 */
export function nextLink(header: string | string[] | undefined, base: string): string | undefined {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  for (const value of values) {
    for (const part of value.split(/,(?=\s*<)/)) {
      const m = /^\s*<([^>]*)>(.*)$/.exec(part);
      if (!m) continue;
      const params = m[2]!.split(';').map((p) => p.trim().toLowerCase());
      if (params.some((p) => /^rel\s*=\s*"?([^"]*)"?$/.test(p) && /(^|\s)next(\s|$)/.test(/^rel\s*=\s*"?([^"]*)"?$/.exec(p)![1]!))) {
        return new URL(m[1]!, base).toString();
      }
    }
  }
  return undefined;
}
