/**
 * How big V8 lets the young generation of each thread grow. By default each isolate's young
 * generation grows to two semi-spaces of 16 MB; every thread that allocates much keeps both resident,
 * which at 5,000 hosts is a tenth of the server's peak memory. The parser's garbage is short-lived
 * (one file's syntax trees), so 4 MB semi-spaces collect it as well, with more but shorter scavenges:
 * measured on the generated 5,000-host workspace, the CLI's peak fell by 50 to 60 MB for the same CPU time.
 * The client imports this module to start the server, so it imports nothing itself.
 */

/** The semi-space size, in MB, of every thread of the server and of the parse workers. */
const SEMI_SPACE_MB = 4;

/**
 * Node options the language server is started with (client/src/extension.ts, the benchmark): they must
 * be on the command line, as V8 sizes the main thread's heap before any code runs.
 */
export const SERVER_EXEC_ARGV: readonly string[] = [`--max-semi-space-size=${SEMI_SPACE_MB}`];

/**
 * The `resourceLimits` of a parse worker (node/parse-pool.ts): a worker's young generation is its two
 * semi-spaces and a large-object space of the same size. The old generation is left unbounded, as a worker
 * that ran out of it would only hand its files back to the main thread.
 */
export const PARSE_WORKER_LIMITS = { maxYoungGenerationSizeMb: 3 * SEMI_SPACE_MB } as const;
