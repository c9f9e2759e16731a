/**
 * Every AWS cache lifetime in one place, each with its reason. Reconciles run on every watch event and on each resync,
 * so these decide how many AWS calls the operator makes: within a TTL a reconcile makes none. Our own writes
 * invalidate what they change, so TTLs only bound how long a change made by someone else goes unseen.
 *
 * How they fit the resync (--resync-period, default 10m): facts that only a deliberate user action changes are kept
 * 30 minutes, three resyncs. So two resyncs out of three make no AWS call at all, and the third is the drift check:
 * AWS-side changes made by someone else (a removed ASG tag, an edited trust policy, a new node group) are seen within
 * 30 minutes. A resync period of 30m or more would make every resync call AWS; keep it below the drift TTL.
 * While something is wrong, the failing check is re-read every `failureRecheck` instead (see below).
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** How long a stable AWS fact is trusted, and so how often drift made outside the operator is looked for. */
export const AWS_DRIFT_CHECK_MS = 30 * MINUTE;

/** Cache lifetimes in milliseconds, by what is cached. */
export const AWS_TTL_MS = {
  /**
   * DescribeCluster: the ARN and OIDC issuer never change for a cluster's life; the version changes only by an
   * upgrade the user starts, after which the Cluster Autoscaler image follows within 30 minutes.
   */
  cluster: AWS_DRIFT_CHECK_MS,
  /** ListClusters: only used to discover the cluster name when neither spec nor node labels give it. */
  clusterList: AWS_DRIFT_CHECK_MS,
  /** ListNodegroups and DescribeNodegroup: node groups are added rarely; a new one's ASG gets its tags within 30 min. */
  nodegroups: AWS_DRIFT_CHECK_MS,
  /** Fargate profiles while none is changing: profiles are immutable and recreated only deliberately. */
  fargateStable: AWS_DRIFT_CHECK_MS,
  /**
   * Fargate profiles while a recreation is in progress (any profile CREATING or DELETING, or we wrote one lately):
   * the next step waits on ACTIVE or on the deletion finishing, so poll each minute rather than stall for 30.
   */
  fargateTransitioning: 1 * MINUTE,
  /** After our own Fargate write, the cluster's profiles count as transitioning this long (EKS takes minutes). */
  fargateWriteWindow: 10 * MINUTE,
  /**
   * DescribeAutoScalingGroups: tags change only by us (invalidated) or the user; min/max/desired in status may lag
   * Cluster Autoscaler's scaling by up to 30 minutes, which status readers can tolerate (Auto Scaling is the truth).
   */
  autoScalingGroups: AWS_DRIFT_CHECK_MS,
  /**
   * GetRole: a trust policy that passed the check changes only when someone edits it. One that failed is re-read on
   * every `failureRecheck` (the reconciler refreshes IAM), so a fix shows within minutes, not after 30.
   */
  role: AWS_DRIFT_CHECK_MS,
  /** List/GetOpenIDConnectProvider: created once per cluster, next to the cluster itself. */
  oidcProviders: AWS_DRIFT_CHECK_MS,
  /**
   * Negative answers (NotFound, a missing ASG): short, because the usual next event is the user creating the thing;
   * cached at all so a wrong roleARN does not cost a call on every reconcile.
   */
  notFound: 1 * MINUTE,
  /**
   * Not a cache lifetime: how soon a failing AWS check (trust policy mismatch, missing tags, AccessDenied) is looked at
   * again, with that service's cache dropped first. Failing states poll; healthy ones make no calls between drift checks.
   */
  failureRecheck: 2 * MINUTE,
} as const;

/** Fargate profile statuses that are on their way to another one. */
export const TRANSITIONAL_FARGATE_STATUSES: ReadonlySet<string> = new Set(['CREATING', 'DELETING']);
