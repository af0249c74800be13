/**
 * How big V8 lets the young generation of each thread grow. By default each isolate's young
 * generation grows to two semi-spaces of 16 MB, and a thread that allocates much keeps both resident.
 * The parser's and the checker's garbage is short-lived, so 4 MB semi-spaces collect it as well, with
 * more but shorter scavenges: on the generated workspaces the server's peak fell by about 25 MB at 5,000
 * hosts and 30 MB at 100 and 1,000 hosts, for the same CPU time. The parse workers keep V8's default: the
 * server's peak comes after its scan, when they are gone, and small semi-spaces made the CLI's workers
 * parse 0.5 to 1 s slower at 5,000 hosts for 28 MB less.
 * The client imports this module to start the server, so it imports nothing itself.
 */

/** The semi-space size, in MB, of the server's main thread. */
const SEMI_SPACE_MB = 4;

/**
 * Node options the language server is started with (client/src/extension.ts, the benchmark): they must
 * be on the command line, as V8 sizes the main thread's heap before any code runs.
 */
export const SERVER_EXEC_ARGV: readonly string[] = [`--max-semi-space-size=${SEMI_SPACE_MB}`];
