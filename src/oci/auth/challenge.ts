/** One challenge of a `WWW-Authenticate` header (RFC 7235): a scheme and its parameters. */
export interface Challenge {
  /** Lowercased: `basic`, `bearer`, or another the client does not speak. */
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;

/**
 * Parses a `WWW-Authenticate` value into its challenges, e.g.
 * `Bearer realm="https://auth.example/token",service="example",scope="repository:a:pull,push"`.
 * Quoted values may contain commas and escaped quotes; parameter names are lowercased.
 */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = () => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  const token = (): string | undefined => {
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(header);
    if (!m) return undefined;
    i = TOKEN.lastIndex;
    return m[0];
  };
  while (i < n) {
    skipSpace();
    if (header[i] === ',') {
      i++;
      continue;
    }
    const scheme = token();
    if (!scheme) break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    // Parameters: name=value pairs separated by commas, until a token not followed by `=` starts the next challenge.
    for (;;) {
      skipSpace();
      const start = i;
      const name = token();
      if (!name) break;
      skipSpace();
      if (header[i] !== '=') {
        i = start; // the next challenge's scheme
        break;
      }
      i++;
      skipSpace();
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++;
          value += header[i++];
        }
        i++;
      } else {
        // Lenient: servers send unquoted URLs, which are not RFC tokens.
        while (i < n && header[i] !== ',' && header[i] !== ' ' && header[i] !== '\t') value += header[i++];
      }
      challenge.params[name.toLowerCase()] = value;
      skipSpace();
      if (header[i] === ',') i++;
      else break;
    }
  }
  return out;
}
