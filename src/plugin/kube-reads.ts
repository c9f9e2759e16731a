/** The doctor's Kubernetes reads over the user's client: plain functions, GET and LIST only, nothing cached or written. */
import type {
  KubernetesListObject, V1APIService, V1ConfigMap, V1Deployment, V1Node, V1Pod, V1Service, V1ServiceAccount, V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { listAPIResources, readServiceAccountIssuer } from '../kube/api-probes.js';
import type { KubeClient } from '../kube/client.js';
import { ignoreNotFound } from '../kube/errors.js';
import { objectRef } from '../kube/resources.js';
import type { ExistingReads } from '../reconcilers/existing-metrics-server/observe.js';
import type { HpaReads } from '../reconcilers/hpa/observe.js';
import type { ServiceAccountRef } from '../reconcilers/cluster-autoscaler/service-account.js';

export type DoctorReads = HpaReads & ExistingReads & {
  readonly readConfigMap: (namespace: string, name: string) => Promise<V1ConfigMap>;
  readonly readAPIService: (name: string) => Promise<V1APIService | undefined>;
  readonly listNodes: () => Promise<V1Node[]>;
  readonly listHpas: () => Promise<KubernetesListObject<V2HorizontalPodAutoscaler>>;
  readonly readServiceAccount: (ref: ServiceAccountRef) => Promise<V1ServiceAccount | undefined>;
  readonly apiserverIssuer: () => Promise<string>;
};

export function doctorReads(client: KubeClient): DoctorReads {
  const listPods = async (namespace: string, labelSelector: string) => (await client.listKind<V1Pod>('v1', 'Pod', { namespace, labelSelector })).items;
  return {
    read: (apiVersion, kind, name, namespace) => ignoreNotFound(client.read(objectRef(apiVersion, kind, name, namespace))),
    listPods,
    discover: async (group, version) => { const r = await listAPIResources(client, group, version); return 'resources' in r ? r.resources : undefined; },
    readService: (namespace, name) => ignoreNotFound(client.read<V1Service>(objectRef('v1', 'Service', name, namespace))),
    listDeployments: async (namespace) => (await client.listKind<V1Deployment>('apps/v1', 'Deployment', { namespace })).items,
    readConfigMap: (namespace, name) => client.read<V1ConfigMap>(objectRef('v1', 'ConfigMap', name, namespace)),
    readAPIService: (name) => ignoreNotFound(client.read<V1APIService>(objectRef('apiregistration.k8s.io/v1', 'APIService', name))),
    listNodes: async () => (await client.listKind<V1Node>('v1', 'Node')).items,
    listHpas: () => client.listKind<V2HorizontalPodAutoscaler>('autoscaling/v2', 'HorizontalPodAutoscaler'),
    readServiceAccount: (ref) => ignoreNotFound(client.read<V1ServiceAccount>(objectRef('v1', 'ServiceAccount', ref.name, ref.namespace))),
    apiserverIssuer: () => readServiceAccountIssuer(client),
  };
}
