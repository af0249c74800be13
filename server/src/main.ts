/**
 * The language server's entry point: a connection over stdio (`--stdio`) or IPC (when started by the
 * VS Code client), and the Node implementations of reading files and loading schemas.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';
import { listFiles, readText } from './node/workspace';
import { loadSchemaStore } from './node/schemas';
import type { SchemaStore } from './schema/catalogue';

const connection = createConnection(ProposedFeatures.all);
let store: SchemaStore | undefined;

startServer(connection, {
  listFiles,
  readFile: readText,
  schemas: () => (store ??= loadSchemaStore()),
});
