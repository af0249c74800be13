import { test } from 'node:test';
import { gatewayPassthroughHttp } from './gateway-passthrough-http';
import { checkFixture } from './fixture-harness';

test('gateway-passthrough-http: PASSTHROUGH on an HTTP server is flagged and the protocol fixed to TLS; redirects and TLS servers stay silent', () => {
  checkFixture(gatewayPassthroughHttp, 'passthrough-on-http');
});
