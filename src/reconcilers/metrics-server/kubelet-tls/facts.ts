import type { V1ConfigMap } from '@kubernetes/client-node';
import { ignoreNotFound } from '../../../kube/errors.js';
import { inspectKubelets } from './inspect.js';
import type { KubeletCertSummary } from './analyze.js';
import type { NodeFacts } from '../../platform/node-facts.js';
import type { KubeletCASource } from '../../../render/metrics-server/input.js';

/**
 * Kubelet certificates change only when nodes are replaced, and dialling kubelets costs a TLS handshake each:
 * inspect at most this often per node sample, so a resync with nothing changed dials nothing.
 */
export const KUBELET_TLS_FACTS_TTL_MS = 10 * 60_000;
/** The cluster CA every namespace gets from kube-controller-manager's root-ca-cert-publisher. */
export const CLUSTER_CA_CONFIGMAP = { name: 'kube-root-ca.crt', key: 'ca.crt' } as const;

/** What the kubelet TLS decision is made from: one type from the inspection to decideKubeletTLS. */
export interface KubeletTLSFacts {
  /** Where the cluster CA bundle is, to mount for `--kubelet-certificate-authority`; undefined when it was not found. */
  readonly clusterCA: KubeletCASource | undefined;
  /** Undefined when not inspected (kubeletTLS is not Auto). */
  readonly certs: KubeletCertSummary | undefined;
}

type Inspect = typeof inspectKubelets;

/** Reads the cluster CA and, for Auto, a sample of kubelet certificates; caches the answer for a TTL per input. */
export class KubeletTLSFactsSource {
  private cached: { key: string; at: number; facts: KubeletTLSFacts } | undefined;

  constructor(
    private readonly readConfigMap: (namespace: string, name: string) => Promise<V1ConfigMap>,
    private readonly now: () => number,
    private readonly inspect: Inspect = inspectKubelets,
  ) {}

  async get(namespace: string, samples: NodeFacts['samples'], addressType: string, inspect: boolean): Promise<KubeletTLSFacts> {
    const endpoints = samples.flatMap((s) => {
      const address = s.addresses.find((a) => a.type === addressType);
      return address ? [{ name: s.name, address: { type: address.type, value: address.address }, port: s.port }] : [];
    });
    const key = JSON.stringify([namespace, addressType, inspect, endpoints]);
    if (this.cached && this.cached.key === key && this.now() - this.cached.at < KUBELET_TLS_FACTS_TTL_MS) return this.cached.facts;
    const cm = await ignoreNotFound(this.readConfigMap(namespace, CLUSTER_CA_CONFIGMAP.name));
    const caPem = cm?.data?.[CLUSTER_CA_CONFIGMAP.key];
    const certs = inspect ? await this.inspect(endpoints, caPem) : undefined;
    const clusterCA = caPem === undefined ? undefined : { configMapName: CLUSTER_CA_CONFIGMAP.name, key: CLUSTER_CA_CONFIGMAP.key };
    const facts = { clusterCA, certs };
    this.cached = { key, at: this.now(), facts };
    return facts;
  }
}
