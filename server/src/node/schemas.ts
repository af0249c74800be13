/**
 * Loads the bundled schemas from disk for the Node entry points (server, CLI, tests).
 * The core gets them through SchemaStore's loader function and never touches the filesystem.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SchemaStore, type Catalogue } from '../schema/catalogue';

/** The `schemas/` folder: beside `dist/` when bundled, at the repository root when run from `out/`. */
function findSchemasDir(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'schemas', 'index.json');
    if (fs.existsSync(candidate)) return path.dirname(candidate);
    if (path.dirname(dir) === dir) throw new Error(`istio-egress: schemas/index.json not found above ${from}`);
  }
}

export function loadSchemaStore(dir: string = findSchemasDir()): SchemaStore {
  const catalogue = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as Catalogue;
  return new SchemaStore(catalogue, (file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
}
