/**
 * Exceptions from analyzers, schema validation and fixes, for people: each distinct fault is logged
 * once with the file and code (the server's output channel, the CLI's stderr).
 */
import type { FaultReport } from './model';

/**
 * A sink for exceptions from analyzers, schema validation and fixes: each distinct fault (code and
 * message) is logged once with the file it happened in, so a bug shows up without flooding the log.
 */
export function errorReporter(log: (message: string) => void, limit = 100): (fault: FaultReport) => void {
  const seen = new Set<string>();
  return ({ uri, code, error }) => {
    const message = error instanceof Error ? error.message : String(error);
    const key = `${code}\u0000${message}`;
    if (seen.has(key) || seen.size >= limit) return;
    seen.add(key);
    const stack = error instanceof Error && error.stack ? `\n${error.stack}` : '';
    log(`Istio Egress: ${code} failed on ${uri}: ${message}. Other findings are still reported; please report this bug.${stack}`);
  };
}
