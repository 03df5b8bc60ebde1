import type { RetryInfo } from './retry';
import { redactUrl } from './registryError';
import { CONNECT_TIMEOUT, type StallKind } from './transportErrors';

const TIMEOUTS = /\bUND_ERR_(HEADERS|BODY)_TIMEOUT$/;

/**
 * One line saying a registry request is being retried, and why: a stalled registry otherwise looks like
 * a hung command for minutes. `registry 127.0.0.1:5000: no response to GET /v2/app/manifests/v1 for 60 s, retrying (2/5)`.
 */
export function retryNotice(info: RetryInfo): string {
  const url = new URL(info.url, `http://${info.registry}`);
  // The registry's own paths are shown short; another host (blob storage) in full, without its query.
  const where = url.host === info.registry ? redactUrl(`${url.pathname}${url.search}`) : redactUrl(info.url);
  const next = `retrying (${info.attempt + 1}/${info.attempts})`;
  if (info.reason === CONNECT_TIMEOUT) return `registry ${info.registry}: no connection for ${info.method} ${where} within ${seconds(info.timeoutMs)} s, ${next}`;
  if (TIMEOUTS.test(info.reason)) return `registry ${info.registry}: no response to ${info.method} ${where} for ${seconds(info.timeoutMs)} s, ${next}`;
  return `registry ${info.registry}: ${info.reason} on ${info.method} ${where}, ${next}`;
}

/**
 * What a request to a stalling host ends with, once its tries are spent: who stalled, on what, for how long, how
 * often. `timeoutMs` is unknown when the caller's own dispatcher sets the timeouts.
 */
export function stallMessage(who: string, method: string, url: string, timeoutMs: number | undefined, tries: number, kind: StallKind = 'answer'): string {
  const request = `${method} ${redactUrl(url)}`;
  const tried = `(tried ${tries === 1 ? 'once' : `${tries} times`})`;
  // The body timeout is the longest silence between two parts of the answer, not a deadline for all of it.
  if (kind === 'body') return `${who} did not finish answering ${request}: ${timeoutMs === undefined ? 'it stopped sending' : `nothing came for ${seconds(timeoutMs)} s`} ${tried}`;
  const within = timeoutMs === undefined ? 'in time' : `within ${seconds(timeoutMs)} s`;
  return `${who} did not ${kind === 'connect' ? 'accept a connection for' : 'answer'} ${request} ${within} ${tried}`;
}

function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
