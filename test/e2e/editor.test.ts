/**
 * The packaged extension as a user meets it: istio-egress.vsix installed into code-server with
 * --install-extension, a scratch copy of test/fixtures/e2e-workspace opened in Chromium, and every
 * step done with the keyboard. Each test saves a screenshot in test/e2e/screenshots/.
 *
 *   node --test out/test/e2e/editor.test.js     (run.sh packages the extension first)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { copyFixtureWorkspace, type ScratchWorkspace } from '../extension/scratch-workspace';
import { startCodeServer, type CodeServer } from './code-server';
import { openWorkbench, type Workbench } from './workbench';

const ROOT = path.resolve(__dirname, '../../..');
const VSIX = process.env.ISTIO_EGRESS_VSIX || path.join(ROOT, 'istio-egress.vsix');
const SHOTS = path.join(ROOT, 'test', 'e2e', 'screenshots');

/**
 * Completion opens only on Ctrl+Space: a suggestion that pops up by itself while a test types
 * could swallow the next Enter or be accepted by a commit character.
 */
const COMPLETION_ON_REQUEST = {
  'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
  'editor.suggestOnTriggerCharacters': false,
};

let workspace: ScratchWorkspace | undefined;
let server: CodeServer | undefined;
let workbench: Workbench;

before(
  async () => {
    assert.ok(fs.existsSync(VSIX), `${path.relative(ROOT, VSIX)} is missing: run \`npm run package\` first`);
    workspace = copyFixtureWorkspace();
    server = await startCodeServer({ extensions: [VSIX], settings: COMPLETION_ON_REQUEST });
    workbench = await openWorkbench(server.url, workspace.folder);
  },
  { timeout: 300_000 },
);

after(async () => {
  await workbench?.close();
  await server?.stop();
  workspace?.remove();
});

/**
 * A test that, if it fails, saves what the page showed then as `<shot>-failed.png` and names that
 * file in its error, beside the step it was waiting for (workbench.ts words each step). The time
 * limit is a ceiling for a loaded machine; a passing test takes seconds.
 */
function uiTest(name: string, shot: string, body: () => Promise<void>): void {
  test(name, { timeout: 300_000 }, async () => {
    try {
      // Each test starts with no menu or widget open, whatever the test before it left.
      await workbench.step('closing what an earlier test left open', () => workbench.reset());
      await body();
    } catch (e) {
      const file = path.join(SHOTS, `${shot}-failed.png`);
      const saved = await workbench?.screenshot(file).then(
        () => true,
        () => false,
      );
      if (saved && e instanceof Error) e.message += `\n    screenshot: ${path.relative(ROOT, file)}`;
      throw e;
    }
  });
}

uiTest('shows the mistakes in the Problems panel and as squiggles', '1-problems', async () => {
  await workbench.openFile('broken.yaml');
  // The extension activates and its language server starts and indexes the workspace first, so the
  // first diagnostic has the largest budget of all steps.
  const row = await workbench.waitForProblem('MESH_EXTENAL', 180_000);
  assert.match(row, /istio-egress/);
  assert.match(row, /schema-enum/);
  await workbench.waitForProblem('DSN');
  await workbench.step('waiting for a squiggle in the editor', () =>
    workbench.page.locator('.editor-group-container.active .squiggly-error').first().waitFor({ timeout: workbench.timeout }),
  );
  await workbench.screenshot(path.join(SHOTS, '1-problems.png'));
});

uiTest('completes a resolution value after Ctrl+Space', '2-completion', async () => {
  await workbench.openFile('draft.yaml');
  await workbench.goTo((await workbench.find('location: MESH_EXTERNAL')).line);
  await workbench.page.keyboard.press('End');
  await workbench.page.keyboard.press('Enter');
  await workbench.page.keyboard.type('resolution: ');
  const labels = await workbench.complete('DNS_ROUND_ROBIN');
  for (const value of ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS']) assert.ok(labels.includes(value), `${value} not among ${labels.join(', ')}`);
  await workbench.screenshot(path.join(SHOTS, '2-completion.png'));

  await workbench.acceptSuggestion('DNS_ROUND_ROBIN');
  await workbench.waitForLine('resolution: DNS_ROUND_ROBIN');
  assert.match(await workbench.editorText(), /location: MESH_EXTERNAL\n {2}resolution: DNS_ROUND_ROBIN\n/);
});

uiTest('applies the did-you-mean quick fix with Ctrl+.', '3-quick-fix', async () => {
  await workbench.openFile('broken.yaml');
  // On the value: the quick fixes offered are those of the problems under the cursor.
  const at = await workbench.find('location: MESH_EXTENAL');
  await workbench.goTo(at.line, at.column + 'location: '.length);
  const titles = await workbench.quickFixes('Change to "MESH_EXTERNAL"');
  assert.ok(
    titles.some((t) => t.includes('Change to "MESH_EXTERNAL"')),
    `quick fixes: ${titles.join(', ')}`,
  );
  await workbench.screenshot(path.join(SHOTS, '3-quick-fix.png'));

  await workbench.applyQuickFix('Change to "MESH_EXTERNAL"');
  await workbench.waitForLine('location: MESH_EXTERNAL');
  assert.doesNotMatch(await workbench.editorText(), /location: MESH_EXTENAL/);
  // The fixed problem leaves the Problems panel; the other one stays.
  await workbench.waitForNoProblem('MESH_EXTENAL');
  await workbench.waitForProblem('DSN');
  await workbench.screenshot(path.join(SHOTS, '3-quick-fix-applied.png'));
});

uiTest('inserts a snippet by its prefix', '4-snippet', async () => {
  const { prefix, firstLine } = firstSnippet();
  await workbench.openFile('snippets.yaml');
  await workbench.page.keyboard.press('Control+End');
  await workbench.page.keyboard.type(prefix);
  const labels = await workbench.complete(prefix);
  assert.ok(labels.includes(prefix), `${prefix} not among ${labels.join(', ')}`);
  await workbench.acceptSuggestion(prefix);
  await workbench.waitForLine(firstLine);
  await workbench.screenshot(path.join(SHOTS, '4-snippet.png'));
  assert.doesNotMatch(await workbench.editorText(), new RegExp(`^${prefix}$`, 'm'));
});

uiTest('generates an egress bundle from the Command Palette, answering each prompt', '5-generate-bundle', async () => {
  await workbench.runCommand('Istio Egress: Generate Egress Bundle…');
  await workbench.answerInput('Generate Egress Bundle: external host', 'api.example.com');
  await workbench.choose('Generate Egress Bundle: mode', 'http');
  // The defaults from here on: port 80 for http, the workspace's most used namespace, the
  // configured egress gateway, the first API version (v1) and no extras.
  await workbench.answerInput('Generate Egress Bundle: port');
  const namespace = await workbench.choose('Generate Egress Bundle: application namespace');
  const gateway = await workbench.choose('Generate Egress Bundle: egress gateway');
  assert.equal(gateway, 'istio-egressgateway.istio-system.svc.cluster.local');
  assert.equal(await workbench.choose('Generate Egress Bundle: API version'), 'v1');
  await workbench.acceptChecked('Generate Egress Bundle: extras (optional)');
  await workbench.choose('Generate Egress Bundle: write to', 'New untitled document');

  await workbench.step('waiting for an untitled editor', () =>
    workbench.page.locator('.tab.active[aria-label*="Untitled"]').waitFor({ timeout: workbench.timeout }),
  );
  await workbench.waitForLine('# Generated by istio-egress: http egress for api.example.com.');
  await workbench.waitForNotification('generated 4 resources for api.example.com (http)');
  assert.match(await workbench.editorText(), new RegExp(`^kind: ServiceEntry\\n(.*\\n){2} {2}namespace: ${namespace}$`, 'm'));
  await workbench.reveal('kind: VirtualService');
  assert.match(await workbench.editorText(), /^ {2}- api\.example\.com$/m);
  await workbench.screenshot(path.join(SHOTS, '5-generate-bundle.png'));
});

uiTest('fixes a VirtualService that names a Gateway of another namespace from the light bulb', '6-cross-file-fix', async () => {
  await workbench.openFile('egress/routes.yaml');
  const row = await workbench.waitForProblem('vs-unknown-gateway');
  assert.match(row, /No Gateway "httpbin-egress-gateway" in namespace "shop"; it exists in "istio-system"/);
  const at = await workbench.find('- httpbin-egress-gateway');
  await workbench.goTo(at.line, at.column + '- '.length);
  const fix = 'Change to "istio-system/httpbin-egress-gateway"';
  const titles = await workbench.quickFixes(fix);
  assert.ok(
    titles.some((t) => t.includes(fix)),
    `quick fixes: ${titles.join(', ')}`,
  );
  await workbench.screenshot(path.join(SHOTS, '6-cross-file-fix.png'));

  await workbench.applyQuickFix(fix);
  await workbench.waitForLine('- istio-system/httpbin-egress-gateway');
  assert.doesNotMatch(await workbench.editorText(), /^ {2}- httpbin-egress-gateway$/m);
  await workbench.waitForNoProblem('vs-unknown-gateway');
  await workbench.screenshot(path.join(SHOTS, '6-cross-file-fix-applied.png'));
});

uiTest('routes a ServiceEntry through the egress gateway from the light bulb, asking what the action leaves open', '7-route-through-gateway', async () => {
  await workbench.openFile('egress/partner-api.yaml');
  const at = await workbench.find('- partner.example.com');
  await workbench.goTo(at.line, at.column + '- '.length);
  const action = 'Route through the egress gateway…';
  const titles = await workbench.quickFixes(action);
  assert.ok(
    titles.some((t) => t.includes(action)),
    `code actions: ${titles.join(', ')}`,
  );
  await workbench.applyQuickFix(action);
  // The ServiceEntry gives the host, mode, port and namespace; the gateway and extras are asked.
  assert.equal(await workbench.choose('Generate Egress Bundle: egress gateway'), 'istio-egressgateway.istio-system.svc.cluster.local');
  await workbench.acceptChecked('Generate Egress Bundle: extras (optional)');

  await workbench.waitForNotification('generated 3 resources for partner.example.com (http)');
  await workbench.reveal('kind: VirtualService');
  assert.match(await workbench.editorText(), /^ {2}name: direct-partner-example-com-through-egress-gateway$/m);
  await workbench.screenshot(path.join(SHOTS, '7-route-through-gateway.png'));
});

/**
 * The first YAML snippet the manifest contributes: its prefix, and its body's first line as the
 * editor shows it once inserted (placeholders replaced by their default text).
 */
function firstSnippet(): { prefix: string; firstLine: string } {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const contribution = (manifest.contributes?.snippets ?? []).find((s: { language: string }) => s.language === 'yaml');
  assert.ok(contribution, 'package.json contributes no snippets for yaml');
  const snippets: { prefix: string | string[]; body: string | string[] }[] = Object.values(
    JSON.parse(fs.readFileSync(path.join(ROOT, contribution.path), 'utf8')),
  );
  assert.ok(snippets.length > 0, `${contribution.path} holds no snippets`);
  const [snippet] = snippets;
  const body = [snippet.body].flat()[0];
  const firstLine = body
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\{?\d+\}?/g, '')
    .trim();
  return { prefix: [snippet.prefix].flat()[0], firstLine };
}
