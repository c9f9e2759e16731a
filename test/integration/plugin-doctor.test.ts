/**
 * `kubectl metricsstack doctor` with no operator installed, on the local control plane: metrics-server installed by
 * `helm install` of the upstream chart (the real binary serving as its pod, as in existing-metrics-server.test.ts),
 * kwok serving the kubelets' certificates (signed for 127.0.0.1 only, so verifying them at the nodes' InternalIPs
 * fails), then the release's pods moved onto Fargate nodes, then the AWS side from moto: the seeded Fargate profile
 * that selects kube-system, and a Cluster Autoscaler role that trusts another cluster's OIDC provider.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoClientConfig, seedEks, seedEksCluster, type SeededCluster, type SeededEks } from '../support/aws-seed.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { clusterTool } from '../support/helm.js';
import { startMoto, type Moto } from '../support/moto.js';
import { motoRecording, resetMotoRecording } from '../support/moto-recording.js';
import { chartDir, serveChartPod } from '../support/metrics-server-chart.js';
import type { RunningPod } from '../support/pod-runner.js';
import { until } from '../support/stacks.js';

const RELEASE = 'metrics-server';
const DEPLOYMENT = `deployment kube-system/${RELEASE}`;
const HELM_UPGRADE = `helm upgrade ${RELEASE} metrics-server/metrics-server -n kube-system --reuse-values`;

interface Row { object: string; cause: string; message: string; fix: string }
interface Report { findings: Row[]; unknown: string[]; metricsServer?: { servedBy: string }; aws?: Record<string, unknown> }
interface Run { code: number; stdout: string; stderr: string; report?: Report }

/** The environment without AWS: the doctor must not reach for AWS unless credentials (or --aws) say so. */
const noAws = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));

describe('kubectl metricsstack doctor without the operator', () => {
  let cluster: TestCluster;
  let moto: Moto;
  let seed: SeededEks;
  let west: SeededCluster;
  let helm: ReturnType<typeof clusterTool>;
  let msPod: RunningPod | undefined;
  const doctor = async (args: string[], env: NodeJS.ProcessEnv = noAws): Promise<Run> => {
    const argv = ['dist/kubectl-metricsstack.js', 'doctor', '--kubeconfig', cluster.kubeconfigPath, ...args];
    const r: Run = await promisify(execFile)(process.execPath, argv, { env, timeout: 60_000 })
      .then((o) => ({ code: 0, ...o }), (e: { code: number; stdout: string; stderr: string }) => e);
    return args.includes('json') && r.stdout ? { ...r, report: JSON.parse(r.stdout) as Report } : r;
  };
  const row = (r: Run, cause: string) => r.report?.findings.find((f) => f.cause === cause);

  beforeAll(async () => {
    const motoUp = startMoto(30_000, { recordTo: join(process.env.TMPDIR ?? '/tmp', `moto-plugin-doctor-${process.pid}.jsonl`) });
    const seeded = motoUp.then((m) => seedEks(m.endpoint));
    [cluster, moto, seed] = await Promise.all([
      startCluster({ preset: 'eks-mixed', name: 'plugin-doc', network: true, serviceAccountIssuer: seeded.then((x) => x.issuerUrl) }), motoUp, seeded]);
    west = await seedEksCluster(moto.endpoint, { region: 'eu-west-1' });
    helm = clusterTool(cluster, 'helm');
    await cluster.setClusterUsage('kube-system-baseline', { namespaces: ['kube-system'] }, { cpu: '5m', memory: '30Mi' });
  }, 180_000);
  afterAll(async () => {
    await msPod?.stop();
    await Promise.all([cluster?.stop(), moto?.stop()]);
  });

  it('names the kubelet x509 failure metrics-server meets, with the fix as helm upgrade --set, and exits 1', async () => {
    // The chart's own args: it verifies kubelet certificates (no --kubelet-insecure-tls).
    await helm('install', RELEASE, chartDir(), '-n', 'kube-system');
    msPod = await serveChartPod(cluster);

    const r = await doctor(['-o', 'json']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.report?.metricsServer?.servedBy).toBe(`Helm release "${RELEASE}" in namespace kube-system`);
    const tls = row(r, 'KubeletCertificateUnverifiable');
    expect(tls?.object).toBe(DEPLOYMENT);
    // Seed 004's error, as Go's crypto/x509 words it for kwok's certificate (valid for 127.0.0.1 only) at an InternalIP.
    const predicted = /x509: certificate is valid for 127\.0\.0\.1, not (10\.0\.\d+\.\d+)/.exec(tls?.message ?? '');
    expect(predicted, tls?.message).not.toBeNull();
    expect(tls?.fix).toContain(`${HELM_UPGRADE} --set 'args={--kubelet-insecure-tls}'`);
    // eks-mixed has Fargate nodes, where the kubelet holds the chart's port 10250.
    expect(row(r, 'SecurePortReservedOnFargate')?.fix).toContain(`${HELM_UPGRADE} --set containerPort=10251`);
    // No AWS credentials in the environment: no AWS row, and nothing said about AWS.
    expect(r.report?.aws).toBeUndefined();
    // The real metrics-server, scraping the same kubelets, logs the error the doctor predicted.
    await until('metrics-server logs the x509 failure', async () => msPod!.logs().includes(predicted![0]), 60_000);

    const table = await doctor([]);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(new RegExp(`^${DEPLOYMENT.replace('/', '\\/')} +KubeletCertificateUnverifiable$`, 'm'));
    console.log(table.stdout);
  }, 180_000);

  it('names metrics-server pods on a Fargate node, with seed 001\'s error and the Helm fix', async () => {
    await msPod?.stop();
    msPod = undefined;
    const onFargate = JSON.stringify({ 'eks.amazonaws.com/compute-type': 'fargate' });
    const tolerate = JSON.stringify([{ key: 'eks.amazonaws.com/compute-type', operator: 'Exists' }]);
    await helm('upgrade', RELEASE, chartDir(), '-n', 'kube-system', '--reuse-values', '--set-json', `nodeSelector=${onFargate}`,
      '--set-json', `tolerations=${tolerate}`);
    let r: Run | undefined;
    await until('the doctor sees metrics-server\'s pod on a Fargate node', async () => {
      r = await doctor(['-o', 'json']);
      return /run on Fargate node fargate-ip-10-0-[23]-\d+\.ec2\.internal: /.test(row(r, 'MetricsServerOnFargate')?.message ?? '');
    }, 90_000);
    const fargate = row(r!, 'MetricsServerOnFargate')!;
    expect(r!.code).toBe(1);
    expect(fargate.object).toBe(DEPLOYMENT);
    expect(fargate.message).toContain('dial tcp <ip>:10250: connect: connection refused');
    expect(fargate.fix).toContain(`${HELM_UPGRADE} --set-json 'affinity={"nodeAffinity":`);
    expect(fargate.fix).toContain('"key":"eks.amazonaws.com/compute-type","operator":"NotIn","values":["fargate"]');
  }, 120_000);

  it('with AWS credentials: the Fargate profile selecting kube-system and a role trusting another cluster\'s provider', async () => {
    const westProvider = `arn:aws:iam::${seed.accountId}:oidc-provider/${west.issuerHost}`;
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: westProvider }, Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${west.issuerHost}:sub`]: 'system:serviceaccount:kube-system:cluster-autoscaler' } } }] };
    const iam = new IAMClient(motoClientConfig(moto.endpoint));
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'ca-other-cluster', AssumeRolePolicyDocument: JSON.stringify(trust) }))
      .finally(() => iam.destroy());
    await cluster.kubectl(['-n', 'kube-system', 'create', 'serviceaccount', 'cluster-autoscaler']);
    await cluster.kubectl(['-n', 'kube-system', 'annotate', 'serviceaccount', 'cluster-autoscaler', `eks.amazonaws.com/role-arn=${role.Role!.Arn}`]);
    await resetMotoRecording(moto.endpoint);

    const r = await doctor(['-o', 'json'], { ...noAws, ...moto.env });
    expect(r.code, r.stderr).toBe(1);
    // The nodes' label names cluster demo and their providerIDs us-east-1; its issuer is this apiserver's, so no identity row.
    expect(r.report?.aws).toMatchObject({ region: 'us-east-1', clusterName: 'demo', oidcIssuer: seed.issuerUrl });
    expect(row(r, 'ClusterIdentityUnverified')).toBeUndefined();
    const profile = row(r, 'SelectedByFargateProfile');
    expect(profile).toMatchObject({ object: 'fargateprofile fp-kube-system' });
    expect(profile?.message).toContain('Fargate profile fp-kube-system (namespace kube-system) selects metrics-server\'s pods in kube-system');
    expect(profile?.fix).toContain('create a replacement for fp-kube-system whose selectors do not match metrics-server\'s pods');
    const irsa = row(r, 'RoleTrustPolicyMismatch');
    expect(irsa?.object).toBe('serviceaccount kube-system/cluster-autoscaler');
    expect(irsa?.message).toContain('(ProviderMismatch)');
    expect(irsa?.message).toContain(`Principal.Federated "${seed.oidcProviderArn}" expected, found "${westProvider}"`);
    expect(irsa?.fix).toContain('aws iam update-assume-role-policy --role-name ca-other-cluster --policy-document');
    expect(irsa?.fix).toContain(`"Federated":"${seed.oidcProviderArn}"`);
    expect(irsa?.fix).toContain(`"${seed.issuerHost}:sub":"system:serviceaccount:kube-system:cluster-autoscaler"`);

    // Read-only in AWS: EKS reads are GETs, IAM's are Get*/List* actions.
    const calls = (await motoRecording(moto.endpoint)).map((c) => {
      const action = /(?:^|&)Action=(\w+)/.exec(c.body_encoded ? Buffer.from(c.body ?? '', 'base64').toString('utf8') : (c.body ?? ''))?.[1];
      return `${c.method} ${action ?? new URL(c.url).pathname}`;
    });
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call).toMatch(/^(GET \/clusters|POST (Get|List)\w+$)/);
    console.log(`[plugin-doctor] AWS calls: ${calls.join(', ')}`);
    const table = await doctor([], { ...noAws, ...moto.env });
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/^serviceaccount kube-system\/cluster-autoscaler +RoleTrustPolicyMismatch$/m);
    console.log(table.stdout);
  }, 120_000);
});
