/**
 * How big V8 lets the young generation of each thread grow. By default each isolate's young
 * generation grows to two semi-spaces of 16 MB, and a thread that allocates much keeps both resident.
 * The parser's and the checker's garbage is short-lived, so 4 MB semi-spaces collect it as well, with
 * more but shorter scavenges: on the generated workspaces the server's peak fell by about 25 MB at 5,000
 * hosts and 30 MB at 100 and 1,000 hosts, for the same CPU time. V8's flags hold for the whole process,
 * so the parse workers get 4 MB semi-spaces too (a worker's `resourceLimits.maxYoungGenerationSizeMb` does
 * not override the flag): a worker then runs four times as many scavenges (about 1,150 for the 1,000 files
 * of 5,000 hosts) and its profile shows twice the time in the garbage collector (1.0 s rather than 0.55 s
 * with one worker in the CLI), but the worker is busy as long in all (3.5 s either way): the time outside
 * the collector falls by as much.
 * The client imports this module to start the server, so it imports nothing itself.
 */

/** The semi-space size, in MB, of the server's threads: its main thread and its parse workers. */
const SEMI_SPACE_MB = 4;

/**
 * Node options the language server is started with (client/src/extension.ts, the benchmark): they must
 * be on the command line, as V8 sizes the main thread's heap before any code runs.
 */
export const SERVER_EXEC_ARGV: readonly string[] = [`--max-semi-space-size=${SEMI_SPACE_MB}`];
