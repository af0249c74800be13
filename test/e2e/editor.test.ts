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

/** The traffic map view's page: the webview's own iframe inside the workbench's. */
function mapView() {
  return workbench.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** Picks a colour theme with "Preferences: Color Theme", and waits until the workbench and the map view wear it. */
async function useTheme(theme: string, workbenchClass: string, viewClass: string): Promise<void> {
  await workbench.runCommand('Preferences: Color Theme');
  await workbench.step(`picking the ${theme} theme`, async () => {
    const input = workbench.page.locator('.quick-input-widget input[placeholder*="Color Theme"]');
    await input.waitFor({ timeout: workbench.timeout });
    await input.fill(theme);
    await workbench.pick('.quick-input-widget', workbench.page.locator('.label-name', { hasText: new RegExp(`^\\s*${theme}\\s*$`) }));
    await workbench.page.locator(`.monaco-workbench.${workbenchClass}`).waitFor({ timeout: workbench.timeout });
    await mapView().locator(`body.${viewClass}`).waitFor({ timeout: workbench.timeout });
  });
}

/** Hides the bottom panel (Ctrl+J toggles it), so that the map has the height of the window. */
async function hidePanel(): Promise<void> {
  const panel = workbench.page.locator('.part.panel');
  if (!(await panel.isVisible())) return;
  await workbench.page.keyboard.press('Control+J');
  await workbench.step('hiding the panel (Ctrl+J)', () => panel.waitFor({ state: 'hidden', timeout: workbench.timeout }));
}

/**
 * Closes the map and joins the editor groups into one again: the other tests expect a single group
 * whose active tab is a text editor.
 */
async function closeMap(): Promise<void> {
  await workbench.step('closing the map', async () => {
    const tab = workbench.page.locator('.tab[aria-label*="Egress Traffic Map"]');
    // A middle click closes a tab, as in a browser.
    await tab.click({ button: 'middle' });
    await tab.waitFor({ state: 'detached', timeout: workbench.timeout });
  });
  await workbench.runCommand('View: Single Column Editor Layout');
  await workbench.step('waiting for one editor group', () =>
    workbench.page.locator('.editor-group-container').nth(1).waitFor({ state: 'detached', timeout: workbench.timeout }),
  );
}

uiTest("shows the egress traffic map from the status bar, in light, high-contrast and dark themes, and opens a node's YAML", '8-traffic-map', async () => {
  const item = workbench.page.locator('.statusbar-item', { hasText: /ALLOW_ANY|REGISTRY_ONLY/ }).filter({ hasText: /hosts/ });
  await workbench.step('waiting for the status bar to show the outbound policy and counts', () => item.first().waitFor({ timeout: workbench.timeout }));
  assert.match(await item.first().innerText(), /(ALLOW_ANY|REGISTRY_ONLY) · \d+ hosts · \d+ findings?$/);
  await workbench.step('opening the map from the status bar', () => item.first().click());

  const view = mapView();
  const node = (id: string) => view.locator(`g[data-node="${id}"]`);
  await workbench.step('waiting for the map to draw the egress gateway path of httpbin.example.com', async () => {
    await node('host:httpbin.example.com').waitFor({ timeout: workbench.timeout });
    await node('gateway:istio-egressgateway.istio-system.svc.cluster.local').waitFor({ timeout: workbench.timeout });
  });
  const edges = await view.locator('g[data-edge]').evaluateAll((els) => els.map((e) => e.getAttribute('data-edge')));
  for (const edge of [
    'namespace:shop->sidecar:shop',
    'sidecar:shop->gateway:istio-egressgateway.istio-system.svc.cluster.local',
    'gateway:istio-egressgateway.istio-system.svc.cluster.local->host:httpbin.example.com',
    'sidecar:egress->host:api.github.com',
  ])
    assert.ok(edges.includes(edge), `${edge} not among ${edges.join(', ')}`);
  assert.match(await view.locator('#summary').innerText(), /Outbound policy (ALLOW_ANY|REGISTRY_ONLY) .* external hosts/);

  await hidePanel();
  await useTheme('Light Modern', 'vs', 'vscode-light');
  await workbench.screenshot(path.join(SHOTS, '8-traffic-map-light.png'));
  await useTheme('Dark High Contrast', 'hc-black', 'vscode-high-contrast');
  await workbench.screenshot(path.join(SHOTS, '8-traffic-map-high-contrast.png'));
  await useTheme('Dark Modern', 'vs-dark', 'vscode-dark');
  await workbench.screenshot(path.join(SHOTS, '8-traffic-map-dark.png'));

  // The host filter keeps the paths to matching hosts.
  await workbench.step('filtering the map by host', async () => {
    await view.locator('#host').fill('httpbin');
    await view.locator('#host').press('Enter');
    await node('host:api.github.com').waitFor({ state: 'detached', timeout: workbench.timeout });
  });
  assert.equal(await node('host:httpbin.example.com').count(), 1);

  await workbench.step('clicking the host to open its ServiceEntry beside the map', async () => {
    await node('host:httpbin.example.com').click();
    await workbench.page.locator('.tab.active[aria-label*="routes.yaml"]').waitFor({ timeout: workbench.timeout });
  });
  await workbench.waitForLine('name: httpbin');
  await closeMap();
});

uiTest('a code lens opens the map on its host', '9-lens-map', async () => {
  await workbench.openFile('egress/partner-api.yaml');
  await workbench.goTo(1);
  const lens = workbench.page
    .locator('.editor-group-container.active .codelens-decoration a', { hasText: 'partner.example.com:80:' })
    .filter({ visible: true });
  await workbench.step('waiting for the egress path lens', () => lens.first().waitFor({ timeout: workbench.timeout }));
  await workbench.step('clicking the lens', () => lens.first().click());
  const view = mapView();
  await workbench.step('waiting for the map to show only partner.example.com', async () => {
    await view.locator('g[data-node="host:partner.example.com"]').waitFor({ timeout: workbench.timeout });
    await view.locator('g[data-node="host:httpbin.example.com"]').waitFor({ state: 'detached', timeout: workbench.timeout });
  });
  assert.equal(await view.locator('#host').inputValue(), 'partner.example.com');
  await workbench.screenshot(path.join(SHOTS, '9-lens-map.png'));
  await closeMap();
});

uiTest('follows a gateway reference to another file with F12 and renames the Gateway there with F2', '10-definition-rename', async () => {
  await workbench.openFile('egress/routes.yaml');
  // From the top, so that find() counts lines from the first.
  await workbench.goTo(1);
  const at = await workbench.find('- istio-system/httpbin-egress-gateway');
  await workbench.goTo(at.line, at.column + '- istio-system/'.length + 2);
  await workbench.step('going to the definition (F12)', () =>
    workbench.untilShown(
      () => workbench.page.keyboard.press('F12'),
      workbench.page.locator('.tab.active[aria-label*="gateway.yaml"]'),
      async () => {},
    ),
  );
  await workbench.waitForLine('name: httpbin-egress-gateway');
  await workbench.goTo(1);
  const name = await workbench.find('name: httpbin-egress-gateway');
  await workbench.goTo(name.line, name.column + 'name: '.length + 2);
  await workbench.step('renaming the Gateway (F2)', async () => {
    const input = workbench.page.locator('.rename-box input');
    await workbench.untilShown(
      () => workbench.page.keyboard.press('F2'),
      input,
      () => workbench.page.keyboard.press('Escape'),
    );
    await input.fill('httpbin-egress');
    await workbench.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: workbench.timeout });
  });
  // Not a prefix of the old name: the line must end there (the editor shows spaces as no-break spaces).
  await workbench.waitForLine(/name:\s+httpbin-egress$/);
  assert.match(await workbench.editorText(), /^ {2}name: httpbin-egress$/m);
  await workbench.screenshot(path.join(SHOTS, '10-rename.png'));
  // The routes in the other file follow, in every form they name the Gateway.
  await workbench.openFile('egress/routes.yaml');
  await workbench.goTo(1);
  await workbench.waitForLine(/istio-system\/httpbin-egress$/);
  const routes = await workbench.editorText();
  assert.match(routes, /^ {2}- istio-system\/httpbin-egress$/m);
  assert.match(routes, /^ {6}- istio-system\/httpbin-egress$/m);
  await workbench.waitForNoProblem('vs-unknown-gateway');
});

/**
 * The first egress snippet: its prefix, and its body's first line as the editor shows it once
 * inserted (placeholders replaced by their default text).
 */
function firstSnippet(): { prefix: string; firstLine: string } {
  const file = path.join(ROOT, 'snippets', 'egress.code-snippets');
  const snippets: { prefix: string | string[]; body: string | string[] }[] = Object.values(JSON.parse(fs.readFileSync(file, 'utf8')));
  assert.ok(snippets.length > 0, `${path.relative(ROOT, file)} holds no snippets`);
  const [snippet] = snippets;
  const body = [snippet.body].flat()[0];
  const firstLine = body
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\{?\d+\}?/g, '')
    .trim();
  return { prefix: [snippet.prefix].flat()[0], firstLine };
}
