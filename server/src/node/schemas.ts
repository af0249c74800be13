/**
 * Loads the bundled schemas from disk for the Node entry points (server, CLI, tests).
 * The core gets them through SchemaStore's loader function and never touches the filesystem.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MESH_CONFIG_SCHEMA, SchemaStore, type Catalogue } from '../schema/catalogue';

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

/**
 * A digest of the schemas `loadSchemaStore(dir)` loads: the catalogue and every schema file it names, with the mesh config's.
 * What a schema finding depends on besides the document and the validator (see record-store.ts); throws when a file cannot be read.
 */
export async function schemaDigest(dir: string = findSchemasDir()): Promise<string> {
  const index = await fs.promises.readFile(path.join(dir, 'index.json'));
  const catalogue = JSON.parse(index.toString('utf8')) as Catalogue;
  const files = [...new Set([...catalogue.kinds.map((k) => k.file), MESH_CONFIG_SCHEMA])].sort();
  const hash = crypto.createHash('sha256').update(index);
  for (const file of files) {
    hash.update(`\0${file}\0`);
    hash.update(await fs.promises.readFile(path.join(dir, file)));
  }
  return hash.digest('base64');
}
