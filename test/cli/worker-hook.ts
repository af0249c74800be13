/**
 * Loaded with `node --require` before the CLI: records each worker thread it starts (one line with the
 * script in ISTIO_EGRESS_WORKER_LOG) and, when ISTIO_EGRESS_WORKER_SCRIPT is set, starts that script
 * instead, so that a test can give the CLI a worker that dies. Nothing here is part of the product.
 */
import fs from 'node:fs';
import workerThreads from 'node:worker_threads';

const log = process.env.ISTIO_EGRESS_WORKER_LOG;
const Original = workerThreads.Worker;
class RecordedWorker extends Original {
  constructor(file: string | URL, options?: workerThreads.WorkerOptions) {
    if (log) fs.appendFileSync(log, `${String(file)}\n`);
    super(process.env.ISTIO_EGRESS_WORKER_SCRIPT ?? file, options);
  }
}
(workerThreads as { Worker: typeof Original }).Worker = RecordedWorker;
