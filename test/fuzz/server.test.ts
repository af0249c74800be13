/**
 * Property-based fuzzing of the bundled server over stdio: a mutated corpus file is opened, edited
 * with random incremental changes (ranges past the end and inverted included), and completion,
 * hover and code actions are asked at random places.
 * Properties: every request is answered within the time bound, the server stays up, every
 * diagnostic of the final text lies inside it, and every quick fix offered produces text that
 * parses and keeps every comment; applied through the server, a fix for a diagnostic removes it
 * and adds no error.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionRequest,
  CompletionRequest,
  DiagnosticSeverity,
  DidChangeTextDocumentNotification,
  HoverRequest,
  type Diagnostic,
  type Position,
  type Range,
} from 'vscode-languageserver-protocol/node';
import { parseFile } from '../../server/src/parse/parse';
import { startClient, fileUri } from '../protocol/lsp-client';
import { fcParams, keepsComments, loadSeeds, mutate, mutation, runs, Tally } from './corpus';

const seeds = loadSeeds();
const skip = typeof seeds === 'string' ? seeds : false;
/** No request may take longer (the machine running the tests may be busy). */
const TIME_BOUND_MS = 10_000;

let workspace: string;
let client: Awaited<ReturnType<typeof startClient>>;

before(async () => {
  if (typeof seeds === 'string') return;
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-egress-fuzz-'));
  // A few neighbours on disk, so cross-file analyzers have something to look up.
  for (const s of seeds.filter((x) => x.name.startsWith('istio-docs/egress-gateway/')).slice(0, 8)) {
    fs.writeFileSync(path.join(workspace, s.name.replace(/\//g, '_')), s.text);
  }
  client = await startClient(workspace);
});

after(async () => {
  await client?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

type Op =
  | { op: 'edit'; start: [number, number]; end: [number, number]; text: string }
  | { op: 'hover' | 'completion'; at: [number, number] }
  | { op: 'actions'; start: [number, number]; end: [number, number] };

const place = fc.tuple(fc.nat({ max: 60 }), fc.nat({ max: 90 }));
const typed = fc.constantFrom(
  '',
  'x',
  ' ',
  '\n',
  '\r\n',
  '\r',
  '  ',
  '- ',
  ': ',
  '#',
  '# note\n',
  '{',
  '[',
  '"',
  "'",
  '&a ',
  '*a',
  '---\n',
  'host: ',
  'port: 70000',
  '\t',
  'é😀',
  'spec:\n  hosts:\n  - ',
);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('edit' as const), start: place, end: place, text: typed }),
  fc.record({ op: fc.constantFrom('hover' as const, 'completion' as const), at: place }),
  fc.record({ op: fc.constant('actions' as const), start: place, end: place }),
);

const pos = ([line, character]: [number, number]): Position => ({ line, character });

async function timed<T>(what: string, request: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const started = Date.now();
  try {
    return await Promise.race([
      request,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${TIME_BOUND_MS} ms`)), TIME_BOUND_MS))),
    ]);
  } finally {
    clearTimeout(timer);
    if (Date.now() - started > TIME_BOUND_MS) assert.fail(`${what} took ${Date.now() - started} ms`);
  }
}

function inside(doc: TextDocument, r: Range): boolean {
  const ok = (p: Position) =>
    p.line >= 0 && p.line < doc.lineCount && p.character >= 0 && doc.offsetAt(p) === doc.offsetAt({ line: p.line, character: 0 }) + p.character;
  return ok(r.start) && ok(r.end) && doc.offsetAt(r.start) <= doc.offsetAt(r.end);
}

const syntaxErrors = (text: string) => parseFile('file:///x.yaml', text).problems.filter((p) => p.severity === 'error').length;

/** Sends `text` as the document's next version and resolves with that version's diagnostics. */
async function sendVersion(uri: string, doc: TextDocument, text: string): Promise<{ doc: TextDocument; diagnostics: Diagnostic[] }> {
  const next = TextDocument.create(uri, 'yaml', doc.version + 1, text);
  await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: next.version },
    contentChanges: [{ text }],
  });
  const diagnostics = await timed(
    `diagnostics of version ${next.version}`,
    client.waitForDiagnostics(uri, () => client.diagnosticVersions.get(uri) === next.version, TIME_BOUND_MS),
  );
  return { doc: next, diagnostics };
}

const countBy = (ds: Diagnostic[], keep: (d: Diagnostic) => boolean) => ds.filter(keep).length;
const errorsByCode = (ds: Diagnostic[]) => {
  const out = new Map<string, number>();
  for (const d of ds) if (d.severity === DiagnosticSeverity.Error) out.set(String(d.code), (out.get(String(d.code)) ?? 0) + 1);
  return out;
};

/**
 * Applies a quick fix for `target` through the server (the fixed text as the next version) and checks
 * what the server then publishes: fewer diagnostics of the target's code and severity, and no more
 * errors of any code. The original text is then sent back; returns the document as it now is.
 */
async function applyThroughServer(uri: string, doc: TextDocument, before: Diagnostic[], target: Diagnostic, title: string, fixed: string, tally: Tally) {
  const applied = await sendVersion(uri, doc, fixed);
  const where = `fix "${title}" for ${String(target.code)}`;
  const same = (d: Diagnostic) => d.code === target.code && d.severity === target.severity;
  assert.ok(countBy(applied.diagnostics, same) < countBy(before, same), `${where}: the diagnostic is still there\n${fixed.slice(0, 1500)}`);
  const was = errorsByCode(before);
  for (const [code, n] of errorsByCode(applied.diagnostics)) assert.ok(n <= (was.get(code) ?? 0), `${where}: adds a ${code} error\n${fixed.slice(0, 1500)}`);
  tally.add('quick fixes applied through the server');
  return (await sendVersion(uri, applied.doc, doc.getText())).doc;
}

async function checkActions(
  uri: string,
  doc: TextDocument,
  diagnostics: Diagnostic[],
  range: Range,
  tally: Tally,
  /** When the actions are asked for one diagnostic: the current ones, to apply up to two fixes against. */
  target?: { diagnostic: Diagnostic; all: Diagnostic[] },
): Promise<TextDocument> {
  let applied = 0;
  const answer = await timed(
    'codeAction',
    client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics, only: ['quickfix'] } }),
  );
  for (const a of answer ?? []) {
    if (!('edit' in a) || !a.edit?.changes?.[uri]) continue;
    tally.add('quick fixes checked');
    const edits = a.edit.changes[uri];
    for (const e of edits) assert.ok(inside(doc, e.range), `fix "${a.title}" edits outside the document: ${JSON.stringify(e.range)}`);
    const before = doc.getText();
    const fixed = TextDocument.applyEdits(doc, edits);
    assert.ok(syntaxErrors(fixed) <= syntaxErrors(before), `fix "${a.title}" leaves text that does not parse:\n${fixed.slice(0, 1500)}`);
    assert.ok(keepsComments(before, fixed), `fix "${a.title}" loses a comment`);
    if (target && a.kind === 'quickfix' && applied++ < 2) doc = await applyThroughServer(uri, doc, target.all, target.diagnostic, a.title, fixed, tally);
  }
  return doc;
}

let caseNumber = 0;

test('fuzz: random edits and requests on mutated corpus files through the server', { skip, timeout: 15 * 60_000 }, async () => {
  if (typeof seeds === 'string') return;
  const tally = new Tally();
  await fc.assert(
    fc.asyncProperty(fc.nat(), fc.array(mutation, { maxLength: 2 }), fc.array(op, { minLength: 1, maxLength: 10 }), async (pick, mutations, ops) => {
      const seed = seeds[pick % seeds.length];
      const uri = fileUri(path.join(workspace, `case-${++caseNumber}.yaml`));
      let doc = TextDocument.create(uri, 'yaml', 1, mutations.reduce(mutate, seed.text));
      client.open(uri, doc.getText(), 1);
      try {
        for (const o of ops) {
          tally.add(`${o.op} requests`);
          if (o.op === 'edit') {
            const change = { range: { start: pos(o.start), end: pos(o.end) }, text: o.text };
            // The expected text: the range clamped to the document (TextDocument.update would record wrong line starts for a range past the end).
            const [from, to] = [doc.offsetAt(change.range.start), doc.offsetAt(change.range.end)].sort((a, b) => a - b);
            doc = TextDocument.update(doc, [{ range: { start: doc.positionAt(from), end: doc.positionAt(to) }, text: o.text }], doc.version + 1);
            await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
              textDocument: { uri, version: doc.version },
              contentChanges: [change],
            });
          } else if (o.op === 'hover') {
            await timed('hover', client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: pos(o.at) }));
          } else if (o.op === 'completion') {
            await timed('completion', client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: pos(o.at) }));
          } else if (o.op === 'actions') {
            await checkActions(uri, doc, client.diagnostics.get(uri) ?? [], { start: pos(o.start), end: pos(o.end) }, tally);
          }
        }
        // The diagnostics of the final text (when the file is one istio-egress reports on).
        const version = doc.version;
        const final = await client.waitForDiagnostics(uri, () => client.diagnosticVersions.get(uri) === version, 1500).catch(() => undefined);
        if (final) {
          tally.add('documents with diagnostics of their final text');
          tally.add('diagnostics checked', final.length);
          for (const d of final)
            assert.ok(
              inside(doc, d.range),
              `${String(d.code)} at ${JSON.stringify(d.range)} lies outside the document of ` +
                `${doc.lineCount} lines:\n${JSON.stringify(doc.getText().slice(0, 800))}`,
            );
          for (const d of final.slice(0, 5)) doc = await checkActions(uri, doc, [d], d.range, tally, { diagnostic: d, all: final });
        }
      } finally {
        client.close(uri);
      }
      assert.equal(client.child.exitCode, null, `the server exited:\n${client.stderr().slice(-2000)}`);
    }),
    fcParams(runs(12)),
  );
  console.log(`server fuzz: ${tally.toString()}`);
  // Checks behind `if (final)` count only if the server published for the final text at least once.
  assert.ok((tally.counts.get('documents with diagnostics of their final text') ?? 0) > 0, `no document's final diagnostics arrived: ${tally.toString()}`);
});
