/**
 * Compiles the schema validators at build time: the build (esbuild.mjs) runs this module and bundles
 * the code it returns with the server and the CLI, which hand the validators to
 * `usePrecompiledValidators`, so that checking compiles no validator at run time. The code comes from
 * ajv's standalone code generation with the options and formats of `newAjv`.
 * It does not decide what a validator reports: a validator compiled here finds what one compiled at run time finds.
 */
import { _ } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import type { JsonSchema } from './catalogue';
import { isRecord } from '../data';
import { newAjv, schemaHash } from './validate';

/** CommonJS modules: `index` and, beside it, `validator-<n>.js` for each schema (`validators[n]`). */
export interface PrecompiledModules {
  /**
   * Exports `PRECOMPILED`: for each schema file, its hash and its validator. A validator's module is
   * required, and its code run, only when the validator is first asked for: most workspaces use a few kinds.
   */
  index: string;
  validators: string[];
}

/** The modules of the validators of `schemas`; `formatsModule` is how they require formats.ts. */
export function precompiledValidators(schemas: { file: string; schema: JsonSchema }[], formatsModule: string): PrecompiledModules {
  const ajv = newAjv({ source: true, formats: _`require(${formatsModule}).SCHEMA_FORMATS` }, { inlineRefs: false });
  const split = schemas.map(({ file, schema }) => ({ file, ...splitSchema(schema) }));
  for (const { file, schema } of split) ajv.addSchema(schema, file);
  const validators = split.map(({ file, samples }) => `${standaloneCode(ajv, { validate: file })}\nexports.samples = ${JSON.stringify(samples)};\n`);
  const entries = schemas.map(
    ({ file, schema }, i) =>
      `  ${JSON.stringify(file)}: { hash: ${JSON.stringify(schemaHash(schema))}, ` +
      `get validate() { return require("./validator-${i}.js").validate; }, get samples() { return require("./validator-${i}.js").samples; } },`,
  );
  return { index: `exports.PRECOMPILED = {\n${entries.join('\n')}\n};\n`, validators };
}

/**
 * A subschema whose JSON is at least this long gets its own validating function when it occurs more than once,
 * or when it is this long without the subschemas moved out of it (its code is then some tens of kilobytes).
 */
const MIN_PART = 1000;

/**
 * The schema with some of its subschemas moved to `definitions` and referred to by `$ref`, so that ajv gives
 * each its own function: a subschema repeated within the schema (DestinationRule's `loadBalancer`, in both its
 * `trafficPolicy`s and their `portLevelSettings`) is compiled once instead of once per place, and a large one is compiled by V8 on its
 * first call, not with the whole validator. Only subschemas outside every combinator move: messages.ts tells an
 * error inside a combinator's branch by its schema path, and a branch's schema paths must stay under the combinator's.
 * Errors inside a moved subschema have schema paths under `#/definitions/...`; their other fields are unchanged.
 * Also returns a value for each moved subschema that reaches it (`{spec: {trafficPolicy: {}}}`): validating it
 * makes V8 compile that subschema's function, which the first check of the kind takes as a step of its own.
 */
export function splitSchema(schema: JsonSchema): { schema: JsonSchema; samples: unknown[] } {
  if ('definitions' in schema) return { schema, samples: [] };
  const counts = new Map<string, number>();
  // Only the subschemas of `properties`, `items` and `additionalProperties` are counted and moved: never a combinator's branch or anything inside one.
  const visit = (node: unknown, count: boolean) => {
    if (!isRecord(node)) return;
    if (count) {
      const key = JSON.stringify(node);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    visit(node.items, true);
    visit(node.additionalProperties, true);
    if (isRecord(node.properties)) for (const sub of Object.values(node.properties)) visit(sub, true);
  };
  visit(schema, false);
  const shared = (key: string) => key.length >= MIN_PART && (counts.get(key) ?? 0) > 1;

  const definitions: Record<string, JsonSchema> = {};
  const names = new Map<string, string>();
  const samples: { sample: unknown; depth: number }[] = [];
  const sampleAt = (path: (string | number)[]): unknown =>
    path.reduceRight<unknown>((inner, step) => (typeof step === 'number' ? [inner] : { [step]: inner }), {});
  const define = (key: string, at: (string | number)[], make: () => JsonSchema): JsonSchema => {
    let name = names.get(key);
    if (name === undefined) {
      const base = String([...at].reverse().find((s) => typeof s === 'string' && s !== '*') ?? 'part').replace(/[^A-Za-z0-9_]/g, '_');
      name = Object.hasOwn(definitions, base) ? `${base}-${names.size}` : base;
      names.set(key, name);
      samples.push({ sample: sampleAt(at), depth: at.length });
      // Taken before `make`, which may name the subschemas inside this one.
      definitions[name] = {};
      definitions[name] = make();
    }
    return { $ref: `#/definitions/${name}` };
  };
  /** `node` with its subschemas that move replaced by references; `path` is the data path that reaches it. */
  const rewrite = (node: JsonSchema, path: (string | number)[]): JsonSchema => {
    const out: JsonSchema = {};
    const child = (sub: unknown, at: (string | number)[]): unknown => {
      if (!isRecord(sub)) return sub;
      const key = JSON.stringify(sub);
      if (shared(key)) return define(key, at, () => rewrite(sub, at));
      const rewritten = rewrite(sub, at);
      return JSON.stringify(rewritten).length >= MIN_PART ? define(key, at, () => rewritten) : rewritten;
    };
    for (const [keyword, value] of Object.entries(node)) {
      if (keyword === 'items') out[keyword] = child(value, [...path, 0]);
      else if (keyword === 'additionalProperties') out[keyword] = child(value, [...path, '*']);
      else if (keyword === 'properties' && isRecord(value)) {
        out[keyword] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, child(sub, [...path, name])]));
      } else out[keyword] = value;
    }
    return out;
  };
  const rewritten = rewrite(schema, []);
  if (samples.length === 0) return { schema, samples: [] };
  // Outer parts first, so that each sample compiles one function more than those before it.
  return { schema: { ...rewritten, definitions }, samples: samples.sort((a, b) => a.depth - b.depth).map((s) => s.sample) };
}
