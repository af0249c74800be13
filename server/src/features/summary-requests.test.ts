/**
 * The status bar's summary requests are answered at once; a stale answer is followed by the figures
 * of a pass, and a request during a pass that a change overtook gets one more pass. Passes and
 * messages are counted, not timed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { PathSummary } from '../navigation/path-summary';
import type { TrafficMap } from '../protocol';
import { SummaryRequests, summaryPause } from './summary-requests';
import { Slices } from './slices';

const serviceEntry = (host: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext, namespace: shop}
spec:
  hosts: [${host}]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
`;

function setup() {
  const index = new WorkspaceIndex();
  const summary = new PathSummary(index, DEFAULT_SETTINGS);
  const edit = (host: string) => summary.changed(index.setFile(parseFile('file:///ws/se.yaml', serviceEntry(host))));
  edit('a.example.com');
  const sent: TrafficMap[] = [];
  let passes = 0;
  /** Runs `during` once, in the first pause of the next pass. */
  let during: (() => void) | undefined;
  const pause = () => {
    const run = during;
    during = undefined;
    run?.();
    return Promise.resolve();
  };
  const requests = new SummaryRequests(
    summary,
    pause,
    (s) => {
      passes++;
      sent.push(s);
    },
    (e) => assert.fail(String(e)),
  );
  return { requests, edit, sent, passes: () => passes, setDuring: (f: () => void) => (during = f) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

test('before any figures, the answer is empty and stale, and the first figures follow', async () => {
  const { requests, sent } = setup();
  const first = requests.answer();
  assert.equal(first.stale, true);
  assert.deepEqual(first.hosts, []);
  await settle();
  assert.deepEqual(
    sent.map((s) => [s.hosts, s.stale]),
    [[['a.example.com'], undefined]],
  );
  // Current now: answered with them, and no pass runs.
  assert.deepEqual(requests.answer().hosts, ['a.example.com']);
  assert.equal(requests.answer().stale, undefined);
  await settle();
  assert.equal(sent.length, 1);
});

test('after a change the last figures are answered, stale; a request during the pass that a change overtakes gets one more pass', async () => {
  const { requests, edit, sent, passes, setDuring } = setup();
  requests.answer();
  await settle();
  edit('b.example.com');
  // During the pass: another change, and the status bar asks again.
  setDuring(() => {
    edit('c.example.com');
    const meanwhile = requests.answer();
    assert.equal(meanwhile.stale, true);
  });
  const answer = requests.answer();
  assert.deepEqual([answer.hosts, answer.stale], [['a.example.com'], true]);
  await settle();
  assert.equal(passes(), 3, 'the first figures, the pass the second change overtook, one more');
  assert.equal(sent[1].stale, true);
  assert.deepEqual([sent[2].hosts, sent[2].stale], [['c.example.com'], undefined]);
});

test('a pass that a change overtakes with nobody asking is not repeated', async () => {
  const { requests, edit, sent, passes, setDuring } = setup();
  requests.answer();
  await settle();
  edit('b.example.com');
  setDuring(() => edit('c.example.com'));
  requests.answer();
  await settle();
  assert.equal(passes(), 2);
  assert.equal(sent[1].stale, true, 'sent as stale: the status bar asks again after the change’s workspace-changed notification');
});

/** Many ServiceEntries in one namespace each: a workspace whose first pass pauses many times. */
function largeWorkspace(files: number) {
  const index = new WorkspaceIndex();
  const uri = (i: number) => `file:///ws/se-${i}.yaml`;
  for (let i = 0; i < files; i++) index.setFile(parseFile(uri(i), serviceEntry(`host-${i}.example.com`)));
  const summary = new PathSummary(index, DEFAULT_SETTINGS);
  return { index, summary, edit: (i: number, host: string) => summary.changed(index.setFile(parseFile(uri(i), serviceEntry(host)))) };
}

test('while edits and re-checks never stop, a pass still ends and sends fresh figures', async () => {
  const { summary, edit } = largeWorkspace(40);
  summary.summary();
  const sent: TrafficMap[] = [];
  // Every step's slice is used up at once, and something is always busy.
  const requests = new SummaryRequests(
    summary,
    summaryPause(
      new Slices(undefined, 0),
      undefined,
      () => false,
      () => true,
    ),
    (s) => sent.push(s),
    (e) => assert.fail(String(e)),
  );
  edit(7, 'renamed.example.com');
  assert.equal(requests.answer().stale, true);
  const deadline = Date.now() + 5000;
  while (sent.length === 0 && Date.now() < deadline) await settle();
  assert.equal(sent.length, 1, 'the figures came');
  assert.equal(sent[0].stale, undefined);
  assert.ok(sent[0].hosts.includes('renamed.example.com'));
  assert.ok(!sent[0].hosts.includes('host-7.example.com'));
});

test('a pass waits while the start-up scan runs, then goes on', async () => {
  const { summary } = largeWorkspace(3);
  let scanning = true;
  const pause = summaryPause(
    new Slices(undefined, 0),
    undefined,
    () => scanning,
    () => false,
  );
  let done = false;
  void summary.summarize(pause).then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(done, false, 'no figures while the scan runs');
  scanning = false;
  const deadline = Date.now() + 5000;
  while (!done && Date.now() < deadline) await settle();
  assert.equal(done, true);
  assert.equal(summary.latest()?.summary.hosts.length, 3);
});
