/**
 * How a host written in a resource becomes the name Istio uses: a ServiceEntry's hosts are taken as
 * written (pilot/pkg/serviceregistry/serviceentry/conversion.go), while the short hosts of
 * VirtualServices and DestinationRules are qualified with the resource's namespace
 * (pilot/pkg/model/config.go ResolveShortnameToFQDN). It does not decide what the host matches.
 */
import { resolveHost } from '../index/hosts';

/** A host as written in a resource of `kind` in `namespace`, as Istio names it. */
export function hostAsIstioNamesIt(kind: string, host: string, namespace: string): string {
  return kind === 'ServiceEntry' ? host.trim().toLowerCase().replace(/\.$/, '') : resolveHost(host, namespace);
}
