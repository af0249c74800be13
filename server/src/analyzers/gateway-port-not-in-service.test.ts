import { test } from 'node:test';
import { gatewayPortNotInService } from './gateway-port-not-in-service';
import { checkFixture } from './fixture-harness';

test(
  'gateway-port-not-in-service: a server port the gateway Service lacks; ' + 'ports and targetPorts it has, and gateways installed elsewhere, stay silent',
  () => {
    checkFixture(gatewayPortNotInService, 'egress');
  },
);
