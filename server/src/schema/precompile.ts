/**
 * Compiles the schema validators at build time: the build (esbuild.mjs) runs this module and bundles
 * the code it returns with the server and the CLI, which hand the validators to
 * `usePrecompiledValidators`, so that checking compiles no validator at run time. The code comes from
 * ajv's standalone code generation with the options and formats of `newAjv`.
 */
import { _ } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import type { JsonSchema } from './catalogue';
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
  const ajv = newAjv({ source: true, formats: _`require(${formatsModule}).SCHEMA_FORMATS` });
  for (const { file, schema } of schemas) ajv.addSchema(schema, file);
  const validators = schemas.map(({ file }) => standaloneCode(ajv, { validate: file }));
  const entries = schemas.map(
    ({ file, schema }, i) =>
      `  ${JSON.stringify(file)}: { hash: ${JSON.stringify(schemaHash(schema))}, get validate() { return require("./validator-${i}.js").validate; } },`,
  );
  return { index: `exports.PRECOMPILED = {\n${entries.join('\n')}\n};\n`, validators };
}
