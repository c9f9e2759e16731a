// Seeds moto with the AWS side of an EKS cluster as the operator expects to find it, through the real SDK clients.
//
// moto 5.2.5 behaviours measured against this helper (later tests rely on them — re-check when bumping moto):
// - Clusters, node groups and Fargate profiles are ACTIVE in the Create* response itself; there is no CREATING phase.
// - Delete{FargateProfile,Nodegroup,Cluster} remove the resource at once: the response still says ACTIVE (never
//   DELETING) and the next Describe* throws ResourceNotFoundException. Code that waits for DELETING → gone must also
//   accept "gone immediately".
// - The OIDC issuer is https://oidc.eks.<region>.amazonaws.com/id/<10 random chars>, but the random part is drawn once
//   per moto process: every cluster of a region, in every account, before and after /moto-api/reset, gets the same
//   issuer; a cluster in another region gets another (its region is part of it).
// - A node group reports resources.autoScalingGroups = [{ name: 'eks-<uuid>' }] (real EKS: 'eks-<ng>-<uuid>') but
//   moto creates no such ASG, and node group scalingConfig and the ASG never sync. We create the ASG under that name.
// - An ASG with DesiredCapacity N launches N moto EC2 instances from a launch configuration; no AMI validation.
// - GetRole/CreateRole return AssumeRolePolicyDocument URL-encoded (as real IAM does): decodeURIComponent first.
// - EKS TagResource only works on clusters in moto; node group tags can only be set at creation.
import { AutoScalingClient, CreateAutoScalingGroupCommand, CreateLaunchConfigurationCommand } from '@aws-sdk/client-auto-scaling';
import { CreateClusterCommand, CreateFargateProfileCommand, CreateNodegroupCommand, EKSClient } from '@aws-sdk/client-eks';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';

export interface SeedOptions {
  clusterName?: string;
  region?: string;
  /** moto's default account unless set; other accounts are selected per request with moto's x-moto-account-id header,
   * so the operator only sees them if it sends the same header (or moto runs with MOTO_ACCOUNT_ID). */
  accountId?: string;
}

/** The EKS side only: cluster, node group with its ASG, Fargate profiles (see {@link seedEksCluster}). */
export interface SeededCluster {
  region: string;
  accountId: string;
  clusterName: string;
  clusterArn: string;
  issuerUrl: string;
  /** Issuer without https:// — the prefix of the trust policy condition keys. */
  issuerHost: string;
  nodegroupName: string;
  asgName: string;
  scaling: { min: number; max: number; desired: number };
  fargateProfiles: { name: string; namespace: string; labels?: Record<string, string> }[];
}

export interface SeededEks extends SeededCluster {
  oidcProviderArn: string;
  caRole: { name: string; arn: string; sub: string };
  /** Trusts the CA service account, plus a Deny on aws:SourceIp that only the live STS request can decide. */
  sourceIpDenyRole: { name: string; arn: string; sub: string };
  wrongSubRole: { name: string; arn: string; sub: string };
}

export const MOTO_DEFAULT_ACCOUNT = '123456789012';
export const CA_SERVICE_ACCOUNT_SUB = 'system:serviceaccount:kube-system:cluster-autoscaler';

export function motoClientConfig(endpoint: string, region = 'us-east-1') {
  return { endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
}

type Clients = { eks: EKSClient; asg: AutoScalingClient; iam: IAMClient };

function motoClients(endpoint: string, region: string, accountId: string): Clients {
  const cfg = motoClientConfig(endpoint, region);
  const [eks, asg, iam] = [new EKSClient(cfg), new AutoScalingClient(cfg), new IAMClient(cfg)];
  // moto picks the account from this header; each client's stack has its own generic types, hence the narrow view.
  type Next = (args: { request: { headers?: Record<string, string> } }) => unknown;
  type HeaderStack = { add(mw: (next: Next) => Next, opts: { step: 'build'; name: string }): void };
  for (const client of [eks, asg, iam]) {
    (client.middlewareStack as unknown as HeaderStack).add(
      (next) => (args) => {
        if (args.request.headers) args.request.headers['x-moto-account-id'] = accountId;
        return next(args);
      },
      { step: 'build', name: 'motoAccountId' },
    );
  }
  return { eks, asg, iam };
}

/** Expects a fresh (or reset) moto: names are fixed, so seeding twice without resetMoto() fails on duplicates. */
export const seedEks = (endpoint: string, opts: SeedOptions = {}): Promise<SeededEks> =>
  withMoto(endpoint, opts, async (c) => {
    const cluster = await seedWith(c, opts);
    return { ...cluster, ...(await seedIam(c.iam, cluster)) };
  });

/**
 * The EKS cluster, node group, ASG and Fargate profiles without the IAM side (IAM is global: a second cluster in
 * another region of the same moto would collide on role names). moto gives a cluster in another region another OIDC
 * issuer, so such a cluster is "not this cluster" for a test apiserver that publishes the first one's.
 */
export const seedEksCluster = (endpoint: string, opts: SeedOptions = {}): Promise<SeededCluster> =>
  withMoto(endpoint, opts, (c) => seedWith(c, opts));

async function withMoto<T>(endpoint: string, opts: SeedOptions, run: (c: Clients) => Promise<T>): Promise<T> {
  const c = motoClients(endpoint, opts.region ?? 'us-east-1', opts.accountId ?? MOTO_DEFAULT_ACCOUNT);
  try {
    return await run(c);
  } finally {
    for (const client of Object.values(c)) client.destroy();
  }
}

async function seedWith({ eks, asg }: Clients, opts: SeedOptions): Promise<SeededCluster> {
  const { clusterName = 'demo', region = 'us-east-1', accountId = MOTO_DEFAULT_ACCOUNT } = opts;
  const roleArn = (name: string) => `arn:aws:iam::${accountId}:role/${name}`;
  const subnets = ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'];
  const scaling = { min: 1, max: 4, desired: 2 };

  const { cluster } = await eks.send(
    new CreateClusterCommand({ name: clusterName, roleArn: roleArn('eks-cluster'), resourcesVpcConfig: { subnetIds: subnets } }),
  );
  const issuerUrl = cluster?.identity?.oidc?.issuer;
  if (!cluster?.arn || !issuerUrl) throw new Error('moto CreateCluster returned no ARN or OIDC issuer');

  const nodegroupName = 'ng-1';
  const { nodegroup } = await eks.send(
    new CreateNodegroupCommand({
      clusterName,
      nodegroupName,
      nodeRole: roleArn('eks-node'),
      subnets,
      scalingConfig: { minSize: scaling.min, maxSize: scaling.max, desiredSize: scaling.desired },
    }),
  );
  const asgName = nodegroup?.resources?.autoScalingGroups?.[0]?.name;
  if (!asgName) throw new Error('moto CreateNodegroup returned no resources.autoScalingGroups');

  // The ASG EKS would have made: its name and EKS ownership tags, but no k8s.io/cluster-autoscaler/* discovery tags —
  // adding those is the operator's job.
  const lc = { LaunchConfigurationName: `${asgName}-lc`, ImageId: 'ami-0abcdef1234567890', InstanceType: 't3.medium' };
  await asg.send(new CreateLaunchConfigurationCommand(lc));
  const tag = (Key: string, Value: string) => ({ Key, Value, PropagateAtLaunch: true });
  await asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: asgName,
      LaunchConfigurationName: lc.LaunchConfigurationName,
      MinSize: scaling.min,
      MaxSize: scaling.max,
      DesiredCapacity: scaling.desired,
      AvailabilityZones: [`${region}a`, `${region}b`],
      Tags: [
        tag('eks:cluster-name', clusterName),
        tag('eks:nodegroup-name', nodegroupName),
        tag(`kubernetes.io/cluster/${clusterName}`, 'owned'),
      ],
    }),
  );

  const fargateProfiles = [
    { name: 'fp-kube-system', namespace: 'kube-system' },
    { name: 'fp-default', namespace: 'default', labels: { compute: 'fargate' } },
  ];
  for (const fp of fargateProfiles) {
    await eks.send(
      new CreateFargateProfileCommand({
        clusterName,
        fargateProfileName: fp.name,
        podExecutionRoleArn: roleArn('eks-fargate-pod-execution'),
        subnets,
        selectors: [{ namespace: fp.namespace, ...(fp.labels && { labels: fp.labels }) }],
      }),
    );
  }

  return { region, accountId, clusterName, clusterArn: cluster.arn, issuerUrl, issuerHost: issuerUrl.replace(/^https:\/\//, ''),
    nodegroupName, asgName, scaling, fargateProfiles };
}

async function seedIam(iam: IAMClient, { issuerUrl, issuerHost }: SeededCluster): Promise<Omit<SeededEks, keyof SeededCluster>> {
  const { OpenIDConnectProviderArn: oidcProviderArn } = await iam.send(
    new CreateOpenIDConnectProviderCommand({
      Url: issuerUrl,
      ClientIDList: ['sts.amazonaws.com'],
      ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'], // EKS's published root CA thumbprint
    }),
  );
  if (!oidcProviderArn) throw new Error('moto CreateOpenIDConnectProvider returned no ARN');

  const irsaRole = async (name: string, sub: string, ...more: object[]) => {
    const statement = {
      Effect: 'Allow',
      Principal: { Federated: oidcProviderArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${issuerHost}:sub`]: sub, [`${issuerHost}:aud`]: 'sts.amazonaws.com' } },
    };
    const trust = { Version: '2012-10-17', Statement: [statement, ...more] };
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    if (!Role?.Arn) throw new Error(`moto CreateRole ${name} returned no ARN`);
    return { name, arn: Role.Arn, sub };
  };
  const caRole = await irsaRole('cluster-autoscaler', CA_SERVICE_ACCOUNT_SUB);
  // Right name, wrong namespace: the classic IRSA mistake the operator must report.
  const wrongSubRole = await irsaRole('ca-wrong-sub', 'system:serviceaccount:default:cluster-autoscaler');
  const sourceIpDenyRole = await irsaRole('ca-source-ip-deny', CA_SERVICE_ACCOUNT_SUB, {
    Sid: 'OnlyFromVpc',
    Effect: 'Deny',
    Principal: { Federated: oidcProviderArn },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] } },
  });

  return { oidcProviderArn, caRole, wrongSubRole, sourceIpDenyRole };
}
