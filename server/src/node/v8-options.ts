/**
 * The V8 options the language server and the CLI run with. V8's flags hold for the whole process, so
 * the parse workers get them too.
 *
 * How big V8 lets the young generation of each thread grow (the server only). By default each isolate's
 * young generation grows to two semi-spaces of 16 MB, and a thread that allocates much keeps both resident.
 * The parser's and the checker's garbage is short-lived, so 4 MB semi-spaces collect it as well, with
 * more but shorter scavenges: on the generated workspaces the server's peak fell by about 25 MB at 5,000
 * hosts and 30 MB at 100 and 1,000 hosts, for the same CPU time. A worker's
 * `resourceLimits.maxYoungGenerationSizeMb` does not override the flag: a worker runs four times as many
 * scavenges (about 1,150 for the 1,000 files of 5,000 hosts) and its profile shows twice the time in the
 * garbage collector (1.0 s rather than 0.55 s with one worker in the CLI), but the worker is busy as long
 * in all (3.5 s either way): the time outside the collector falls by as much.
 *
 * How much TurboFan inlines into one optimised function (the server and the CLI). A scan runs each
 * function of the parser, the index and the analyzers thousands of times, once per file or document,
 * and it runs once: what optimising costs counts as much as what it saves. With V8's default budget
 * (920 bytes of inlined bytecode per function) the optimising compiler took about 30% of all the CPU time
 * of `istio-egress check` on the 5,000-host benchmark workspace (about 650 functions compiled on V8's
 * helper threads, parse workers included), as much as the two parse threads' own work. With 300 bytes it
 * takes about a quarter less and the code it makes runs as fast: the process's CPU time fell by 0.5 to
 * 0.9 s (8%) in each of several runs, and the server's cold scan by about 0.3 s.
 *
 * The client imports this module to start the server, so it imports nothing itself.
 */

/** The semi-space size, in MB, of the server's threads: its main thread and its parse workers. */
const SEMI_SPACE_MB = 4;

/** TurboFan's budget of inlined bytecode per optimised function (V8's default: 920). */
const INLINED_BYTECODE_BUDGET = 300;

/**
 * The compiler's options, for a process started without them (the CLI, started by `node` or its `bin`
 * script) to set with `v8.setFlagsFromString` before any work, so that no function is optimised before.
 */
export const COMPILER_FLAGS = `--max-inlined-bytecode-size-cumulative=${INLINED_BYTECODE_BUDGET}`;

/**
 * Node options the language server is started with (client/src/extension.ts, the benchmark): the heap's
 * must be on the command line, as V8 sizes the main thread's heap before any code runs.
 */
export const SERVER_EXEC_ARGV: readonly string[] = [`--max-semi-space-size=${SEMI_SPACE_MB}`, COMPILER_FLAGS];
