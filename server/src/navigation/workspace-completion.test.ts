/**
 * Completion of a Sidecar's egress hosts and of a DestinationRule's port-level ports. A Sidecar entry
 * is `namespace/host` with the host as the registry names it (pilot/pkg/model/sidecar.go
 * `selectServices` matches the namespace where the service is declared and its hostname, so a Service
 * is named by its FQDN), offered only for services the Sidecar's namespace sees (push_context.go
 * `IsServiceVisible`), every service for the root namespace's Sidecar, which applies everywhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { workspaceCompletions } from './completion';

const FILES: Record<string, string> = {
  'file:///ws/shop.yaml': `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: shop
spec:
  ports:
  - name: http
    port: 9080
---
apiVersion: v1
kind: Service
metadata:
  name: internal
  namespace: shop
  annotations:
    networking.istio.io/exportTo: "."
spec:
  ports:
  - port: 80
`,
  'file:///ws/egress.yaml': `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: cnn
  namespace: front
spec:
  hosts:
  - edition.cnn.com
  ports:
  - number: 80
    name: http
    protocol: HTTP
  - number: 443
    name: tls
    protocol: TLS
  resolution: DNS
`,
};

function completeIn(text: string): string[] {
  const index = new WorkspaceIndex();
  for (const [uri, t] of Object.entries(FILES)) index.setFile(parseFile(uri, t));
  const file = parseFile('file:///ws/new.yaml', text.replace('|', ''));
  index.setFile(file);
  return workspaceCompletions(file, text.indexOf('|'), { index, settings: DEFAULT_SETTINGS }).map((c) => `${c.label} — ${c.detail}`);
}

const sidecar = (namespace: string, entries: string) =>
  `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: ${namespace}\nspec:\n  egress:\n  - hosts:\n${entries}`;

test('a Sidecar egress entry completes as namespace/host for the services its namespace sees, "." for its own', () => {
  assert.deepEqual(completeIn(sidecar('front', '    - istio-system/*\n    - |\n')), [
    './edition.cnn.com — ServiceEntry front/cnn',
    'shop/reviews.shop.svc.cluster.local — Service shop/reviews',
  ]);
  assert.deepEqual(completeIn(sidecar('shop', '    - |\n')), [
    'front/edition.cnn.com — ServiceEntry front/cnn',
    './reviews.shop.svc.cluster.local — Service shop/reviews',
    './internal.shop.svc.cluster.local — Service shop/internal',
  ]);
  // The root namespace's Sidecar without a workload selector applies to every namespace's workloads.
  assert.deepEqual(completeIn(sidecar('istio-system', '    - |\n')), [
    'front/edition.cnn.com — ServiceEntry front/cnn',
    'shop/reviews.shop.svc.cluster.local — Service shop/reviews',
    'shop/internal.shop.svc.cluster.local — Service shop/internal',
  ]);
});

test('a DestinationRule port-level policy completes the ports declared for its host', () => {
  const dr = (host: string, policy: string) =>
    `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: d\n  namespace: shop\nspec:\n  host: ${host}\n${policy}`;
  const portLevel = '  trafficPolicy:\n    portLevelSettings:\n    - port:\n        number: |\n';
  assert.deepEqual(completeIn(dr('edition.cnn.com', portLevel)), [
    '80 — port of ServiceEntry front/cnn (http, HTTP)',
    '443 — port of ServiceEntry front/cnn (tls, TLS)',
  ]);
  // A short host is the Service of the rule's namespace; a subset's policy is port-level too.
  assert.deepEqual(completeIn(dr('reviews', `  subsets:\n  - name: v1\n  ${portLevel.replace(/\n(?!$)/g, '\n  ')}`)), [
    '9080 — port of Service shop/reviews (http)',
  ]);
});
