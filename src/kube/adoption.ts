import type { KubernetesObject } from '@kubernetes/client-node';

/**
 * On adoption, a field the previous manager set and our rendering leaves out survives the forced apply, and some such
 * fields make the object invalid beside ours. Known case: an APIService installed with `insecureSkipTLSVerify: true`
 * (upstream metrics-server manifests, KEDA, Helm charts) cannot also carry our caBundle: the apiserver answers
 * "may not be true if caBundle is present". Setting the field explicitly takes it over; later applies leave it out
 * again and, as its only manager, we drop it. Pure: returns `desired` itself when nothing needs taking over.
 */
export function takeOverConflictingFields(desired: KubernetesObject, live: KubernetesObject): KubernetesObject {
  const spec = (desired as { spec?: Record<string, unknown> }).spec;
  const liveSpec = (live as { spec?: Record<string, unknown> }).spec;
  if (desired.kind === 'APIService' && spec?.caBundle && liveSpec?.insecureSkipTLSVerify === true) {
    return { ...desired, spec: { ...spec, insecureSkipTLSVerify: false } } as KubernetesObject;
  }
  return desired;
}
