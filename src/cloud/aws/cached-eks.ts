/**
 * {@link EKSPort} with a TTL cache in front: reads within their TTL (see ttl.ts) make no AWS call; our own Fargate
 * writes invalidate the cluster's profile entries and shorten their TTL while EKS works through the change. A read
 * with `uncached` drops its entry first, so it asks AWS and its answer is what later reads see.
 */
import type { NowSource, TtlCache } from './cache.js';
import { isAwsNotFound } from './errors.js';
import type { CreateFargateProfileInput, EKSPort, EksCluster, EksNodegroup, FargateProfile, ReadOptions } from './ports.js';
import { AWS_TTL_MS, TRANSITIONAL_FARGATE_STATUSES } from './ttl.js';

const notFoundTtl = { errorTtlMs: (err: unknown) => (isAwsNotFound(err) ? AWS_TTL_MS.notFound : undefined) };

// Key layout: eks:<what>:<cluster>[:<name>]. Names cannot contain ':' (EKS allows [A-Za-z0-9-_]).
const key = {
  cluster: (name: string) => `eks:cluster:${name}`,
  clusters: () => 'eks:clusters',
  nodegroups: (c: string) => `eks:nodegroups:${c}`,
  nodegroup: (c: string, ng: string) => `eks:nodegroup:${c}:${ng}`,
  profiles: (c: string) => `eks:fargate-list:${c}`,
  profile: (c: string, name: string) => `eks:fargate:${c}:${name}`,
};

/** Caching decorator of an {@link EKSPort}; TTLs from {@link AWS_TTL_MS}. */
export class CachedEKS implements EKSPort {
  // Per cluster: until when our own Fargate writes keep its profiles on the short TTL.
  readonly #writtenUntil = new Map<string, number>();

  constructor(
    private readonly inner: EKSPort,
    private readonly cache: TtlCache,
    private readonly clock: NowSource,
  ) {}

  describeCluster(name: string, options?: ReadOptions): Promise<EksCluster> {
    this.#bypass(key.cluster(name), options);
    return this.cache.getOrLoad(key.cluster(name), () => this.inner.describeCluster(name, options), AWS_TTL_MS.cluster, notFoundTtl);
  }

  listClusters(): Promise<string[]> {
    return this.cache.getOrLoad(key.clusters(), () => this.inner.listClusters(), AWS_TTL_MS.clusterList);
  }

  listNodegroups(clusterName: string): Promise<string[]> {
    return this.cache.getOrLoad(key.nodegroups(clusterName), () => this.inner.listNodegroups(clusterName), AWS_TTL_MS.nodegroups, notFoundTtl);
  }

  describeNodegroup(clusterName: string, nodegroupName: string): Promise<EksNodegroup> {
    return this.cache.getOrLoad(
      key.nodegroup(clusterName, nodegroupName),
      () => this.inner.describeNodegroup(clusterName, nodegroupName),
      AWS_TTL_MS.nodegroups,
      notFoundTtl,
    );
  }

  listFargateProfiles(clusterName: string): Promise<string[]> {
    return this.cache.getOrLoad(
      key.profiles(clusterName),
      () => this.inner.listFargateProfiles(clusterName),
      () => this.#fargateTtl(clusterName),
      notFoundTtl,
    );
  }

  describeFargateProfile(clusterName: string, name: string, options?: ReadOptions): Promise<FargateProfile> {
    this.#bypass(key.profile(clusterName, name), options);
    return this.cache.getOrLoad(
      key.profile(clusterName, name),
      () => this.inner.describeFargateProfile(clusterName, name, options),
      (p) => (TRANSITIONAL_FARGATE_STATUSES.has(p.status) ? AWS_TTL_MS.fargateTransitioning : this.#fargateTtl(clusterName)),
      // A profile we are waiting to see gone must be re-checked on the short TTL too.
      { errorTtlMs: (err) => (isAwsNotFound(err) ? Math.min(AWS_TTL_MS.notFound, this.#fargateTtl(clusterName)) : undefined) },
    );
  }

  async createFargateProfile(input: CreateFargateProfileInput): Promise<FargateProfile> {
    try {
      return await this.inner.createFargateProfile(input);
    } finally {
      // Even a failed create may have half-happened (timeout after EKS accepted it): re-read either way.
      this.#wrote(input.clusterName);
    }
  }

  async deleteFargateProfile(clusterName: string, name: string): Promise<void> {
    try {
      await this.inner.deleteFargateProfile(clusterName, name);
    } finally {
      this.#wrote(clusterName);
    }
  }

  // Invalidation also discards a load in flight, so the read that follows is one AWS answers now.
  #bypass(k: string, options: ReadOptions | undefined): void {
    if (options?.uncached) this.cache.invalidate(k);
  }

  #wrote(clusterName: string): void {
    this.#writtenUntil.set(clusterName, this.clock.now() + AWS_TTL_MS.fargateWriteWindow);
    this.cache.invalidate(key.profiles(clusterName));
    this.cache.invalidatePrefix(`${key.profile(clusterName, '')}`);
  }

  // Short while we changed profiles lately or any cached profile of the cluster is CREATING/DELETING.
  #fargateTtl(clusterName: string): number {
    if ((this.#writtenUntil.get(clusterName) ?? 0) > this.clock.now()) return AWS_TTL_MS.fargateTransitioning;
    const transitioning = this.cache
      .freshKeys(key.profile(clusterName, ''))
      .some((k) => TRANSITIONAL_FARGATE_STATUSES.has(this.cache.peek<FargateProfile>(k)?.status ?? ''));
    return transitioning ? AWS_TTL_MS.fargateTransitioning : AWS_TTL_MS.fargateStable;
  }
}
