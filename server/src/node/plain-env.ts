/**
 * Makes `process.env` an ordinary object holding a copy of the environment. Node's `process.env` asks
 * the operating system's environment (a call into C++, slower still on a worker thread) on every read,
 * and the `yaml` library reads `process.env.LOG_TOKENS` once for every token it lexes: on a parse
 * worker that was about 40% of the time spent parsing. Only for processes and threads that neither
 * change their environment nor start processes that should see a change: the parse workers, the
 * language server and the CLI.
 */
export function usePlainEnv(): void {
  process.env = { ...process.env };
}
