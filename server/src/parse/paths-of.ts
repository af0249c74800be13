/**
 * Every path of a plain value, for tests that compare two ways of placing a path over whole corpora
 * (block-outline.test.ts, schema/placement.test.ts). Only tests import this.
 */
import type { YamlPath } from './yaml-path';

/** Every path of `value`, and beside each a path that goes one step past it (a missing key, an index past the end). */
export function pathsOf(value: unknown, prefix: YamlPath = [], out: YamlPath[] = []): YamlPath[] {
  out.push(prefix, [...prefix, 'zz-missing'], [...prefix, 99]);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}
