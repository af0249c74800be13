/**
 * Faults at the server's edge: workspace folders it cannot scan, and malformed parameters of its
 * custom requests (answered with InvalidParams, not an internal error).
 */
import path from 'node:path';
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import type { GenerateBundleParams } from '../protocol';

/**
 * The local folders to scan for workspace folder URIs: only `file:` URIs name local folders
 * (`vscode-vfs:`, `vsls:`, `memfs:` folders are not on this disk), and the filesystem root is never
 * walked (it holds /proc, /dev and every other project).
 */
export function fileFolders(uris: string[]): string[] {
  const out: string[] = [];
  for (const uri of uris) {
    if (typeof uri !== 'string' || !uri.startsWith('file:')) continue;
    const p = URI.parse(uri).fsPath;
    if (!p || path.parse(p).root === p) continue;
    out.push(p);
  }
  return out;
}

const OPTIONAL_STRINGS = ['namespace', 'gatewayNamespace', 'gatewayHost', 'apiVersion'] as const;
const OPTIONAL_BOOLEANS = ['registryOnly', 'networkPolicy', 'withoutServiceEntry'] as const;

/** `istioEgress/generateBundle` parameters, checked: malformed ones are an InvalidParams error that says what is wrong. */
export function checkedBundleParams(p: unknown): GenerateBundleParams {
  const fail = (what: string): never => {
    throw new ResponseError(ErrorCodes.InvalidParams, `istioEgress/generateBundle: ${what}`);
  };
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return fail('the parameters must be an object.');
  const r = p as Record<string, unknown>;
  if (typeof r.host !== 'string') fail('"host" must be a string.');
  if (typeof r.mode !== 'string') fail('"mode" must be a string.');
  if (r.port !== undefined && r.port !== null && typeof r.port !== 'number') fail('"port" must be a number.');
  for (const k of OPTIONAL_STRINGS) if (r[k] !== undefined && r[k] !== null && typeof r[k] !== 'string') fail(`"${k}" must be a string.`);
  for (const k of OPTIONAL_BOOLEANS) if (r[k] !== undefined && r[k] !== null && typeof r[k] !== 'boolean') fail(`"${k}" must be true or false.`);
  const selector = r.gatewaySelector;
  if (
    selector !== undefined &&
    selector !== null &&
    (typeof selector !== 'object' || Array.isArray(selector) || Object.values(selector).some((v) => typeof v !== 'string'))
  ) {
    fail('"gatewaySelector" must be an object of string labels.');
  }
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (v !== null) clean[k] = v;
  return clean as unknown as GenerateBundleParams;
}
