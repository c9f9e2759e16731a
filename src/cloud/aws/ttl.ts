/**
 * Every AWS cache lifetime in one place, each with its reason. Reconciles run on every watch event and on each resync,
 * so these decide how many AWS calls the operator makes: within a TTL a reconcile makes none. Our own writes
 * invalidate what they change, so TTLs only bound how long a change made by someone else goes unseen.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** Cache lifetimes in milliseconds, by what is cached. */
export const AWS_TTL_MS = {
  /**
   * DescribeCluster: the ARN and OIDC issuer never change for a cluster's life; the version changes only by an
   * upgrade the user starts, and a Cluster Autoscaler image one minor behind for 10 minutes is harmless.
   */
  cluster: 10 * MINUTE,
  /** ListClusters: only used to discover the cluster name when neither spec nor node labels give it. */
  clusterList: 10 * MINUTE,
  /** ListNodegroups and DescribeNodegroup: node groups are added rarely; a new one's ASG gets its tags within 5 min. */
  nodegroups: 5 * MINUTE,
  /** Fargate profiles while none is changing: profiles are immutable and recreated only deliberately. */
  fargateStable: 10 * MINUTE,
  /**
   * Fargate profiles while a recreation is in progress (any profile CREATING or DELETING, or we wrote one lately):
   * the next step waits on ACTIVE or on the deletion finishing, so poll each minute rather than stall ten.
   */
  fargateTransitioning: 1 * MINUTE,
  /** After our own Fargate write, the cluster's profiles count as transitioning this long (EKS takes minutes). */
  fargateWriteWindow: 10 * MINUTE,
  /**
   * DescribeAutoScalingGroups: tags change only by us (invalidated) or the user; min/max/desired in status may lag
   * Cluster Autoscaler's scaling by this much, which status readers can tolerate.
   */
  autoScalingGroups: 5 * MINUTE,
  /**
   * GetRole: the trust policy is what a user edits to fix RoleTrustPolicyMismatch; they should see the condition
   * flip within minutes, not after a restart.
   */
  role: 5 * MINUTE,
  /** List/GetOpenIDConnectProvider: created once per cluster, next to the cluster itself. */
  oidcProviders: 10 * MINUTE,
  /**
   * Negative answers (NotFound, a missing ASG): short, because the usual next event is the user creating the thing;
   * cached at all so a wrong roleARN does not cost a call on every reconcile.
   */
  notFound: 1 * MINUTE,
} as const;

/** Fargate profile statuses that are on their way to another one. */
export const TRANSITIONAL_FARGATE_STATUSES: ReadonlySet<string> = new Set(['CREATING', 'DELETING']);
