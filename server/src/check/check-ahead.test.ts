/**
 * Checking files while a workspace loads gives the findings of a check after the load: a document
 * checked before a later file defines what it reads is checked again, and only while the loader waits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../parse/parse';
import { WorkspaceIndex } from '../index/workspace-index';
import { DEFAULT_SETTINGS } from '../settings';
import { loadSchemaStore } from '../node/schemas';
import { Checker } from './checker';
import { CheckAhead } from './check-ahead';
import { WarmUp } from './warm-up';
import { celWarmUpSteps, ruleExpressions } from '../schema/cel';

const ROUTE = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts: [reviews.shop.svc.cluster.local]
  http:
  - route:
    - destination:
        host: reviews.shop.svc.cluster.local
        subset: v1
`;
const SUBSETS = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: shop
spec:
  host: reviews.shop.svc.cluster.local
  subsets: [{name: v1, labels: {version: v1}}]
`;
const SERVICE = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: payments
  namespace: shop
spec:
  hosts: [api.payments.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
`;

const codes = (checker: Checker, uri: string) => checker.findings(uri).map((f) => f.code);
const always = () => true;
const pause = () => Promise.resolve();

test('a document checked before the file defining its subset was loaded is checked again: the findings are those of a check after the load', async () => {
  const index = new WorkspaceIndex();
  const checker = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS);
  const ahead = new CheckAhead(index, () => checker);
  ahead.changed(index.setFile(parseFile('file:///ws/a-route.yaml', ROUTE)));
  ahead.changed(index.setFile(parseFile('file:///ws/b-external.yaml', SERVICE)));
  await ahead.whileWaiting(always, pause);
  assert.equal(checker.checkedDocuments, 2, 'both documents loaded so far are checked ahead');
  assert.ok(codes(checker, 'file:///ws/a-route.yaml').includes('vs-unknown-subset'), 'before the DestinationRule is loaded, subset v1 is unknown');

  ahead.changed(index.setFile(parseFile('file:///ws/c-subsets.yaml', SUBSETS)));
  await ahead.whileWaiting(always, pause);
  const after = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS, undefined, { once: true });
  for (const uri of ['file:///ws/a-route.yaml', 'file:///ws/b-external.yaml', 'file:///ws/c-subsets.yaml']) {
    assert.deepEqual(checker.findings(uri), after.findings(uri), uri);
  }
  assert.ok(!codes(checker, 'file:///ws/a-route.yaml').includes('vs-unknown-subset'), 'the route was checked again with its DestinationRule');
});

test('documents are checked only while the loader waits, one between pauses', async () => {
  const index = new WorkspaceIndex();
  const checker = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS);
  const ahead = new CheckAhead(index, () => checker);
  ahead.changed(index.setFile(parseFile('file:///ws/a.yaml', `${ROUTE}---\n${SUBSETS}---\n${SERVICE}`)));
  let waiting = true;
  let pauses = 0;
  await ahead.whileWaiting(
    () => waiting,
    () => {
      pauses++;
      waiting = false;
      return Promise.resolve();
    },
  );
  assert.equal(pauses, 1);
  assert.equal(checker.checkedDocuments, 1, 'one document, then the awaited file was ready');
  await ahead.whileWaiting(() => false, pause);
  assert.equal(checker.checkedDocuments, 1, 'nothing is checked when the loader does not wait');
  await ahead.whileWaiting(always, pause);
  assert.equal(checker.checkedDocuments, 3);
});

test('with a warm-up, the first document of each kind waits for its schema steps, one per pause, and the findings are the same', async () => {
  const index = new WorkspaceIndex();
  const store = loadSchemaStore();
  const checker = new Checker(index, store, DEFAULT_SETTINGS);
  const ahead = new CheckAhead(index, () => checker, new WarmUp(() => store));
  const billing = SERVICE.replace('name: payments', 'name: billing').replace('api.payments', 'api.billing');
  ahead.changed(index.setFile(parseFile('file:///ws/a.yaml', `${ROUTE}---\n${SUBSETS}---\n${SERVICE}---\n${billing}`)));
  const checkedAtPauses: number[] = [];
  // The first kind with CEL rules also sets up CEL, in steps of its own.
  const celSteps = celWarmUpSteps().length;
  assert.ok(celSteps > 1);
  await ahead.whileWaiting(always, () => {
    checkedAtPauses.push(checker.checkedDocuments);
    return Promise.resolve();
  });
  // Read the schema, hash it, load its validator, run it once, list its CEL rules, then one step per rule.
  const steps = (kind: string) => 5 + ruleExpressions(store.schemaFile(store.entry('networking.istio.io/v1', kind)!.file)).length;
  const expected = [
    ...Array<number>(steps('VirtualService') + celSteps).fill(0),
    1,
    ...Array<number>(steps('DestinationRule')).fill(1),
    2,
    ...Array<number>(steps('ServiceEntry')).fill(2),
    3,
    // The second ServiceEntry's kind is warm: it is checked at once; then the file is done.
    4,
    4,
  ];
  assert.deepEqual(checkedAtPauses, expected);
  const after = new Checker(index, loadSchemaStore(), DEFAULT_SETTINGS, undefined, { once: true });
  assert.deepEqual(checker.findings('file:///ws/a.yaml'), after.findings('file:///ws/a.yaml'));
});
