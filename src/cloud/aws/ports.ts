/**
 * The narrow AWS interfaces the operator uses, one per service, with only the calls it makes. Everything here is a
 * plain type: no SDK type crosses this boundary, so reconcilers and tests never depend on @aws-sdk/*.
 */

/** Lifecycle of an EKS cluster (the SDK's ClusterStatus, as a plain string). */
export type ClusterStatus = 'CREATING' | 'ACTIVE' | 'DELETING' | 'FAILED' | 'UPDATING' | 'PENDING' | (string & {});

/** What the operator reads from DescribeCluster. */
export interface EksCluster {
  readonly name: string;
  readonly arn: string;
  /** Kubernetes minor version as EKS reports it, e.g. "1.31". */
  readonly version: string;
  /** https://oidc.eks.<region>.amazonaws.com/id/<ID>; absent only while the cluster is being created. */
  readonly oidcIssuer?: string;
  readonly status: ClusterStatus;
}

/** What the operator reads from DescribeNodegroup. */
export interface EksNodegroup {
  readonly name: string;
  readonly status: string;
  /** Names of the Auto Scaling groups EKS made for the node group; Cluster Autoscaler discovers these by tag. */
  readonly autoScalingGroups: readonly string[];
  readonly scaling?: { readonly minSize: number; readonly maxSize: number; readonly desiredSize: number };
  readonly capacityType?: string;
}

/** Lifecycle of a Fargate profile. Profiles are immutable: there is no UPDATING. */
export type FargateProfileStatus = 'CREATING' | 'ACTIVE' | 'DELETING' | 'CREATE_FAILED' | 'DELETE_FAILED' | (string & {});

/** One selector: the namespace and every label must match a pod (`*` and `?` are wildcards). */
export interface FargateSelector {
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** What the operator reads from DescribeFargateProfile. */
export interface FargateProfile {
  readonly name: string;
  readonly status: FargateProfileStatus;
  readonly selectors: readonly FargateSelector[];
  readonly podExecutionRoleArn: string;
  readonly subnets: readonly string[];
}

/** Input of CreateFargateProfile: a replacement copies the original's role and subnets with new selectors. */
export interface CreateFargateProfileInput {
  readonly clusterName: string;
  readonly name: string;
  readonly podExecutionRoleArn: string;
  readonly subnets: readonly string[];
  readonly selectors: readonly FargateSelector[];
  readonly tags?: Readonly<Record<string, string>>;
}

/** Options of one read through a cached port. */
export interface ReadOptions {
  /** Ask AWS now, whatever the cache holds (the answer replaces the cached one): for a read a destructive step rests on. */
  readonly uncached?: boolean;
}

/** Amazon EKS, as far as the operator uses it. */
export interface EKSPort {
  describeCluster(name: string, options?: ReadOptions): Promise<EksCluster>;
  listClusters(): Promise<string[]>;
  listNodegroups(clusterName: string): Promise<string[]>;
  describeNodegroup(clusterName: string, nodegroupName: string): Promise<EksNodegroup>;
  listFargateProfiles(clusterName: string): Promise<string[]>;
  describeFargateProfile(clusterName: string, name: string, options?: ReadOptions): Promise<FargateProfile>;
  createFargateProfile(input: CreateFargateProfileInput): Promise<FargateProfile>;
  /** Starts the deletion; the profile goes DELETING (real EKS) or vanishes at once (moto). */
  deleteFargateProfile(clusterName: string, name: string): Promise<void>;
}

/** What the operator reads from DescribeAutoScalingGroups. */
export interface AutoScalingGroup {
  readonly name: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  /** Tag key → value. Cluster Autoscaler's auto-discovery looks only at the keys. */
  readonly tags: Readonly<Record<string, string>>;
}

/** EC2 Auto Scaling, as far as the operator uses it. */
export interface AutoScalingPort {
  /** Groups that exist among `names`, in no particular order; names that do not exist are simply absent. */
  describeAutoScalingGroups(names: readonly string[]): Promise<AutoScalingGroup[]>;
  /** Adds or overwrites tags on one group (PropagateAtLaunch false: discovery tags are for the group only). */
  createOrUpdateTags(asgName: string, tags: Readonly<Record<string, string>>): Promise<void>;
}

/** What the operator reads from GetRole. */
export interface IamRole {
  readonly name: string;
  readonly arn: string;
  /** The trust policy, URL-decoded and parsed. Untrusted JSON: validate before use. */
  readonly trustPolicy: unknown;
}

/** What the operator reads from GetOpenIDConnectProvider. */
export interface OidcProvider {
  readonly arn: string;
  /** The issuer without its scheme, as IAM stores it: oidc.eks.<region>.amazonaws.com/id/<ID>. */
  readonly url: string;
  /** Audiences; IRSA needs sts.amazonaws.com. */
  readonly clientIds: readonly string[];
}

/** AWS IAM, as far as the operator uses it (read-only: the operator checks IRSA, it does not create roles). */
export interface IAMPort {
  getRole(name: string): Promise<IamRole>;
  /** ARNs of every IAM OIDC provider in the account. */
  listOpenIDConnectProviders(): Promise<string[]>;
  getOpenIDConnectProvider(arn: string): Promise<OidcProvider>;
}

/** The three ports together, as the composition root hands them to reconcilers. */
export interface AwsPorts {
  readonly eks: EKSPort;
  readonly autoScaling: AutoScalingPort;
  readonly iam: IAMPort;
}
