/**
 * VS Code's workbench in Debian's headless Chromium, driven by playwright-core the way a user drives
 * it: keyboard shortcuts, Quick Open, the Problems panel, the suggest and code action widgets.
 * Every step waits for something to appear on the page; none sleeps. Starting code-server is
 * code-server.ts's business.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserServer, Locator, Page } from 'playwright-core';
import { TOOLS, workbenchUrl } from './code-server';
import { end, track } from './process-groups';

const ROOT = path.resolve(__dirname, '../../..');
const CHROMIUM = process.env.ISTIO_EGRESS_E2E_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Every host name but 127.0.0.1 fails to resolve: the page can reach code-server and nothing else.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** The project's playwright-core when `npm ci` installed it, else the one install.sh put in TOOLS. */
function playwright(): typeof import('playwright-core') {
  // playwright-core lives in the tool cache, not in node_modules, so it is resolved at run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve('playwright-core', { paths: [ROOT, path.join(TOOLS, 'driver')] }));
}

export interface Chromium {
  page: Page;
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1400, height: 900 }): Promise<Chromium> {
  // Chromium keeps its config and cache in a temp folder, so $HOME stays clean.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-chromium-'));
  const { chromium } = playwright();
  let server: BrowserServer | undefined;
  let browser: Browser;
  try {
    // A browser server rather than launch(): only a server tells the browser's process id.
    server = await chromium.launchServer({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      env: { ...process.env, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home },
    });
    // Playwright starts the browser as the leader of its own process group.
    track(server.process().pid!);
    browser = await chromium.connect(server.wsEndpoint());
  } catch (e) {
    await server?.close();
    fs.rmSync(home, { recursive: true, force: true });
    throw e;
  }
  const pgid = server.process().pid!;
  const page = await (await browser.newContext({ viewport })).newPage();
  return {
    page,
    async close() {
      await browser.close().catch(() => {});
      await server.close().catch(() => {});
      await end(pgid, 1000);
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Opens the workbench on `folder` in a fresh Chromium and waits until it is drawn. */
export async function openWorkbench(url: string, folder: string): Promise<Workbench> {
  const chromium = await launchChromium();
  try {
    await chromium.page.goto(workbenchUrl(url, folder));
    await chromium.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  } catch (e) {
    await chromium.close();
    throw e;
  }
  return new Workbench(chromium);
}

/** A label that matches exactly, not as a substring ("DNS" must not pick "DNS_ROUND_ROBIN"). */
function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

/** A failed step of a UI test, named after what it was waiting for; steps inside steps read outer › inner. */
export class StepError extends Error {
  constructor(
    readonly steps: string[],
    readonly cause: unknown,
  ) {
    super(`while ${steps.join(' › ')}: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`);
  }
}

export class Workbench {
  readonly page: Page;
  /**
   * How long one step may wait for the workbench. A ceiling, not a sleep: steps end as soon as what
   * they wait for shows. It is generous because a loaded 2-core machine can stall the workbench,
   * the extension host and the language server for many seconds at a time.
   */
  timeout = 60_000;

  constructor(private readonly chromium: Chromium) {
    this.page = chromium.page;
  }

  /** Runs one step; if it fails, the error names the step (and the steps it ran inside). */
  async step<T>(what: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (e) {
      throw e instanceof StepError ? new StepError([what, ...e.steps], e.cause) : new StepError([what], e);
    }
  }

  /**
   * Makes a gesture (a key press that opens a widget) until `shown` is visible. On a busy machine a key
   * press can land before the editor is ready to act on it, or a menu can open before the language
   * server has answered, so each attempt waits a little longer than the last, `undo` closes whatever
   * the attempt left open, and the gesture is made again until the step's budget runs out.
   */
  async untilShown(
    gesture: () => Promise<void>,
    shown: Locator,
    undo: () => Promise<void>,
    budget = this.timeout,
    instead?: () => Promise<string>,
  ): Promise<void> {
    const deadline = Date.now() + budget;
    for (let attempt = 1, wait = 3000; ; attempt++, wait = Math.round(wait * 1.5)) {
      await gesture();
      const left = deadline - Date.now();
      if (
        await shown
          .first()
          .waitFor({ timeout: Math.max(500, Math.min(wait, left)) })
          .then(
            () => true,
            () => false,
          )
      )
        return;
      const giveUp = Date.now() >= deadline;
      // What showed instead, read before the attempt is undone.
      const seen = giveUp && instead ? `; ${await instead().catch(() => 'nothing could be read')}` : '';
      // Whatever the last attempt opened is closed even when giving up, so it cannot take the focus from the next test.
      await undo();
      if (giveUp) throw new Error(`${shown.toString()} did not show after ${attempt} attempt(s) in ${Math.round(budget / 1000)} s${seen}`);
    }
  }

  /**
   * Runs a sequence of gestures (open a widget, type, pick a row) until it goes through. A widget can
   * close under the test's hands while the workbench is busy (focus moves to a menu that opened late),
   * so a failed attempt is undone and the whole sequence is made again, each time with a longer limit
   * per step, until the budget is spent; then the last attempt's error is thrown.
   */
  async retrying(attempt: (limit: number) => Promise<void>, undo: () => Promise<void>, budget = this.timeout): Promise<void> {
    const deadline = Date.now() + budget;
    for (let limit = 5000; ; limit = Math.round(limit * 1.5)) {
      try {
        await attempt(Math.max(1000, Math.min(limit, deadline - Date.now())));
        return;
      } catch (e) {
        await undo();
        if (Date.now() >= deadline) throw e;
      }
    }
  }

  /** Closes whatever menu, widget or Quick Open a test may have left open, and puts the focus back in the editor area. */
  async reset(): Promise<void> {
    for (let i = 0; i < 3; i++) await this.page.keyboard.press('Escape');
    await this.page.locator('.quick-input-widget input').waitFor({ state: 'hidden', timeout: this.timeout });
  }

  /** Opens a workspace file through Quick Open (Ctrl+P). */
  async openFile(relativePath: string): Promise<void> {
    const name = path.basename(relativePath);
    await this.step(`opening ${relativePath} with Quick Open`, async () => {
      const input = this.page.locator('.quick-input-widget input');
      await this.retrying(
        async (limit) => {
          await this.page.keyboard.press('Control+P');
          await input.waitFor({ timeout: limit });
          await input.fill(relativePath, { timeout: limit });
          await this.pick('.quick-input-widget', this.page.locator('.label-name', { hasText: exactly(name) }), limit);
        },
        () => this.page.keyboard.press('Escape'),
      );
      await this.page.locator(`.tab.active[aria-label*="${name}"]`).waitFor({ timeout: this.timeout });
    });
    await this.focusEditor();
  }

  /** Moves the keyboard focus into the active editor. */
  async focusEditor(): Promise<void> {
    await this.step('focusing the editor (Ctrl+1)', () =>
      this.untilShown(
        () => this.page.keyboard.press('Control+1'),
        this.page.locator('.editor-instance .monaco-editor.focused'),
        async () => {},
      ),
    );
  }

  /** Puts the cursor at a 1-based line and column of the active editor (Go to Line, Ctrl+G). */
  async goTo(line: number, column = 1): Promise<void> {
    await this.focusEditor();
    await this.step(`going to ${line}:${column} (Ctrl+G)`, async () => {
      const input = this.page.locator('.quick-input-widget input');
      await this.retrying(
        async (limit) => {
          await this.page.keyboard.press('Control+G');
          await input.waitFor({ timeout: limit });
          await input.fill(`:${line}:${column}`, { timeout: limit });
          await this.page.keyboard.press('Enter');
          await input.waitFor({ state: 'hidden', timeout: limit });
        },
        () => this.page.keyboard.press('Escape'),
      );
      await this.page.locator('.editor-instance .monaco-editor.focused').first().waitFor({ timeout: this.timeout });
    });
  }

  /** Where `text` first occurs in the active editor: 1-based line and column, as goTo() takes them. */
  async find(text: string): Promise<{ line: number; column: number }> {
    const lines = (await this.editorText()).split('\n');
    const i = lines.findIndex((l) => l.includes(text));
    if (i < 0) throw new Error(`"${text}" is not in the active editor`);
    return { line: i + 1, column: lines[i].indexOf(text) + 1 };
  }

  /**
   * The text of the active editor. Monaco draws only the visible lines and reuses their elements,
   * so they are put in order by position; the fixture files are short enough to be all visible.
   */
  async editorText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line');
    // The callback runs in the page; its elements are typed loosely, as the project's TypeScript has no DOM library.
    const rows = await lines.evaluateAll((els: { style: { top: string }; innerText: string }[]) =>
      els.map((e) => [parseFloat(e.style.top) || 0, e.innerText] as const),
    );
    return rows
      .sort((a, b) => a[0] - b[0])
      .map((r) => r[1].replace(/\u00a0/g, ' '))
      .join('\n');
  }

  /** Waits until the active editor shows a line containing `text`, or matching it. */
  async waitForLine(text: string | RegExp): Promise<void> {
    await this.step(`waiting for the editor to show "${String(text)}"`, () =>
      this.page.locator('.editor-group-container.active .view-line', { hasText: text }).first().waitFor({ timeout: this.timeout }),
    );
  }

  /** Waits until the Problems panel (Ctrl+Shift+M) lists a problem containing `text`; returns the row's text. */
  async waitForProblem(text: string | RegExp, timeout = this.timeout): Promise<string> {
    return this.step(`waiting for the Problems panel to list "${String(text)}"`, async () => {
      await this.showProblems();
      const row = this.page.locator('.markers-panel .monaco-list-row', { hasText: text }).first();
      await row.waitFor({ timeout });
      return row.innerText();
    });
  }

  /** Waits until the Problems panel lists no problem containing `text`. */
  async waitForNoProblem(text: string | RegExp): Promise<void> {
    await this.step(`waiting for the Problems panel to drop "${String(text)}"`, async () => {
      await this.showProblems();
      await this.page.locator('.markers-panel .monaco-list-row', { hasText: text }).first().waitFor({ state: 'detached', timeout: this.timeout });
    });
  }

  private async showProblems(): Promise<void> {
    const panel = this.page.locator('.markers-panel');
    // Ctrl+Shift+M toggles the panel, so it is pressed again only while the panel is still hidden.
    const press = async () => {
      if (!(await panel.isVisible())) await this.page.keyboard.press('Control+Shift+M');
    };
    await this.untilShown(press, panel, async () => {});
  }

  /**
   * Opens completion at the cursor (Ctrl+Space) and returns the suggested labels, once they include
   * `expected`: until the language server has answered, the widget may show "Loading…", "No
   * suggestions" or only words of the file, so the gesture is repeated.
   */
  async complete(expected: string): Promise<string[]> {
    return this.step(`waiting for completion (Ctrl+Space) to offer "${expected}"`, async () => {
      await this.focusEditor();
      const widget = this.page.locator('.suggest-widget.visible');
      const row = widget.locator('.monaco-list-row', { has: this.page.locator('.label-name', { hasText: exactly(expected) }) });
      const offered = async () => `completion offered: ${(await widget.locator('.monaco-list-row .label-name').allInnerTexts()).join(', ') || 'nothing'}`;
      await this.untilShown(
        () => this.page.keyboard.press('Control+Space'),
        row,
        () => this.page.keyboard.press('Escape'),
        this.timeout,
        offered,
      );
      return widget.locator('.monaco-list-row .label-name').allInnerTexts();
    });
  }

  /** Accepts the open suggestion whose label is exactly `label`. */
  async acceptSuggestion(label: string): Promise<void> {
    await this.step(`accepting the suggestion "${label}"`, async () => {
      await this.pick('.suggest-widget.visible', this.page.locator('.label-name', { hasText: exactly(label) }));
      await this.page.locator('.suggest-widget.visible').waitFor({ state: 'hidden', timeout: this.timeout });
    });
  }

  /**
   * Opens the quick fixes at the cursor (Ctrl+.) and returns their titles, once one of them contains
   * `expected`. Until the editor has the diagnostic the fix belongs to, the menu may be missing it or
   * say "No code actions available", so the menu is closed and opened again.
   */
  async quickFixes(expected: string): Promise<string[]> {
    return this.step(`waiting for the Ctrl+. menu to offer "${expected}"`, async () => {
      const rows = this.page.locator('.action-widget .monaco-list-row.action');
      const offered = async () => `the menu offered: ${(await rows.allInnerTexts()).join(' | ') || 'nothing'}`;
      await this.untilShown(
        () => this.page.keyboard.press('Control+.'),
        rows.filter({ hasText: expected }),
        () => this.page.keyboard.press('Escape'),
        this.timeout,
        offered,
      );
      return rows.allInnerTexts();
    });
  }

  /** Applies the open quick fix titled `title`. */
  async applyQuickFix(title: string): Promise<void> {
    await this.step(`applying the quick fix "${title}"`, async () => {
      await this.pick('.action-widget', this.page.getByText(title, { exact: true }));
      await this.page.locator('.action-widget .monaco-list-row.action').first().waitFor({ state: 'hidden', timeout: this.timeout });
    });
  }

  /** Runs a command from the Command Palette (F1) by its label, such as "Istio Egress: Restart Language Server". */
  async runCommand(label: string): Promise<void> {
    await this.step(`running "${label}" from the Command Palette`, async () => {
      const input = this.page.locator('.quick-input-widget input');
      await this.retrying(
        async (limit) => {
          await this.page.keyboard.press('F1');
          await input.waitFor({ timeout: limit });
          await input.fill(`>${label}`, { timeout: limit });
          await this.pick('.quick-input-widget', this.page.locator('.label-name', { hasText: exactly(label) }), limit);
        },
        () => this.page.keyboard.press('Escape'),
      );
    });
  }

  /**
   * Waits for the input box titled `title`, types `text` over its value if given, and accepts it
   * with Enter. The title tells one question from the next, as they share one widget.
   */
  async answerInput(title: string, text?: string): Promise<void> {
    await this.step(`answering "${title}"`, async () => {
      await this.waitForQuickInput(title);
      if (text !== undefined) await this.page.locator('.quick-input-widget input').fill(text);
      await this.page.keyboard.press('Enter');
    });
  }

  /**
   * Waits for the quick pick titled `title` and accepts the row labelled `label` (typed into the
   * filter first), or without a label the row it focuses by default; returns the accepted label.
   */
  async choose(title: string, label?: string): Promise<string> {
    return this.step(`choosing ${label === undefined ? 'the default' : `"${label}"`} in "${title}"`, async () => {
      const widget = await this.waitForQuickPick(title);
      if (label !== undefined) {
        await widget.locator('input').first().fill(label);
        await this.pick('.quick-input-widget', this.page.locator('.label-name', { hasText: exactly(label) }));
        return label;
      }
      const focused = widget.locator('.monaco-list-row.focused .label-name').first();
      await focused.waitFor({ timeout: this.timeout });
      const chosen = await focused.innerText();
      await this.page.keyboard.press('Enter');
      return chosen;
    });
  }

  /** Waits for the multi-select quick pick titled `title` and accepts the rows checked by default. */
  async acceptChecked(title: string): Promise<void> {
    await this.step(`accepting "${title}"`, async () => {
      await this.waitForQuickPick(title);
      await this.page.keyboard.press('Enter');
    });
  }

  /** Waits for the quick pick titled `title` to list its rows: titles arrive first, and Enter needs a row. */
  private async waitForQuickPick(title: string): Promise<Locator> {
    await this.waitForQuickInput(title);
    const widget = this.page.locator('.quick-input-widget');
    await widget.locator('.monaco-list-row').first().waitFor({ timeout: this.timeout });
    return widget;
  }

  async waitForQuickInput(title: string): Promise<void> {
    await this.step(`waiting for the question "${title}"`, () =>
      this.page.locator('.quick-input-widget .quick-input-title', { hasText: exactly(title) }).waitFor({ timeout: this.timeout }),
    );
  }

  /** Waits for a notification toast containing `text`. */
  async waitForNotification(text: string): Promise<void> {
    await this.step(`waiting for a notification "${text}"`, () =>
      this.page.locator('.notification-toast', { hasText: text }).waitFor({ timeout: this.timeout }),
    );
  }

  /** Scrolls the active editor to the first occurrence of `text` with Find (Ctrl+F), then closes Find (and any notification toasts). */
  async reveal(text: string): Promise<void> {
    await this.focusEditor();
    await this.step(`revealing "${text}" with Find (Ctrl+F)`, async () => {
      const find = this.page.locator('.editor-group-container.active .find-widget.visible');
      await this.untilShown(
        () => this.page.keyboard.press('Control+F'),
        find,
        async () => {},
      );
      await this.page.keyboard.press('Control+A');
      await this.page.keyboard.type(text);
      await this.page.keyboard.press('Enter');
      await this.waitForLine(text);
      // Escape closes Find, but while notification toasts show, Escape hides them first.
      const toasts = this.page.locator('.notification-toast');
      if (await toasts.first().isVisible()) {
        await this.page.keyboard.press('Escape');
        await toasts.first().waitFor({ state: 'hidden', timeout: this.timeout });
      }
      await this.page.keyboard.press('Escape');
      await find.waitFor({ state: 'hidden', timeout: this.timeout });
    });
  }

  /**
   * In an open list, moves the focus down to the row holding `target` and accepts it with Enter.
   * Rows are re-rendered while a list filters, so the keyboard is steadier than a click.
   */
  async pick(list: string, target: Locator, timeout = this.timeout, maxRows = 50): Promise<void> {
    const rows = this.page.locator(`${list} .monaco-list-row`);
    await rows.filter({ has: target }).first().waitFor({ timeout });
    const focused = this.page.locator(`${list} .monaco-list-row.focused`).filter({ has: target });
    for (let i = 0; i < maxRows; i++) {
      if (
        await focused
          .first()
          .waitFor({ timeout: i === 0 ? 2000 : 500 })
          .then(
            () => true,
            () => false,
          )
      ) {
        await this.page.keyboard.press('Enter');
        return;
      }
      await this.page.keyboard.press('ArrowDown');
    }
    throw new Error(`no row in ${list} holds ${target.toString()}`);
  }

  async screenshot(file: string): Promise<void> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
  }

  async close(): Promise<void> {
    await this.chromium.close();
  }
}
