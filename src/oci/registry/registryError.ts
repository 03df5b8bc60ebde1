import { errorCodeForStatus, OciError } from '../errors';

/** One entry of a distribution-spec error body: `{"errors":[{"code","message","detail"}]}`. */
export interface RegistryErrorDetail {
  code: string;
  message?: string;
  detail?: unknown;
}

/**
 * An HTTP answer the registry gave that is not what was asked for, as oras-go's errcode.ErrorResponse:
 * the method, the URL, the status and the registry's own error codes. It is an OciError whose code
 * callers can key on: UNAUTHORIZED (401 after every credential we have was tried: offer to sign in),
 * DENIED (403: signed in, no access), REGISTRY for anything else; `status` and `retryable` say more.
 */
export class RegistryError extends OciError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly errors: RegistryErrorDetail[] = [],
    private readonly options?: { cause?: unknown; message?: string; retryable?: boolean },
  ) {
    super(errorCodeForStatus(status), options?.message ?? describe(method, url, status, errors), options);
    this.name = 'RegistryError';
  }

  /** Worth trying again: the registry is busy or failing, not refusing. */
  get retryable(): boolean {
    if (this.options?.retryable !== undefined) return this.options.retryable;
    return this.status === 429 || this.status === 408 || (this.status >= 500 && this.status !== 501 && this.status !== 505);
  }

  hasCode(code: string): boolean {
    return this.errors.some((e) => e.code === code);
  }
}

function describe(method: string, url: string, status: number, errors: RegistryErrorDetail[]): string {
  const where = `${method} ${redactUrl(url)}`;
  // A registry's list may be long (or its messages): the first few, each cut short, say enough.
  const shown = errors.slice(0, MAX_ERRORS_SHOWN).map((e) => clip(`${e.code}${e.message ? `: ${e.message}` : ''}`));
  if (errors.length > MAX_ERRORS_SHOWN) shown.push(`and ${errors.length - MAX_ERRORS_SHOWN} more`);
  const what = shown.length ? shown.join('; ') : statusText(status);
  const hint = status === 401 ? ' (sign in, or check the credentials)' : status === 403 ? ' (the credentials have no access to this)' : '';
  return `${where}: response status ${status}: ${what}${hint}`;
}

const MAX_ERRORS_SHOWN = 3;
const MAX_ERROR_TEXT = 200;

function clip(text: string): string {
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}...` : text;
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: 'bad request', 401: 'unauthorized', 403: 'forbidden', 404: 'not found', 405: 'method not allowed',
    408: 'request timeout', 409: 'conflict', 413: 'payload too large', 416: 'range not satisfiable',
    429: 'too many requests', 500: 'internal server error', 502: 'bad gateway', 503: 'service unavailable', 504: 'gateway timeout',
  };
  return texts[status] ?? 'unexpected status';
}

/** A URL without its query string, which may carry upload state or tokens, nor user:password@. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return (q === -1 ? url : `${url.slice(0, q)}?...`).replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** Parses a distribution-spec error body; anything else gives no details. */
export function parseErrorBody(text: string): RegistryErrorDetail[] {
  try {
    const doc = JSON.parse(text) as { errors?: unknown };
    if (!Array.isArray(doc?.errors)) return [];
    return doc.errors
      .filter((e): e is { code: unknown; message?: unknown; detail?: unknown } => typeof e === 'object' && e !== null)
      .map((e) => ({ code: typeof e.code === 'string' && e.code ? e.code : 'UNKNOWN', ...(typeof e.message === 'string' ? { message: e.message } : {}), ...(e.detail !== undefined ? { detail: e.detail } : {}) }));
  } catch {
    return [];
  }
}
