/**
 * The language server's entry point: a connection over stdio (`--stdio`) or IPC (when started by the
 * VS Code client), and the Node implementations of reading files, parsing them on worker threads and loading schemas.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';
import { listFiles, readText } from './node/workspace';
import { loadSchemaStore } from './node/schemas';
import type { SchemaStore } from './schema/catalogue';
import { MessageWatch } from './features/slices';
import { parsePoolFor } from './node/parse-pool';
import { RecordStore } from './node/record-store';
import { usePlainEnv } from './node/plain-env';

usePlainEnv();

/** Input that has come in and not been dispatched yet, so that background work lets it through first. */
const messages = new MessageWatch();
const connection = createConnection(ProposedFeatures.all, {
  messageStrategy: {
    handleMessage: (message, next) => {
      messages.handled();
      return next(message);
    },
  },
});
// The connection reads the same streams (it picks them from the same arguments).
if (process.argv.includes('--stdio')) process.stdin.on('data', () => messages.arrived());
else if (process.argv.includes('--node-ipc')) process.on('message', () => messages.arrived());
let store: SchemaStore | undefined;

startServer(connection, {
  listFiles,
  readFile: readText,
  schemas: () => (store ??= loadSchemaStore()),
  messages,
  // The main thread keeps indexing and answering the editor meanwhile: one core is left to it.
  parserFor: (files, report) => parsePoolFor(files, true, report),
  recordStore: (file, warn) => new RecordStore(file, warn),
});
