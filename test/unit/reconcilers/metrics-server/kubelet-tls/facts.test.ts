import type { V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KubeletTLSFactsSource } from '../../../../../src/reconcilers/metrics-server/kubelet-tls/facts.js';
import type { KubeletEndpoint } from '../../../../../src/reconcilers/metrics-server/kubelet-tls/inspect.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const node = (name: string, ip: string) => ({ name, addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }], port: 10250 });
const summary = { inspected: 1, unreachable: 0, signedByClusterCA: true, coverAddressType: true, signedCount: 1, coveringCount: 1 };

/** A facts source over a fake ConfigMap read (absent: a 404, as the apiserver answers) that records what it inspects. */
function source(data: Record<string, string> | undefined) {
  const inspected: { endpoints: readonly KubeletEndpoint[]; ca: string | undefined }[] = [];
  const reads: string[] = [];
  const readConfigMap = async (namespace: string, name: string): Promise<V1ConfigMap> => {
    reads.push(`${namespace}/${name}`);
    if (!data) throw Object.assign(new Error('configmaps "kube-root-ca.crt" not found'), { code: 404 });
    return { data };
  };
  const facts = new KubeletTLSFactsSource(readConfigMap, () => 0, async (endpoints, ca) => {
    inspected.push({ endpoints, ca });
    return summary;
  });
  return { facts, inspected, reads };
}

describe('KubeletTLSFactsSource', () => {
  it('names the ConfigMap key to mount when the cluster CA is there, and inspects the kubelets at the dialled address', async () => {
    const { facts, inspected, reads } = source({ 'ca.crt': PEM });
    const got = await facts.get('kube-system', [node('ip-10-0-1-1', '10.0.1.1')], 'Hostname', true);
    expect(got).toEqual({ clusterCA: { configMapName: 'kube-root-ca.crt', key: 'ca.crt' }, certs: summary });
    expect(reads).toEqual(['kube-system/kube-root-ca.crt']);
    expect(inspected).toEqual([{ endpoints: [{ name: 'ip-10-0-1-1', address: { type: 'Hostname', value: 'ip-10-0-1-1' }, port: 10250 }], ca: PEM }]);
  });

  it.each([
    ['the ConfigMap does not exist', undefined],
    ['the ConfigMap lacks ca.crt', { other: PEM }],
  ])('has no cluster CA to mount when %s', async (_name, data) => {
    const { facts } = source(data);
    expect((await facts.get('kube-system', [], 'InternalIP', false)).clusterCA).toBeUndefined();
  });

  it('dials no kubelet unless kubeletTLS is Auto', async () => {
    const { facts, inspected } = source({ 'ca.crt': PEM });
    expect((await facts.get('kube-system', [node('a', '10.0.1.1')], 'InternalIP', false)).certs).toBeUndefined();
    expect(inspected).toEqual([]);
  });

  it('answers a second pass with the same nodes from its cache, without reading or dialling again', async () => {
    const { facts, inspected, reads } = source({ 'ca.crt': PEM });
    await facts.get('kube-system', [node('a', '10.0.1.1')], 'InternalIP', true);
    await facts.get('kube-system', [node('a', '10.0.1.1')], 'InternalIP', true);
    expect([reads.length, inspected.length]).toEqual([1, 1]);
  });
});
