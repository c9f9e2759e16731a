/** Schema of `status`: written only by the operator, so nothing here has a default. */
import { Type } from '@sinclair/typebox';
import { StringEnum } from './schema-helpers.js';

const Str = (description: string, maxLength = 1024) => Type.String({ maxLength, description });
const Count = (description: string) => Type.Integer({ minimum: 0, description });

/** The metav1.Condition schema, as Kubernetes itself publishes it. */
export const ConditionSchema = Type.Object(
  {
    type: Type.String({
      maxLength: 316,
      pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
      description: 'Type of condition in CamelCase, e.g. Ready.',
    }),
    status: StringEnum(['True', 'False', 'Unknown'], { description: 'Status of the condition: True, False or Unknown.' }),
    reason: Type.String({
      minLength: 1,
      maxLength: 1024,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
      description: 'Machine-readable CamelCase reason for the last transition.',
    }),
    message: Type.String({ maxLength: 32768, description: 'Human-readable cause and fix.' }),
    observedGeneration: Type.Integer({
      minimum: 0,
      format: 'int64',
      description: 'metadata.generation the condition was computed from.',
    }),
    lastTransitionTime: Type.String({ format: 'date-time', description: 'When the status last changed.' }),
  },
  { description: 'One aspect of the current state, as a metav1.Condition.' },
);

export const PlatformStatusSchema = Type.Object(
  {
    kind: Type.Optional(StringEnum(['EKS', 'Generic'], { description: 'What the cluster was detected to be.' })),
    clusterName: Type.Optional(Str('EKS cluster name in use.', 100)),
    region: Type.Optional(Str('AWS region in use.', 32)),
    kubernetesVersion: Type.Optional(Str('Version reported by the apiserver, e.g. v1.34.1.', 64)),
    ec2Nodes: Type.Optional(Count('Nodes that are EC2 instances.')),
    fargateNodes: Type.Optional(Count('Fargate nodes (label eks.amazonaws.com/compute-type=fargate).')),
    otherNodes: Type.Optional(Count('Nodes of any other kind.')),
  },
  { description: 'What the operator found out about the cluster.' },
);

export const ExistingMetricsServerStatusSchema = Type.Object(
  {
    installer: StringEnum(['EKSAddon', 'Helm', 'Manifests', 'Unknown'], { description: 'Who installed what serves metrics.k8s.io.' }),
    release: Type.Optional(Str('Helm release name, when installed by Helm.', 253)),
    deployment: Type.Optional(Str('namespace/name of the Deployment serving metrics.k8s.io.', 253)),
    findings: Type.Optional(
      Type.Array(
        Type.Object(
          { problem: Str('What is wrong with its configuration for this cluster.'), fix: Str("The fix, in the installer's terms.", 2048) },
          { description: 'One misconfiguration and its fix.' },
        ),
        { maxItems: 16, description: 'Misconfigurations found; empty when it fits the cluster.' },
      ),
    ),
  },
  { description: 'The metrics-server the cluster already has (provider existing); the operator writes nothing to it.' },
);

export const MetricsServerStatusSchema = Type.Object(
  {
    namespace: Type.Optional(Str('Namespace metrics-server runs in.', 63)),
    securePort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Port metrics-server serves on.' })),
    flags: Type.Optional(
      Type.Array(
        Type.Object(
          {
            flag: Str('Flag name, e.g. --kubelet-insecure-tls.', 128),
            value: Type.Optional(Str('Flag value, if any.')),
            reason: Str('Why the operator chose it.'),
          },
          { description: 'One computed metrics-server flag.' },
        ),
        { maxItems: 64, description: 'Flags computed from what the cluster is, with the reason for each.' },
      ),
    ),
    resources: Type.Optional(
      Type.Object(
        {
          cpu: Type.Optional(Str('CPU request rendered.', 64)),
          memory: Type.Optional(Str('Memory request rendered.', 64)),
          reason: Str('Where the requests come from (the spec, or the cluster size).'),
        },
        { description: 'The metrics-server container requests and why.' },
      ),
    ),
    existing: Type.Optional(ExistingMetricsServerStatusSchema),
  },
  { description: 'How metrics-server was configured (provider metrics-server), or what was found (provider existing).' },
);

export const InventoryEntrySchema = Type.Object(
  {
    apiVersion: Str('apiVersion of the object.', 253),
    kind: Str('Kind of the object.', 63),
    namespace: Type.Optional(Str('Namespace; absent for cluster-scoped objects.', 63)),
    name: Str('Name of the object.', 253),
    concern: Type.Optional(Str('The part of the operator that wants it (metrics-server, cluster-autoscaler, ...).', 63)),
  },
  { description: 'One object the operator created.' },
);

export const FargateStatusSchema = Type.Object(
  {
    phase: Type.Optional(
      StringEnum(['Planned', 'InProgress', 'Completed', 'Failed'], { description: 'Progress of the profile recreation.' }),
    ),
    plan: Type.Optional(
      Type.Array(
        Type.Object(
          {
            step: Type.Integer({ minimum: 1, description: 'Position of the step, from 1.' }),
            profile: Str('Fargate profile the step acts on.', 100),
            action: StringEnum(['Create', 'WaitActive', 'Delete'], { description: 'What the step does to the profile.' }),
            state: StringEnum(['Pending', 'InProgress', 'Done', 'Failed'], { description: 'Where the step is.' }),
          },
          { description: 'One step of the profile recreation plan.' },
        ),
        { maxItems: 64, description: 'Ordered steps: create each replacement, wait until ACTIVE, then delete the original.' },
      ),
    ),
  },
  { description: 'Fargate profile recreation (strategy RecreateProfile).' },
);

export const ClusterAutoscalerStatusSchema = Type.Object(
  {
    roleARN: Type.Optional(Str('IAM role annotated on the service account.', 2048)),
    autoScalingGroups: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Str('Auto Scaling group name.', 255),
            minSize: Count('Minimum size.'),
            maxSize: Count('Maximum size.'),
            desiredCapacity: Count('Desired capacity.'),
            tagged: Type.Boolean({ description: 'Whether it carries both auto-discovery tags.' }),
          },
          { description: 'One Auto Scaling group of the cluster.' },
        ),
        { maxItems: 500, description: "The cluster's Auto Scaling groups." },
      ),
    ),
  },
  { description: 'What the operator found and did for Cluster Autoscaler.' },
);

export const WorkloadAutoscalingStatusSchema = Type.Object(
  {
    hpas: Count('HorizontalPodAutoscalers looked at.'),
    healthy: Count('HPAs with no finding.'),
    causes: Type.Array(
      Type.Object(
        {
          cause: Str('Root cause, e.g. MissingResourceRequest (see the README, "HPA doctor").', 64),
          count: Count('HPAs with this root cause.'),
          hpas: Type.Array(Str('namespace/name.', 317), { maxItems: 5, description: 'The first HPAs with this cause, sorted.' }),
          example: Str('The first HPA\'s message and fix.', 2048),
        },
        { description: 'HPAs sharing one root cause.' },
      ),
      { maxItems: 32, description: 'By root cause, most frequent first.' },
    ),
  },
  { description: "Every HPA's verdict, summarised. Reported beside Ready, never in it: HPAs are their owners' business (keda #7928)." },
);

export const MetricsStackStatusSchema = Type.Object(
  {
    observedGeneration: Type.Optional(
      Type.Integer({ minimum: 0, format: 'int64', description: 'metadata.generation last reconciled.' }),
    ),
    conditions: Type.Optional(
      Type.Array(ConditionSchema, {
        maxItems: 32,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
        description: 'Current state; Ready summarises the others.',
      }),
    ),
    platform: Type.Optional(PlatformStatusSchema),
    metricsServer: Type.Optional(MetricsServerStatusSchema),
    inventory: Type.Optional(
      Type.Array(InventoryEntrySchema, { maxItems: 256, description: 'Objects the operator created; the finalizer deletes these.' }),
    ),
    fargate: Type.Optional(FargateStatusSchema),
    clusterAutoscaler: Type.Optional(ClusterAutoscalerStatusSchema),
    workloadAutoscaling: Type.Optional(WorkloadAutoscalingStatusSchema),
  },
  { description: 'Observed state of the MetricsStack, written by the operator.' },
);
