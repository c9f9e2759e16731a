import { describe, expect, it } from 'vitest';
import { fixFor } from '../../../../src/reconcilers/existing-metrics-server/fixes.js';

const ref = { namespace: 'kube-system', name: 'metrics-server' };
const helm = { kind: 'Helm', release: 'ms', namespace: 'kube-system' } as const;

describe('fixFor', () => {
  it.each([
    ['gives the EKS add-on its configuration values for an arg', { kind: 'EKSAddon' } as const, { kind: 'arg', arg: '--kubelet-insecure-tls' } as const,
      /^aws eks update-addon --cluster-name demo --addon-name metrics-server --configuration-values '\{"args":\["--kubelet-insecure-tls"\]\}'/],
    ['gives the EKS add-on its containerPort value for the port', { kind: 'EKSAddon' } as const, { kind: 'port', port: 10251 } as const,
      /--configuration-values '\{"containerPort":10251\}'/],
    ['gives a Helm release a helm upgrade with --set args', helm, { kind: 'arg', arg: '--kubelet-insecure-tls' } as const,
      /^helm upgrade ms metrics-server\/metrics-server -n kube-system --reuse-values --set 'args=\{--kubelet-insecure-tls\}'/],
    ['escapes commas in a Helm list value', helm, { kind: 'arg', arg: '--kubelet-preferred-address-types=InternalIP,Hostname' } as const,
      /--set 'args=\{--kubelet-preferred-address-types=InternalIP\\,Hostname\}'/],
    ['gives a Helm release --set containerPort for the port', helm, { kind: 'port', port: 10251 } as const, /--set containerPort=10251/],
    ['gives a Helm release an affinity by --set-json to avoid Fargate', helm, { kind: 'avoidFargate' } as const,
      /--set-json 'affinity=\{"nodeAffinity":.*"NotIn","values":\["fargate"\]/],
    ['gives plain manifests a kubectl json patch', { kind: 'Manifests' } as const, { kind: 'arg', arg: '--kubelet-insecure-tls' } as const,
      /^kubectl -n kube-system patch deployment metrics-server --type=json -p '\[\{"op":"add","path":"\/spec\/template\/spec\/containers\/0\/args\/-","value":"--kubelet-insecure-tls"\}\]'/],
  ])('%s', (_name, installer, change, expected) => {
    expect(fixFor(installer, change, ref, 'demo')).toMatch(expected);
  });
});
