// Bundles the entry points the package ships: the VS Code client, the language server, the CLI, their parse worker,
// and the traffic map view's script and stylesheet (for a webview: browser code, no Node).
// It also writes the snippets the manifest contributes for "Insert Snippet": those of
// snippets/egress.code-snippets without their prefixes, so that VS Code leaves them out of
// completion (the client offers them there itself, only where a document can start).
// The server, the CLI and the parse workers' schema part carry the schema validators compiled here, with ajv's standalone code
// generation (server/src/schema/precompile.ts), so that they compile none at run time.
// Type-checking is tsc's job (`npm run typecheck`); this only bundles.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: true,
  // Readable stack traces matter more than a few hundred kilobytes.
  minify: false,
  logLevel: 'warning',
};

/**
 * Writes the precompiled validators of every schema in schemas/ and, for each of the server and the
 * CLI, an entry point that hands them to the validator before running the real one; returns those entry points.
 */
async function precompileValidators() {
  const dir = path.join('node_modules', '.cache', 'istio-egress');
  fs.mkdirSync(dir, { recursive: true });
  const compiler = path.join(dir, 'precompile.js');
  await esbuild.build({ ...common, sourcemap: false, entryPoints: ['server/src/schema/precompile.ts'], outfile: compiler });
  const { precompiledValidators } = createRequire(import.meta.url)(path.resolve(compiler));
  const catalogue = JSON.parse(fs.readFileSync('schemas/index.json', 'utf8'));
  const files = [...new Set([...catalogue.kinds.map((k) => k.file), 'mesh-config.json'])];
  const schemas = files.map((file) => ({ file, schema: JSON.parse(fs.readFileSync(path.join('schemas', file), 'utf8')) }));
  const from = (target) => path.relative(dir, target).split(path.sep).join('/');
  const modules = precompiledValidators(schemas, from('server/src/schema/formats'));
  fs.writeFileSync(path.join(dir, 'validators.js'), modules.index);
  // Minified: generated code nobody reads (the rest of the bundles stays readable).
  for (const [i, code] of modules.validators.entries()) {
    fs.writeFileSync(path.join(dir, `validator-${i}.js`), (await esbuild.transform(code, { minify: true, format: 'cjs', target: 'node18' })).code);
  }
  const entry = (name, main) => {
    const file = path.join(dir, `${name}-entry.js`);
    fs.writeFileSync(
      file,
      `require(${JSON.stringify(from('server/src/schema/validate'))}).usePrecompiledValidators(require('./validators.js').PRECOMPILED);\n` +
        `module.exports = require(${JSON.stringify(from(main))});\n`,
    );
    return file;
  };
  return {
    server: entry('server', 'server/src/main'),
    cli: entry('cli', 'server/src/cli'),
    workerSchemas: entry('worker-schemas', 'server/src/node/worker-schemas'),
  };
}

const entries = await precompileValidators();

/**
 * Keeps a Node bundle ASCII by escaping the few other characters its dependencies' comments and regular
 * expressions hold (`\uXXXX` means the same there and in strings). V8 keeps a script's source in memory while
 * it runs, and one character beyond Latin-1 makes it two bytes a character: 9 MB more for the server.
 */
const asciiOnly = {
  name: 'ascii-only',
  setup(build) {
    build.onEnd((result) => {
      const file = build.initialOptions.outfile;
      if (result.errors.length > 0 || !fs.existsSync(file)) return;
      const text = fs.readFileSync(file, 'utf8');
      const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      if (ascii !== text) fs.writeFileSync(file, ascii);
    });
  },
};

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: [entries.server], outfile: 'dist/server.js', plugins: [asciiOnly] },
  { ...common, entryPoints: [entries.cli], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [asciiOnly] },
  // The worker threads that parse files for the server's start-up scan and the CLI (server/src/node/parse-pool.ts).
  { ...common, entryPoints: ['server/src/node/parse-worker.ts'], outfile: 'dist/parse-worker.js', plugins: [asciiOnly] },
  // What a parse worker loads to find schema findings, for large workspaces only (server/src/node/worker-schemas.ts).
  { ...common, entryPoints: [entries.workerSchemas], outfile: 'dist/worker-schemas.js', plugins: [asciiOnly] },
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: ['client/webview/map.ts'], outfile: 'dist/map.js' },
  { ...common, entryPoints: ['client/webview/map.css'], outfile: 'dist/map.css' },
];

const snippets = JSON.parse(fs.readFileSync('snippets/egress.code-snippets', 'utf8'));
fs.mkdirSync('dist', { recursive: true });
fs.writeFileSync(
  'dist/egress.code-snippets',
  `${JSON.stringify(Object.fromEntries(Object.entries(snippets).map(([name, { prefix: _prefix, ...rest }]) => [name, rest])), null, 2)}\n`,
);

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
