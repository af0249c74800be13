import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vsHttpOnTcpPort } from './vs-http-on-tcp-port';
import { checkFixture } from './fixture-harness';

// Follows pilot/pkg/networking/core/listener.go buildSidecarOutboundListener: a port whose protocol
// ModelProtocolToListenerProtocol maps to ListenerProtocolTCP gets only buildSidecarOutboundTCPListenerOpts,
// which reads tcp and tls rules; gateway servers of protocol TCP likewise get TCP filter chains.
test('vs-http-on-tcp-port: http rules on TCP ServiceEntry ports and TCP gateway servers are ignored', () => {
  const findings = checkFixture(vsHttpOnTcpPort, 'tcp-ports');
  assert.deepEqual(
    findings.map((f) => f.severity),
    ['error', 'error', 'error', 'warning', 'warning'],
  );
  assert.match(findings[0].message, /goes straight out instead of through "egress-gateway\.egress\.svc\.cluster\.local"/, 'a workspace egress gateway counts');
  assert.match(findings[1].message, /Gateway "egress-gateway" serves port 5432 of db\.example\.com as TCP/);
  assert.match(findings[2].message, /instead of through "istio-egressgateway\.istio-system\.svc\.cluster\.local"/);
  assert.match(findings[4].message, /this http rule is never applied; the tcp rules of this VirtualService carry that traffic/, 'tcp rules carry the port');
  assert.doesNotMatch(findings[4].message, /straight out|no route/);
});
