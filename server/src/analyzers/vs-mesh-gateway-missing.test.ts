import { test } from 'node:test';
import { vsMeshGatewayMissing } from './vs-mesh-gateway-missing';
import { checkFixture } from './fixture-harness';

test(
  'vs-mesh-gateway-missing: a mesh rule in a VirtualService bound only to the gateway is flagged once and mesh ' +
    'added; mesh-bound VirtualServices stay silent',
  () => {
    checkFixture(vsMeshGatewayMissing, 'mesh-not-bound');
  },
);
