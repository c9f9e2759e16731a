/** How the operator finds its cluster, and its own namespace, from the environment Kubernetes gives its pod. */
import { existsSync, readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

const SA_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** The kubeconfig at `path` (--kubeconfig or $KUBECONFIG) if given; else client-node's default (in a pod: its service account). */
export function loadKubeConfig(path: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}

/** The namespace the pod runs in, from its service account's mount; undefined outside a cluster. */
export const podNamespace = (): string | undefined => (existsSync(SA_NAMESPACE_FILE) ? readFileSync(SA_NAMESPACE_FILE, 'utf8').trim() : undefined);
