import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vsWildcardOnlyHost } from './vs-wildcard-only-host';
import { checkFixture } from './fixture-harness';

test(
  'vs-wildcard-only-host: a route to www.wikipedia.org that only the wildcard ServiceEntry *.wikipedia.org defines has no cluster ' +
    '(route.go GetDestinationCluster names it after the host as written); the wildcard itself, exact hosts and mirrors are silent',
  () => {
    const [finding, ...rest] = checkFixture(vsWildcardOnlyHost, 'wikipedia');
    assert.deepEqual(rest, []);
    assert.equal(finding.severity, 'error');
    assert.equal(
      finding.message,
      'No ServiceEntry or Service visible from namespace "default" (assumed: metadata.namespace is not set) ' +
        'defines host "www.wikipedia.org" exactly: only the wildcard ServiceEntry "wikipedia" (host "*.wikipedia.org") covers it. ' +
        'Istio builds a cluster for the wildcard only, not for "www.wikipedia.org", so this route has no cluster ' +
        'and connections are closed (no cluster, NC). Add a ServiceEntry for the exact host "www.wikipedia.org".',
    );
    assert.deepEqual(
      finding.related?.map((r) => r.message),
      ["Wildcard ServiceEntry covering www.wikipedia.org: its cluster is not this route's"],
    );
  },
);
