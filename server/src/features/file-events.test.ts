/**
 * The start-up scan stores a file it read ahead only if no watcher event touched it meanwhile
 * (otherwise a deleted file comes back, or a changed file gets its old text).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileEvents } from './file-events';

test('a file changed or deleted after its read started is not stored from that read', () => {
  const events = new FileEvents();
  const readStarted = events.now();
  events.record('file:///ws/a.yaml', false);
  events.record('file:///ws/b.yaml', true);
  assert.equal(events.touchedSince('file:///ws/a.yaml', readStarted), true, 'changed while read: the watcher has the newer text');
  assert.equal(events.touchedSince('file:///ws/b.yaml', readStarted), true, 'deleted while read: it must not come back');
  assert.equal(events.touchedSince('file:///ws/c.yaml', readStarted), false, 'an untouched file is stored');
  const later = events.now();
  assert.equal(events.touchedSince('file:///ws/a.yaml', later), false, 'a read started after the event is current');
});

test('deleting a folder touches every file below it, and only those', () => {
  const events = new FileEvents();
  const readStarted = events.now();
  events.record('file:///ws/conf', true);
  assert.equal(events.touchedSince('file:///ws/conf/egress/se.yaml', readStarted), true);
  assert.equal(events.touchedSince('file:///ws/config.yaml', readStarted), false, 'a sibling whose name only starts the same');
  events.clear();
  assert.equal(events.touchedSince('file:///ws/conf/egress/se.yaml', readStarted), false, 'cleared after the scan');
});
