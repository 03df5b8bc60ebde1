/**
 * Runs `work` with a signal that Ctrl-C aborts. Without it SIGINT ends the process at once, leaving the temp file of
 * a blob being written (pull, blob fetch) beside its name; aborted, the write's own error path removes it.
 */
export async function abortOnSigint<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('cancelled'));
  process.once('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
