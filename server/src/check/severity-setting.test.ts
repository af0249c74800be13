import { test } from 'node:test';
import assert from 'node:assert/strict';
import { severityProblems } from './severity-setting';
import { ANALYZERS } from '../analyzers/registry';

test('severity settings naming codes and rules istio-egress reports are accepted', () => {
  assert.deepEqual(
    severityProblems({ 'vs-unknown-host': 'off', 'schema-enum': 'warning', 'se-invalid/host-invalid': 'hint', 'vs-invalid': 'information' }, 's'),
    [],
  );
  assert.deepEqual(severityProblems(undefined, 's'), []);
});

test('an unknown code, an unknown rule and an unknown level are each reported, with the closest code', () => {
  assert.deepEqual(severityProblems({ 'vs-unknwn-host': 'off', 'se-invalid/no-such-rule': 'off', 'vs-unknown-gateway': 'critical' }, 'istioEgress.severity'), [
    'istioEgress.severity: "vs-unknwn-host" is not a code istio-egress reports (did you mean "vs-unknown-host"?); it is ignored.',
    'istioEgress.severity: "se-invalid/no-such-rule" is not a code istio-egress reports; it is ignored.',
    'istioEgress.severity: the level of "vs-unknown-gateway" must be one of error, warning, information, hint, off, not "critical"; it is ignored.',
  ]);
  assert.equal(severityProblems(['off'], 's').length, 1);
});

test('every analyzer with rules lists them, so its rule ids can be checked', () => {
  for (const a of ANALYZERS.filter((x) => x.ruleOf !== undefined)) assert.ok((a.rules?.length ?? 0) > 3, `${a.code} lists its rules`);
});
