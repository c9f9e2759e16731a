import type { V1Lease } from '@kubernetes/client-node';
import type { ObjectClient } from '../kube/client.js';

/** The three coordination.k8s.io/v1 calls leader election makes; {@link leaseClientOf} makes one from a KubeClient. */
export interface LeaseClient {
  readNamespacedLease(param: { name: string; namespace: string }): Promise<V1Lease>;
  createNamespacedLease(param: { namespace: string; body: V1Lease }): Promise<V1Lease>;
  replaceNamespacedLease(param: { name: string; namespace: string; body: V1Lease }): Promise<V1Lease>;
}

const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;

export const leaseClientOf = (c: Pick<ObjectClient, 'read' | 'create' | 'replace'>): LeaseClient => ({
  readNamespacedLease: ({ name, namespace }) => c.read({ ...LEASE, metadata: { name, namespace } }),
  createNamespacedLease: ({ namespace, body }) => c.create({ ...body, ...LEASE, metadata: { ...body.metadata, namespace } }),
  replaceNamespacedLease: ({ name, namespace, body }) =>
    c.replace({ ...body, ...LEASE, metadata: { ...body.metadata, name, namespace } }),
});
