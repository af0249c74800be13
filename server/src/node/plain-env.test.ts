import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';

// In a worker thread of its own, so that this process keeps its environment.
test('usePlainEnv leaves process.env an ordinary object with the same variables, as a parse worker reads it', async () => {
  const script = `
    const { parentPort } = require('node:worker_threads');
    const before = { ...process.env };
    require(${JSON.stringify(require.resolve('./plain-env'))}).usePlainEnv();
    process.env.ADDED_LATER = 'x';
    parentPort.postMessage({
      plain: Object.getPrototypeOf(process.env) === Object.prototype,
      same: JSON.stringify(Object.entries(before)) === JSON.stringify(Object.entries(process.env).filter(([k]) => k !== 'ADDED_LATER')),
      marker: process.env.PLAIN_ENV_TEST_MARKER,
    });`;
  const worker = new Worker(script, { eval: true, env: { ...process.env, PLAIN_ENV_TEST_MARKER: 'kept' } });
  const reply = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.deepEqual(reply, { plain: true, same: true, marker: 'kept' });
});
