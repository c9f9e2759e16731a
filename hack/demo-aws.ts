/**
 * The AWS side of `make demo`: moto on loopback holds the EKS cluster (its OIDC issuer is the one the demo's apiserver
 * publishes, so the operator verifies the cluster as this one) and the Fargate profiles seed 001's cluster has. The
 * demo prints what `aws eks describe-cluster` / `describe-fargate-profile` would show, read through the SDK.
 */
import { DescribeClusterCommand, DescribeFargateProfileCommand, EKSClient, ListFargateProfilesCommand } from '@aws-sdk/client-eks';
import { motoClientConfig, seedEks, type SeededEks } from '../test/support/aws-seed.js';
import { startMoto, type Moto } from '../test/support/moto.js';

export interface DemoAws { readonly moto: Moto; readonly seed: SeededEks }

/** Starts moto and seeds it; `onMoto` gets moto as soon as it runs, so a failed seed can still stop it. */
export async function startDemoAws(onMoto: (m: Moto) => void): Promise<DemoAws> {
  const moto = await startMoto();
  onMoto(moto);
  return { moto, seed: await seedEks(moto.endpoint) };
}

/** A pod as the Fargate admission webhook matches it. */
export interface PodKey { readonly namespace: string; readonly labels: Readonly<Record<string, string>> }

/** The cluster and each Fargate profile, one line each, marking the profiles whose selector takes `pod`. */
export async function describeEks(aws: DemoAws, pod: PodKey): Promise<string[]> {
  const { seed } = aws;
  const eks = new EKSClient(motoClientConfig(aws.moto.endpoint, seed.region));
  try {
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: seed.clusterName }));
    const lines = [`EKS cluster ${cluster?.name} (${seed.region}): ${cluster?.status}, OIDC issuer ${cluster?.identity?.oidc?.issuer}`];
    const names = (await eks.send(new ListFargateProfilesCommand({ clusterName: seed.clusterName }))).fargateProfileNames ?? [];
    for (const name of names.sort()) {
      const { fargateProfile: p } = await eks.send(new DescribeFargateProfileCommand({ clusterName: seed.clusterName, fargateProfileName: name }));
      const selectors = (p?.selectors ?? []).map((s) =>
        [`namespace ${s.namespace}`, ...Object.entries(s.labels ?? {}).map(([k, v]) => `${k}=${v}`)].join(', '));
      // Exact names: the seeded selectors have no wildcards.
      const takes = (p?.selectors ?? []).some((s) => s.namespace === pod.namespace &&
        Object.entries(s.labels ?? {}).every(([k, v]) => pod.labels[k] === v));
      lines.push(`  Fargate profile ${name.padEnd(15)} ${(p?.status ?? '?').padEnd(7)} selectors: ${selectors.join('; ')}` +
        (takes ? `   <- selects metrics-server's pods (namespace ${pod.namespace})` : ''));
    }
    return lines;
  } finally {
    eks.destroy();
  }
}
