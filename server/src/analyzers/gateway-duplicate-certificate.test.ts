import { test } from 'node:test';
import { gatewayDuplicateCertificate } from './gateway-duplicate-certificate';
import { checkFixture } from './fixture-harness';

test(
  'gateway-duplicate-certificate: the same credentialName on a Gateway whose selector covers another, ' + 'as IST0138; distinct or no certificates stay silent',
  () => {
    checkFixture(gatewayDuplicateCertificate, 'credentials');
  },
);
