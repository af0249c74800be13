/**
 * How big V8 lets the young generation of each thread grow. By default each isolate's young
 * generation grows to two semi-spaces of 16 MB, and a thread that allocates much keeps both resident.
 * The parser's and the checker's garbage is short-lived, so 4 MB semi-spaces collect it as well, with
 * more but shorter scavenges: on the generated workspaces the server's peak fell by about 25 MB at 5,000
 * hosts and 30 MB at 100 and 1,000 hosts, and the CLI's (where only the workers get it) by 35 to 50 MB,
 * for the same CPU time.
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
