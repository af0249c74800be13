/**
 * Background work lets a message from the editor through between two of its units, not after the
 * next one: the message here arrives as the connection's do over stdio (read when the event loop
 * polls for input, handed on through two `setImmediate` callbacks), and the order of events is
 * counted, not timed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { PassThrough, Writable } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { MessageWatch, Slices, yieldToMessages } from './slices';

/** Runs three units of work, yielding with `pause` after each; a completion request arrives during the first. */
async function order(pause: (watch: MessageWatch) => Promise<void>): Promise<string[]> {
  const events: string[] = [];
  const watch = new MessageWatch();
  const { port1, port2 } = new MessageChannel();
  // As vscode-jsonrpc does: the read is decoded in one setImmediate (its read semaphore), dispatched in another (its message queue).
  port1.on('message', () => {
    watch.arrived();
    setImmediate(() =>
      setImmediate(() => {
        watch.handled();
        events.push('completion handled');
        // As vscode-jsonrpc's writer does over stdio: the answer is written after its write semaphore's setImmediate.
        setImmediate(() => events.push('completion answered'));
      }),
    );
  });
  for (let unit = 1; unit <= 3; unit++) {
    events.push(`unit ${unit}`);
    if (unit === 1) port2.postMessage('completion');
    // The unit's work: long enough that the message is waiting when it ends.
    const end = Date.now() + 5;
    while (Date.now() < end);
    await pause(watch);
  }
  port1.close();
  return events;
}

test('a message that arrives during a unit of background work is handled and answered before the next unit', async () => {
  assert.deepEqual(await order(yieldToMessages), ['unit 1', 'completion handled', 'completion answered', 'unit 2', 'unit 3']);
  // What one setImmediate gives: the message waits for two more units.
  const single = () => new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(await order(single), ['unit 1', 'unit 2', 'unit 3', 'completion handled']);
  // Two turns without watching the input: one more unit.
  assert.deepEqual(await order(() => yieldToMessages()), ['unit 1', 'unit 2', 'completion handled', 'completion answered', 'unit 3']);
  // Turns only until the message is handled: its answer waits for the next unit.
  const untilHandled = async (watch: MessageWatch) => {
    for (let i = 0; i < 16 && (i < 2 || watch.waiting); i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  assert.deepEqual(await order(untilHandled), ['unit 1', 'completion handled', 'unit 2', 'completion answered', 'unit 3']);
});

/** The units and answers, in order, when a hover arrives during the first of three units, over a real connection as main.ts makes it. */
async function orderOverConnection(pause: (watch: MessageWatch) => Promise<void>): Promise<string[]> {
  const events: string[] = [];
  const watch = new MessageWatch();
  const input = new PassThrough();
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (chunk.toString().includes('"result"')) events.push('hover answer written');
      done();
    },
  });
  input.on('data', () => watch.arrived());
  const connection = createMessageConnection(new StreamMessageReader(input), new StreamMessageWriter(output), undefined, {
    messageStrategy: {
      handleMessage: (message, next) => {
        watch.handled();
        return next(message);
      },
    },
  });
  connection.onRequest('textDocument/hover', () => {
    events.push('hover handled');
    return { contents: 'a hover' };
  });
  connection.listen();
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'textDocument/hover', params: {} });
  // The request comes in when the event loop polls for input, as it does from stdin.
  const { port1, port2 } = new MessageChannel();
  port1.on('message', () => input.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`));
  for (let unit = 1; unit <= 3; unit++) {
    events.push(`unit ${unit}`);
    if (unit === 1) port2.postMessage('hover');
    const end = Date.now() + 5;
    while (Date.now() < end);
    await pause(watch);
  }
  port1.close();
  connection.dispose();
  return events;
}

test('over a real connection, a request that arrives during a unit is answered, its answer written, before the next unit', async () => {
  assert.deepEqual(await orderOverConnection(yieldToMessages), ['unit 1', 'hover handled', 'hover answer written', 'unit 2', 'unit 3']);
  // Turns only until the request is handled: the connection writes its answer after the next unit.
  const untilHandled = async (watch: MessageWatch) => {
    for (let i = 0; i < 16 && (i < 2 || watch.waiting); i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  assert.deepEqual(await orderOverConnection(untilHandled), ['unit 1', 'hover handled', 'unit 2', 'hover answer written', 'unit 3']);
});

test('a slice clock lets messages through only once its slice is used up', async () => {
  assert.deepEqual(await order((watch) => new Slices(watch, 0).next()), ['unit 1', 'completion handled', 'completion answered', 'unit 2', 'unit 3']);
  let fresh: Slices | undefined;
  assert.deepEqual(await order((watch) => (fresh ??= new Slices(watch, 60_000)).next()), ['unit 1', 'unit 2', 'unit 3']);
});

test('the watch says a message waits from its arrival until a message is handled', () => {
  const watch = new MessageWatch();
  assert.equal(watch.waiting, false);
  watch.arrived();
  assert.equal(watch.waiting, true);
  watch.handled();
  assert.equal(watch.waiting, false);
});
