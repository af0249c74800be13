/**
 * `npm run try`: code-server with istio-egress.vsix installed, on 127.0.0.1:$PORT (8080 by default),
 * for a person to try the extension in a browser. It prints the URL that opens the folder given as
 * its argument and serves until Ctrl+C or TERM, which end code-server and everything it started.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { answers, startCodeServer, workbenchUrl } from './code-server';

const ROOT = path.resolve(__dirname, '../../..');

async function main(): Promise<void> {
  const folder = path.resolve(ROOT, process.argv[2] ?? 'examples');
  if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${folder} is not a folder`);
  const server = await startCodeServer({ extensions: [path.join(ROOT, 'istio-egress.vsix')], port: Number(process.env.PORT || 8080) });
  console.log(`\nVS Code with istio-egress, on ${path.relative(ROOT, folder) || '.'}:\n\n  ${workbenchUrl(server.url, folder)}\n`);
  console.log(`Ctrl+C stops it. Logs: ${server.log}`);
  // Ctrl+C and TERM end code-server through process-groups.ts; until then, check that it still answers.
  while (await answers(`${server.url}/healthz`)) await new Promise((r) => setTimeout(r, 5000));
  console.error(`code-server stopped answering; its log ends:\n${fs.readFileSync(server.log, 'utf8').split('\n').slice(-30).join('\n')}`);
  await server.stop();
  process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
