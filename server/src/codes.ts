/**
 * The diagnostic codes that do not come from an analyzer: YAML reading and schema validation.
 * Each entry is user documentation (docs/diagnostics.md is generated from it and from the analyzers).
 */
import type { Severity } from './model';

/** Where each code is explained; diagnostics and SARIF rules link to `#<code>` there. */
const DOCS_URL = 'https://github.com/istio-egress/istio-egress/blob/main/docs/diagnostics.md';

export function docsLink(code: string): string {
  return `${DOCS_URL}#${code}`;
}

interface CodeDoc {
  code: string;
  severity: Severity;
  summary: string;
  /** A short YAML example that raises the code, and the same example fixed. */
  broken?: string;
  fixed?: string;
}

export const BUILTIN_CODES: readonly CodeDoc[] = [
  {
    code: 'file-too-large',
    severity: 'information',
    summary:
      'The file is larger than 2 MB (the message gives its size). ' +
      'istio-egress does not read it, so its resources take no part in the analysis. ' +
      'Split generated bundles into smaller files, or exclude them with `istioEgress.exclude`.',
  },
  {
    code: 'helm-template-skipped',
    severity: 'information',
    summary:
      'The file contains Helm or Go template actions (`{{ … }}`) outside comments, so it is not YAML yet. ' +
      'istio-egress skips it with this one message. Check the rendered output instead: ' +
      '`helm template my-chart | istio-egress check -`.',
    broken: 'metadata:\n  name: {{ .Values.name }}',
  },
  {
    code: 'template-placeholder',
    severity: 'information',
    summary:
      "The resource's name, namespace, a host or a gateway reference holds a placeholder that a tool fills in before " +
      'the resource is applied: `$NAME` or `${NAME}` (envsubst), `$(NAME)` (kustomize vars), ' +
      'or an upper-case `NAME_WITH_UNDERSCORES` label (kustomize replacements, sed). ' +
      'The resource is a template, so istio-egress does not check it as written. ' +
      'Check the rendered output instead, for example `envsubst < vs.yaml | istio-egress check -` or `kustomize ' +
      'build . | istio-egress check -`.',
    broken: 'spec:\n  hosts:\n  - $STUDENT_NS.example.com',
  },
  {
    code: 'schema-cel',
    severity: 'error',
    summary:
      "The resource breaks one of the validation rules (CEL, `x-kubernetes-validations`) in Istio's CRD, " +
      "so the API server rejects it. The message is the rule's own.",
    broken: 'spec:\n  hosts:\n  - "*"',
    fixed: 'spec:\n  hosts:\n  - "*.example.com"',
  },
  {
    code: 'schema-enum',
    severity: 'error',
    summary: 'The value is not one of the values the field allows. The message lists them; when one is close to what was written, a quick fix replaces it.',
    broken: 'spec:\n  location: MESH_EXTENAL',
    fixed: 'spec:\n  location: MESH_EXTERNAL',
  },
  {
    code: 'schema-one-of',
    severity: 'error',
    summary: 'Fields that exclude each other are set together (for example `simple` and `consistentHash` in a load balancer). Keep one.',
  },
  {
    code: 'schema-required',
    severity: 'error',
    summary: 'A field the kind requires is missing, so the API server rejects the resource.',
    broken: 'kind: ServiceEntry\nspec:\n  resolution: DNS',
    fixed: 'kind: ServiceEntry\nspec:\n  hosts:\n  - api.example.com\n  resolution: DNS',
  },
  {
    code: 'schema-type',
    severity: 'error',
    summary: 'The value has the wrong type, for example a quoted port number where the schema expects an integer.',
    broken: 'ports:\n- number: "443"',
    fixed: 'ports:\n- number: 443',
  },
  {
    code: 'schema-unknown-field',
    severity: 'error',
    summary:
      "The field is not part of the kind's schema. `kubectl apply` rejects unknown fields, " +
      'and Istio would ignore them anyway. When a known field is close (`sniHost`, `sni_hosts`), ' +
      'a quick fix renames it.',
    broken: 'tls:\n- match:\n  - sniHost:\n    - api.example.com',
    fixed: 'tls:\n- match:\n  - sniHosts:\n    - api.example.com',
  },
  {
    code: 'schema-unknown-kind',
    severity: 'error',
    summary: 'The apiVersion names an Istio group, but that group does not serve this kind in this version. The message lists the versions that exist.',
    broken: 'apiVersion: networking.istio.io/v2\nkind: ServiceEntry',
    fixed: 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry',
  },
  {
    code: 'schema-value',
    severity: 'error',
    summary: 'The value has the right type but breaks a limit of the schema: a minimum or maximum, a length, a pattern, a format or unique items.',
  },
  {
    code: 'yaml-alias-limit',
    severity: 'error',
    summary:
      'The document expands more aliases than a real configuration needs (an "alias bomb"), ' +
      'or an alias refers to the node that holds it (`exportTo: &r [*r]`). ' +
      'istio-egress does not expand it, and the API server would refuse it too.',
  },
  {
    code: 'yaml-duplicate-key',
    severity: 'error',
    summary: 'A key appears twice in one mapping. Kubernetes rejects duplicate fields; remove one.',
    broken: 'spec:\n  resolution: DNS\n  resolution: NONE',
    fixed: 'spec:\n  resolution: DNS',
  },
  {
    code: 'yaml-syntax',
    severity: 'error',
    summary:
      'The text is not valid YAML, or not YAML a Kubernetes object can be read from (a mapping key that is itself a ' +
      'mapping or a list). The diagnostic sits where the parser stopped understanding it; ' +
      'the rest of the document is not checked until it is fixed.',
    broken: 'spec:\n  hosts: [api.example.com',
    fixed: 'spec:\n  hosts: [api.example.com]',
  },
  {
    code: 'yaml-too-deep',
    severity: 'error',
    summary:
      'The document is nested so deeply that it cannot be checked (for flow collections, more than 500 `[` or `{` ' +
      'open at once). No real Istio resource nests like this.',
  },
];
