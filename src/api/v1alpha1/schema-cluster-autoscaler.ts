/** Schema of `spec.clusterAutoscaler` and `spec.cluster`: Cluster Autoscaler IRSA, ASG discovery, optional deployment. */
import { Type } from '@sinclair/typebox';
import { Duration, Image, NamespaceName, WithDefault } from './schema-helpers.js';

/** IAM role ARN: partition, 12-digit account, role path and name. CEL (RE2) has no \w, so the class is spelled out. */
export const ROLE_ARN_PATTERN = '^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]{1,512}$';

export const ServiceAccountRefSchema = Type.Object(
  {
    namespace: WithDefault(NamespaceName({ description: 'Namespace of the Cluster Autoscaler service account.' }), 'kube-system'),
    name: WithDefault(
      Type.String({
        minLength: 1,
        maxLength: 253,
        pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
        description: 'Name of the Cluster Autoscaler service account.',
      }),
      'cluster-autoscaler',
    ),
  },
  { description: 'The service account Cluster Autoscaler runs as; it gets the eks.amazonaws.com/role-arn annotation.' },
);

export const ScaleDownSchema = Type.Object(
  {
    enabled: WithDefault(Type.Boolean({ description: 'Whether Cluster Autoscaler removes unneeded nodes.' }), true),
    delayAfterAdd: WithDefault(Duration({ description: 'How long after a scale-up scale-down resumes.' }), '10m'),
    unneededTime: WithDefault(Duration({ description: 'How long a node must be unneeded before it is removed.' }), '10m'),
    utilizationThreshold: WithDefault(
      Type.String({
        pattern: '^(0(\\.[0-9]+)?|1(\\.0+)?)$',
        maxLength: 16,
        description: 'Node utilization (requests / allocatable, 0 to 1) below which a node may be removed, e.g. "0.5".',
      }),
      '0.5',
    ),
  },
  { description: 'Scale-down settings (used when deploy is true).' },
);

export const ClusterAutoscalerSchema = Type.Object(
  {
    serviceAccount: WithDefault(ServiceAccountRefSchema, {}),
    roleARN: Type.Optional(
      Type.String({
        maxLength: 2048,
        description:
          'IAM role for Cluster Autoscaler (IRSA). Its trust policy must allow sts:AssumeRoleWithWebIdentity from the ' +
          "cluster's OIDC provider for system:serviceaccount:<namespace>:<name>; the operator checks it.",
        'x-kubernetes-validations': [
          {
            rule: `self.matches('${ROLE_ARN_PATTERN}')`,
            message: 'roleARN must look like arn:aws:iam::<12-digit account>:role/<name>',
          },
        ],
      }),
    ),
    manageASGTags: WithDefault(
      Type.Boolean({
        description:
          "Add the auto-discovery tags k8s.io/cluster-autoscaler/enabled and k8s.io/cluster-autoscaler/<cluster> to the cluster's Auto Scaling groups.",
      }),
      false,
    ),
    deploy: WithDefault(
      Type.Boolean({ description: 'Deploy Cluster Autoscaler itself; when false only its service account and tags are managed.' }),
      false,
    ),
    image: Type.Optional(
      Image({ description: "Cluster Autoscaler image; by default the release whose minor version matches the cluster's." }),
    ),
    scaleDown: WithDefault(ScaleDownSchema, {}),
    adoptExisting: WithDefault(
      Type.Boolean({
        description:
          'With deploy: take over an existing cluster-autoscaler Deployment and bindings owned by another manager (e.g. a ' +
          'Helm release). When false such objects are left alone and reported as a conflict.',
      }),
      false,
    ),
  },
  {
    description: 'Cluster Autoscaler on EKS. Absent: the operator does nothing for Cluster Autoscaler.',
    'x-kubernetes-validations': [
      {
        rule: '!has(self.deploy) || !self.deploy || has(self.roleARN)',
        message: 'clusterAutoscaler.roleARN is required when deploy is true: Cluster Autoscaler needs an IAM role (IRSA) to call AWS',
      },
    ],
  },
);

export const ClusterSchema = Type.Object(
  {
    name: Type.Optional(
      Type.String({
        pattern: '^[0-9A-Za-z][A-Za-z0-9\\-_]{0,99}$',
        maxLength: 100,
        description: 'EKS cluster name; discovered from the nodes when absent.',
      }),
    ),
    region: Type.Optional(
      Type.String({
        pattern: '^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$',
        maxLength: 32,
        description: 'AWS region of the cluster, e.g. us-east-1; discovered when absent.',
      }),
    ),
  },
  { description: 'Identity of the cluster in its cloud, when it cannot or should not be discovered.' },
);
