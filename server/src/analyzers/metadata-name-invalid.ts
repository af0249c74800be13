/**
 * The `metadata.name` of an Istio resource is not a valid Kubernetes object name: the API server
 * accepts custom resources only under a lowercase RFC 1123 subdomain (lowercase letters, digits, `-`
 * and `.`, starting and ending with a letter or digit, at most 253 characters), so `kubectl apply`
 * rejects `BACKEND` or `dr_exportto_valid`. The CRD schemas do not carry this rule, so schema
 * validation alone does not see it. Rename the resource, and every reference to it.
 */
import type { Analyzer } from './analyzer';
import { nameSpanOf } from '../parse/name-spans';

interface State {
  name: string;
  /** What is wrong with it, in words. */
  problem: string;
}

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `name` is not a DNS-1123 subdomain (k8s.io/apimachinery IsDNS1123Subdomain), or undefined when it is one. */
export function subdomainProblem(name: string): string | undefined {
  if (name.length > 253) return `is ${name.length} characters long; at most 253 are allowed`;
  if (SUBDOMAIN.test(name)) return undefined;
  if (/[A-Z]/.test(name) && SUBDOMAIN.test(name.toLowerCase())) return 'has upper-case letters';
  const bad = [...new Set(name.replace(/[-a-z0-9.]/g, ''))];
  if (bad.length > 0) return `contains ${bad.map((c) => `'${c}'`).join(', ')}`;
  return "must start and end with a letter or digit (also each '.'-separated part)";
}

export const metadataNameInvalid: Analyzer<State> = {
  code: 'metadata-name-invalid',
  severity: 'error',
  appliesTo: '*',
  reads: [],
  *check(r) {
    if (r.family !== 'istio') return;
    const raw = r.value.metadata?.name;
    if (typeof raw !== 'string' || raw === '') return;
    const problem = subdomainProblem(raw);
    if (!problem) return;
    const span = nameSpanOf(r.document);
    if (span) yield { ...span, state: { name: raw, problem } };
  },
  message: (s) =>
    `metadata.name "${s.name}" ${s.problem}: the API server rejects it, as a name must be a lowercase RFC 1123 ` +
    "subdomain (a-z, 0-9, '-' and '.', starting and ending with a letter or digit).",
};
