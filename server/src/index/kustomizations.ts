/**
 * The kustomizations of the workspace and the namespace they give the files they list, as
 * `kustomize build` does: a kustomization's `namespace:` replaces or fills in metadata.namespace of every
 * namespaced resource it lists (kubectl.docs.kubernetes.io/references/kustomize/kustomization/namespace,
 * kustomize api/filters/namespace), and a kustomization that lists a folder holding another one
 * transforms that one's output afterwards, so the outer namespace wins.
 * It knows paths and namespaces only; it does no I/O. The index applies the answer (WorkspaceIndex).
 */
import type { Kustomization } from '../parse/kustomization';

/** Where a resource's namespace comes from when a kustomization sets it. */
export interface KustomizedNamespace {
  namespace: string;
  /** The URI of the kustomization file. */
  from: string;
}

/**
 * Kinds the API server keeps outside namespaces; kustomize leaves their namespace alone.
 * Istio kinds are all namespaced.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'CertificateSigningRequest',
  'PodSecurityPolicy',
  'GatewayClass',
  'ClusterIssuer',
  'FlowSchema',
  'PriorityLevelConfiguration',
]);

/** A URI as a path to compare: decoded, so that `%20` in a URI and a space in a kustomization entry are equal. */
export function pathKey(uri: string): string {
  try {
    return decodeURIComponent(uri);
  } catch {
    return uri;
  }
}

const folderOf = (key: string): string => key.slice(0, key.lastIndexOf('/'));

/** The path key an entry of a kustomization in `folder` (a path key) names: `./a.yaml`, `../base`, `/abs/path`. */
export function resolveEntry(folder: string, entry: string): string {
  const m = /^([a-z][a-z0-9+.-]*:(?:\/\/[^/]*)?)(.*)$/i.exec(folder);
  const prefix = m ? m[1] : '';
  const segments = (m ? m[2] : folder).split('/');
  if (entry.startsWith('/')) segments.length = 1;
  for (const s of entry.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (segments.length > 1) segments.pop();
    } else segments.push(s);
  }
  return prefix + segments.join('/');
}

interface Node {
  uri: string;
  /** Path key of the kustomization's folder. */
  folder: string;
  namespace?: string;
  /** Path keys of the entries. */
  targets: string[];
}

/** Answers from one file up to this many root kustomizations; real trees have a few. */
const MAX_CHAINS = 64;

export class KustomizationGraph {
  private readonly nodes = new Map<string, Node>();
  /** A listed path (a file, or a folder holding a kustomization) to the kustomizations listing it. */
  private readonly listedBy = new Map<string, Set<string>>();

  get size(): number {
    return this.nodes.size;
  }

  /** Adds, replaces or (with undefined) removes a file's kustomization; true when that changes anything. */
  set(uri: string, k: Kustomization | undefined): boolean {
    const old = this.nodes.get(uri);
    if (!old && !k) return false;
    const folder = folderOf(pathKey(uri));
    const next: Node | undefined = k && {
      uri,
      folder,
      ...(k.namespace ? { namespace: k.namespace } : {}),
      targets: k.entries.map((e) => resolveEntry(folder, e)),
    };
    if (old && next && old.namespace === next.namespace && old.targets.join('\n') === next.targets.join('\n')) return false;
    if (old) {
      for (const t of old.targets) {
        const set = this.listedBy.get(t);
        set?.delete(uri);
        if (set?.size === 0) this.listedBy.delete(t);
      }
      this.nodes.delete(uri);
    }
    if (next) {
      this.nodes.set(uri, next);
      for (const t of next.targets) {
        let set = this.listedBy.get(t);
        if (!set) this.listedBy.set(t, (set = new Set()));
        set.add(uri);
      }
    }
    return true;
  }

  /** Path keys of everything some kustomization lists: the files whose namespace may come from one. */
  listed(): IterableIterator<string> {
    return this.listedBy.keys();
  }

  /**
   * The namespace kustomizations give the resources of the file `uri`, or undefined when none lists
   * it or none that does sets a namespace. Through each chain of kustomizations listing it, the
   * outermost one with a namespace wins. When the chains disagree (a base used by a `dev` and a `prod`
   * overlay), the resources exist once per overlay; the namespace of the nearest kustomization listing
   * the file is taken then, as if that one were applied on its own.
   */
  namespaceOf(uri: string): KustomizedNamespace | undefined {
    const key = pathKey(uri);
    const direct = [...(this.listedBy.get(key) ?? [])].sort();
    if (direct.length === 0) return undefined;
    const answers: (KustomizedNamespace | undefined)[] = [];
    for (const k of direct) answers.push(...this.chains(k, new Set()));
    const first = answers[0];
    if (answers.every((a) => a?.namespace === first?.namespace)) return first;
    const nearest = direct.find((k) => this.nodes.get(k)?.folder === folderOf(key)) ?? direct[0];
    return this.own(nearest);
  }

  private own(k: string): KustomizedNamespace | undefined {
    const ns = this.nodes.get(k)?.namespace;
    return ns ? { namespace: ns, from: k } : undefined;
  }

  /** The namespace each chain from kustomization `k` up to a kustomization nobody lists gives `k`'s output. */
  private chains(k: string, seen: Set<string>): (KustomizedNamespace | undefined)[] {
    const node = this.nodes.get(k);
    if (!node || seen.has(k)) return [this.own(k)];
    const parents = [...(this.listedBy.get(node.folder) ?? [])].filter((p) => p !== k).sort();
    if (parents.length === 0) return [this.own(k)];
    const inner = new Set(seen).add(k);
    const out: (KustomizedNamespace | undefined)[] = [];
    for (const p of parents) {
      for (const a of this.chains(p, inner)) {
        if (out.length >= MAX_CHAINS) return out;
        out.push(a ?? this.own(k));
      }
    }
    return out;
  }
}
