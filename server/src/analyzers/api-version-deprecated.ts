/**
 * `networking.istio.io/v1alpha3` and `v1beta1` still work, but `v1` is the stored, stable version:
 * Istio's own docs moved to it, and new fields arrive there first.
 * The quick fix changes the apiVersion to `networking.istio.io/v1`; the schema is the same, so nothing else changes.
 */
import { istioNetworking, type Analyzer } from './analyzer';
import { replaceScalar } from '../edits/yaml-edits';
import { nodeAtPath, nodeSpan } from '../parse/yaml-path';
import { ISTIO_NETWORKING } from '../parse/resource';
import { isScalar } from 'yaml';

interface State {
  apiVersion: string;
  replacement: string;
}

const OLD_VERSIONS = new Set(['v1alpha3', 'v1beta1']);

export const apiVersionDeprecated: Analyzer<State> = {
  code: 'api-version-deprecated',
  severity: 'information',
  appliesTo: istioNetworking('ServiceEntry', 'Gateway', 'VirtualService', 'DestinationRule', 'Sidecar', 'WorkloadEntry', 'WorkloadGroup'),
  reads: [],
  *check(resource) {
    if (!OLD_VERSIONS.has(resource.version)) return;
    const node = nodeAtPath(resource.document.ast, ['apiVersion'])?.value;
    const span = nodeSpan(node);
    if (!span || !isScalar(node)) return;
    yield { ...span, state: { apiVersion: resource.apiVersion, replacement: `${ISTIO_NETWORKING}/v1` } };
  },
  message: (s) => `${s.apiVersion} is an older API version; ${s.replacement} is the stable one with the same schema.`,
  fix: (s, { file, span }) => [
    { title: `Change to ${s.replacement}`, isPreferred: true, fixAllSafe: true, edits: [replaceScalar(file.text, span, s.replacement)] },
  ],
};
