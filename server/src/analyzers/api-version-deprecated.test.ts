import { test } from 'node:test';
import { apiVersionDeprecated } from './api-version-deprecated';
import { checkFixture } from './fixture-harness';

test('api-version-deprecated: v1alpha3 and v1beta1 flagged and fixed to v1, keeping quotes and comments', () => {
  checkFixture(apiVersionDeprecated, 'older-versions');
});
