// Bundles the entry points the package ships: the VS Code client, the language server, the CLI,
// and the traffic map view's script and stylesheet (for a webview: browser code, no Node).
// It also writes the snippets the manifest contributes for "Insert Snippet": those of
// snippets/egress.code-snippets without their prefixes, so that VS Code leaves them out of
// completion (the client offers them there itself, only where a document can start).
// Type-checking is tsc's job (`npm run typecheck`); this only bundles.
import * as esbuild from 'esbuild';
import fs from 'node:fs';

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

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' },
  { ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
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
