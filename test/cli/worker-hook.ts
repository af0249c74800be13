/**
 * Loaded with `node --require` before the CLI or the server: records each worker thread it starts (one line
 * with the script in ISTIO_EGRESS_WORKER_LOG) and each file sent to one to parse (one line with its uri in
 * ISTIO_EGRESS_JOB_LOG) and, when ISTIO_EGRESS_WORKER_SCRIPT is set, starts that script instead, so that a
 * test can give the CLI a worker that dies. Nothing here is part of the product.
 */
import fs from 'node:fs';
import workerThreads from 'node:worker_threads';

const log = process.env.ISTIO_EGRESS_WORKER_LOG;
const jobLog = process.env.ISTIO_EGRESS_JOB_LOG;
const Original = workerThreads.Worker;
class RecordedWorker extends Original {
  constructor(file: string | URL, options?: workerThreads.WorkerOptions) {
    if (log) fs.appendFileSync(log, `${String(file)}\n`);
    super(process.env.ISTIO_EGRESS_WORKER_SCRIPT ?? file, options);
  }

  override postMessage(message: unknown, transfer?: readonly workerThreads.TransferListItem[]): void {
    const uri = (message as { uri?: unknown } | null)?.uri;
    if (jobLog && typeof uri === 'string') fs.appendFileSync(jobLog, `${uri}\n`);
    super.postMessage(message, transfer);
  }
}
(workerThreads as { Worker: typeof Original }).Worker = RecordedWorker;
