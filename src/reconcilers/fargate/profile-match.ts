/**
 * Would EKS run this pod on Fargate? A profile selects a pod when any of its selectors does; a selector does when its
 * namespace matches the pod's AND every selector label matches one of the pod's labels. Since August 2022 EKS allows
 * `*` and `?` in the namespace, label keys and label values (EKS user guide, "Fargate profile wildcards").
 * Matching is case-sensitive, as Kubernetes names and labels are.
 */
import type { FargateProfile, FargateSelector } from '../../cloud/aws/ports.js';
import { wildcardMatch } from '../aws/wildcard.js';

/** The pod as the Fargate admission webhook sees it: its namespace and labels. */
export interface PodPlacementKey {
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** True when `selector` selects `pod`. A selector with no labels selects every pod in its namespace(s). */
export function selectorSelectsPod(selector: FargateSelector, pod: PodPlacementKey): boolean {
  if (!wildcardMatch(selector.namespace, pod.namespace)) return false;
  const podLabels = Object.entries(pod.labels ?? {});
  // A wildcard key may be satisfied by any pod label whose key and value both match.
  return Object.entries(selector.labels ?? {}).every(([key, value]) =>
    podLabels.some(([podKey, podValue]) => wildcardMatch(key, podKey) && wildcardMatch(value, podValue)),
  );
}

/** True when any selector of `profile` selects `pod`. */
export function profileSelectsPod(profile: Pick<FargateProfile, 'name' | 'selectors'>, pod: PodPlacementKey): boolean {
  return profile.selectors.some((s) => selectorSelectsPod(s, pod));
}

/**
 * The profiles that select `pod`, in input order. Status is not considered: callers decide whether a CREATING or
 * DELETING profile counts (for "could this pod land on Fargate", it should).
 */
export function matchingProfiles<P extends Pick<FargateProfile, 'name' | 'selectors'>>(profiles: readonly P[], pod: PodPlacementKey): P[] {
  return profiles.filter((p) => profileSelectsPod(p, pod));
}
