/** A fixed set of error kinds callers can test for (as oras-go's errdef), each with a message that names the place. */
export type OciErrorCode =
  | 'NOT_FOUND'
  | 'INVALID_ARGUMENT'
  | 'INVALID_DIGEST'
  | 'DIGEST_MISMATCH'
  | 'SIZE_MISMATCH'
  | 'INVALID_MANIFEST'
  | 'INVALID_LAYOUT'
  | 'UNSUPPORTED'
  | 'ALREADY_EXISTS'
  | 'PATH_ESCAPE'
  | 'READ_ONLY'
  // The file system is full (ENOSPC) or the user's quota is used up (EDQUOT).
  | 'NO_SPACE'
  // A lock file is held by a process that is still running, for longer than any update takes.
  | 'LOCKED'
  // Content asked for as text that is larger than is shown, or is not text (binary, not UTF-8).
  | 'TOO_LARGE'
  | 'NOT_TEXT'
  // A registry still answers 401 after the credentials we have were tried (none, or refused): sign in.
  | 'UNAUTHORIZED'
  // A registry (or its token server) answers 403: signed in, but without access to this.
  | 'DENIED'
  // A registry's TLS certificate is signed by a CA not trusted here (a private registry's own CA): trust it.
  | 'UNTRUSTED'
  // A registry asks for a TLS client certificate, or refused the one shown.
  | 'CLIENT_CERTIFICATE'
  // Any other answer a registry gives that is not what was asked for (5xx, 429, 400, ...).
  | 'REGISTRY';

export class OciError extends Error {
  readonly code: OciErrorCode;
  /** The registry host a refusal came from, so a face can say how to sign in there. */
  readonly registry?: string;
  constructor(code: OciErrorCode, message: string, options?: { cause?: unknown; registry?: string }) {
    super(message, options);
    this.name = 'OciError';
    this.code = code;
    if (options?.registry) this.registry = options.registry;
  }
}

export function isOciError(err: unknown, code?: OciErrorCode): err is OciError {
  return err instanceof OciError && (code === undefined || err.code === code);
}

/** The code of a registry's (or its token server's) HTTP answer that is not what was asked for. */
export function errorCodeForStatus(status: number): OciErrorCode {
  return status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'DENIED' : 'REGISTRY';
}
