/** {@link EKSPort} over the SDK v3 EKS client: maps SDK shapes to plain types and SDK errors to {@link AwsError}. */
import {
  CreateFargateProfileCommand,
  DeleteFargateProfileCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  type EKSClient,
  type FargateProfile as SdkFargateProfile,
  ListClustersCommand,
  ListFargateProfilesCommand,
  ListNodegroupsCommand,
} from '@aws-sdk/client-eks';
import { AwsNotFoundError, awsCall } from './errors.js';
import type { CreateFargateProfileInput, EKSPort, EksCluster, EksNodegroup, FargateProfile, FargateSelector } from './ports.js';

/** EKS port over an SDK client built by createAwsClients. */
export class EksAdapter implements EKSPort {
  constructor(private readonly client: EKSClient) {}

  async describeCluster(name: string): Promise<EksCluster> {
    const { cluster: c } = await awsCall('eks:DescribeCluster', () => this.client.send(new DescribeClusterCommand({ name })));
    if (!c?.name) throw new AwsNotFoundError(`EKS returned no cluster for name ${name}`, { action: 'eks:DescribeCluster' });
    const issuer = c.identity?.oidc?.issuer;
    return { name: c.name, arn: c.arn ?? '', version: c.version ?? '', status: c.status ?? 'UNKNOWN', ...(issuer ? { oidcIssuer: issuer } : {}) };
  }

  listClusters(): Promise<string[]> {
    return paginate('eks:ListClusters', async (nextToken) => {
      const out = await this.client.send(new ListClustersCommand({ nextToken, maxResults: 100 }));
      return [out.clusters, out.nextToken];
    });
  }

  listNodegroups(clusterName: string): Promise<string[]> {
    return paginate('eks:ListNodegroups', async (nextToken) => {
      const out = await this.client.send(new ListNodegroupsCommand({ clusterName, nextToken, maxResults: 100 }));
      return [out.nodegroups, out.nextToken];
    });
  }

  async describeNodegroup(clusterName: string, nodegroupName: string): Promise<EksNodegroup> {
    const { nodegroup: ng } = await awsCall('eks:DescribeNodegroup', () =>
      this.client.send(new DescribeNodegroupCommand({ clusterName, nodegroupName })),
    );
    if (!ng?.nodegroupName) throw new AwsNotFoundError(`EKS returned no node group ${nodegroupName}`, { action: 'eks:DescribeNodegroup' });
    const sc = ng.scalingConfig;
    return {
      name: ng.nodegroupName,
      status: ng.status ?? 'UNKNOWN',
      autoScalingGroups: (ng.resources?.autoScalingGroups ?? []).flatMap((g) => (g.name ? [g.name] : [])),
      ...(sc ? { scaling: { minSize: sc.minSize ?? 0, maxSize: sc.maxSize ?? 0, desiredSize: sc.desiredSize ?? 0 } } : {}),
      ...(ng.capacityType ? { capacityType: ng.capacityType } : {}),
    };
  }

  listFargateProfiles(clusterName: string): Promise<string[]> {
    return paginate('eks:ListFargateProfiles', async (nextToken) => {
      const out = await this.client.send(new ListFargateProfilesCommand({ clusterName, nextToken, maxResults: 100 }));
      return [out.fargateProfileNames, out.nextToken];
    });
  }

  async describeFargateProfile(clusterName: string, name: string): Promise<FargateProfile> {
    const { fargateProfile } = await awsCall('eks:DescribeFargateProfile', () =>
      this.client.send(new DescribeFargateProfileCommand({ clusterName, fargateProfileName: name })),
    );
    return toProfile(fargateProfile, name, 'eks:DescribeFargateProfile');
  }

  async createFargateProfile(input: CreateFargateProfileInput): Promise<FargateProfile> {
    const { fargateProfile } = await awsCall('eks:CreateFargateProfile', () =>
      this.client.send(
        new CreateFargateProfileCommand({
          clusterName: input.clusterName,
          fargateProfileName: input.name,
          podExecutionRoleArn: input.podExecutionRoleArn,
          subnets: [...input.subnets],
          selectors: input.selectors.map((s) => ({ namespace: s.namespace, ...(s.labels ? { labels: { ...s.labels } } : {}) })),
          ...(input.tags ? { tags: { ...input.tags } } : {}),
        }),
      ),
    );
    return toProfile(fargateProfile, input.name, 'eks:CreateFargateProfile');
  }

  async deleteFargateProfile(clusterName: string, name: string): Promise<void> {
    await awsCall('eks:DeleteFargateProfile', () =>
      this.client.send(new DeleteFargateProfileCommand({ clusterName, fargateProfileName: name })),
    );
  }
}

function toProfile(p: SdkFargateProfile | undefined, name: string, action: string): FargateProfile {
  if (!p?.fargateProfileName) throw new AwsNotFoundError(`EKS returned no Fargate profile ${name}`, { action });
  return {
    name: p.fargateProfileName,
    status: p.status ?? 'UNKNOWN',
    selectors: (p.selectors ?? []).map(
      (s): FargateSelector => ({ namespace: s.namespace ?? '', ...(s.labels && Object.keys(s.labels).length ? { labels: { ...s.labels } } : {}) }),
    ),
    podExecutionRoleArn: p.podExecutionRoleArn ?? '',
    subnets: [...(p.subnets ?? [])],
  };
}

/** Follows nextToken to the end; the whole walk is one classified call for error purposes. */
async function paginate(action: string, page: (nextToken?: string) => Promise<[string[] | undefined, string | undefined]>): Promise<string[]> {
  return awsCall(action, async () => {
    const all: string[] = [];
    let token: string | undefined;
    do {
      const [items, next] = await page(token);
      all.push(...(items ?? []));
      token = next;
    } while (token);
    return all;
  });
}
