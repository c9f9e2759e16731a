/**
 * Which AWS account, region and EKS cluster a MetricsStack talks to, resolved once per reconcile pass and shared by
 * the Fargate and Cluster Autoscaler reconcilers. Clients are made by the composition root, lazily: only a stack on
 * EKS whose spec needs AWS ever asks for them, so other clusters never load credentials or reach an AWS endpoint.
 */
import type { AwsPorts } from '../../cloud/aws/ports.js';
import type { StackContext } from '../stack/context.js';
import { decideClusterIdentity, type ClusterIdentity } from './identity.js';

/** AWS services whose cached answers a reconciler can drop, to re-read a check that failed. */
export type AwsService = 'eks' | 'iam' | 'autoscaling';

/** The cached AWS ports of one region, as the composition root builds them. */
export interface RegionClients extends AwsPorts {
  /** Drops every cached answer of one service, so the next read goes to AWS. */
  refresh(service: AwsService): void;
}

/** Where this stack's cluster lives in AWS, and the ports to reach it. */
export interface AwsSession {
  readonly region: string;
  readonly clusterName: string;
  readonly ports: RegionClients;
}

/** The cluster cannot be identified in AWS; the message says what to set. */
export class AwsTargetError extends Error {
  override readonly name = 'AwsTargetError';
}

export interface AwsSessionDeps {
  /** --aws-region or $AWS_REGION, if given. */
  readonly defaultRegion?: string | undefined;
  /** Cached clients for a region, made on first use and kept (their TTL cache must outlive one reconcile). */
  readonly clientsFor: (region: string) => RegionClients | Promise<RegionClients>;
  /** The service-account issuer this cluster's apiserver publishes (/.well-known/openid-configuration). */
  readonly apiserverIssuer: () => Promise<string>;
}

/**
 * Resolves the session: region from spec.cluster.region, else --aws-region/$AWS_REGION, else the nodes' providerIDs;
 * cluster name from spec.cluster.name, else the nodes' labels, else the account's only EKS cluster (ListClusters).
 * Memoised per pass, so two reconcilers asking make one resolution. Records what it found in status.platform.
 */
export class AwsSessionSource {
  readonly #passes = new WeakMap<StackContext, Promise<AwsSession>>();
  readonly #identities = new WeakMap<StackContext, Promise<ClusterIdentity>>();

  constructor(private readonly d: AwsSessionDeps) {}

  resolve(ctx: StackContext): Promise<AwsSession> {
    return perPass(this.#passes, ctx, () => this.#resolve(ctx));
  }

  /**
   * Whether the session's EKS cluster is this cluster: asked before every AWS write, so it reads the cluster uncached
   * (a cached answer could predate a cluster recreated under the same name). Memoised per pass, like the session;
   * an AWS error rejects, for the caller to report as for any AWS read.
   */
  verifyIdentity(ctx: StackContext, session: AwsSession): Promise<ClusterIdentity> {
    return perPass(this.#identities, ctx, () => this.#verify(session));
  }

  async #verify({ clusterName, region, ports }: AwsSession): Promise<ClusterIdentity> {
    const apiserverIssuer = this.d.apiserverIssuer().catch((err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }));
    const cluster = await ports.eks.describeCluster(clusterName, { uncached: true });
    return decideClusterIdentity({ clusterName, region, eksIssuer: cluster.oidcIssuer, apiserverIssuer: await apiserverIssuer });
  }

  async #resolve(ctx: StackContext): Promise<AwsSession> {
    const region = ctx.spec.cluster?.region ?? this.d.defaultRegion ?? ctx.nodeFacts?.region;
    if (!region) {
      throw new AwsTargetError(
        'The AWS region is unknown: no node has an aws:///<zone>/ providerID. Set spec.cluster.region, or start the operator with ' +
          '--aws-region (or AWS_REGION).',
      );
    }
    const ports = await this.d.clientsFor(region);
    const clusterName = await inferClusterName(ports, region, ctx.spec.cluster?.name ?? ctx.nodeFacts?.clusterName);
    ctx.status.platform = { ...ctx.status.platform, region, clusterName };
    return { region, clusterName, ports };
  }
}

/** One promise per pass: a second caller in the same pass shares the first one's answer. */
function perPass<T>(passes: WeakMap<StackContext, Promise<T>>, ctx: StackContext, make: () => Promise<T>): Promise<T> {
  let pass = passes.get(ctx);
  if (!pass) {
    pass = make();
    passes.set(ctx, pass);
  }
  return pass;
}

/**
 * The EKS cluster's name: the one given (the spec's, the kubectl plugin's --cluster, the nodes' label), else the
 * account's only cluster in the region. Shared with the kubectl plugin, so both find the same cluster.
 */
export async function inferClusterName(ports: Pick<AwsPorts, 'eks'>, region: string, given: string | undefined): Promise<string> {
  return given ?? (await onlyCluster(ports, region));
}

async function onlyCluster(ports: Pick<AwsPorts, 'eks'>, region: string): Promise<string> {
  const clusters = await ports.eks.listClusters();
  if (clusters.length === 1) return clusters[0]!;
  const found = clusters.length === 0 ? 'no EKS cluster' : `${clusters.length} EKS clusters (${clusters.slice(0, 5).join(', ')})`;
  throw new AwsTargetError(
    `Cannot tell which EKS cluster this is: the nodes carry no eks.amazonaws.com/cluster-name label and ListClusters in ${region} ` +
      `found ${found}. Set spec.cluster.name.`,
  );
}
