/**
 * The `format`s the schemas use, as ajv checks them: ajv-formats' full formats plus the CRDs'
 * numeric formats. Validators compiled at run time and those compiled at build time
 * (precompile.ts) both take them from here.
 */
import type { Format } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats';

/** Integer formats as ranges; 64-bit limits lie beyond what a YAML number keeps exactly, so they stay open. */
const INT_FORMATS: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  int64: [-Infinity, Infinity],
  uint32: [0, 4294967295],
  uint64: [0, Infinity],
};

/** Every format by name; the build's generated validators read them as `SCHEMA_FORMATS[name]`. */
export const SCHEMA_FORMATS: Record<string, Format> = {
  ...fullFormats,
  ...Object.fromEntries(
    Object.entries(INT_FORMATS).map(([name, [min, max]]) => [
      name,
      { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= min && n <= max } satisfies Format,
    ]),
  ),
  // The CRDs' `double` (and OpenAPI's `float`) say nothing a JSON number does not already.
  float: { type: 'number', validate: () => true },
  double: { type: 'number', validate: () => true },
};
