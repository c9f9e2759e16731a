import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { renderMetricsServer } from '../../../../src/render/metrics-server/index.js';
import { typicalInput } from './input.js';

// YAML keeps the key order the renderers chose (an object snapshot would sort keys), and it is what a user reads.
const asYaml = (objects: object[]) => objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');

describe('renderMetricsServer snapshots', () => {
  it('GIVEN a typical EC2 cluster with an issued serving certificate, WHEN rendered, THEN it gives these manifests', () => {
    expect(asYaml(renderMetricsServer(typicalInput))).toMatchInlineSnapshot(`
      "apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: metrics-server
        namespace: kube-system
        labels:
          k8s-app: metrics-server
          app.kubernetes.io/name: metrics-server
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata:
        name: system:metrics-server
        labels:
          k8s-app: metrics-server
          app.kubernetes.io/name: metrics-server
      rules:
        - apiGroups:
            - ""
          resources:
            - nodes/metrics
          verbs:
            - get
        - apiGroups:
            - ""
          resources:
            - pods
            - nodes
          verbs:
            - get
            - list
            - watch
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata:
        name: system:metrics-server-aggregated-reader
        labels:
          k8s-app: metrics-server
          app.kubernetes.io/name: metrics-server
          rbac.authorization.k8s.io/aggregate-to-admin: "true"
          rbac.authorization.k8s.io/aggregate-to-edit: "true"
          rbac.authorization.k8s.io/aggregate-to-view: "true"
      rules:
        - apiGroups:
            - metrics.k8s.io
          resources:
            - pods
            - nodes
          verbs:
            - get
            - list
            - watch
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata:
        name: system:metrics-server
        labels:
          k8s-app: metrics-server
          app.kubernetes.io/name: metrics-server
      roleRef:
        apiGroup: rbac.authorization.k8s.io
        kind: ClusterRole
        name: system:metrics-server
      subjects:
        - kind: ServiceAccount
          name: metrics-server
          namespace: kube-system
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata:
        name: metrics-server:system:auth-delegator
        labels:
          k8s-app: metrics-server
          app.kubernetes.io/name: metrics-server
      roleRef:
        apiGroup: rbac.authorization.k8s.io
        kind: ClusterRole
        name: system:auth-delegator
      subjects:
        - kind: ServiceAccount
          name: metrics-server
          namespace: kube-system
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata:
        name: metrics-server-auth-reader
        namespace: kube-system
        labels:
          k8s-app: metrics-server
          app.kubernetes.io/name: metrics-server
      roleRef:
        apiGroup: rbac.authorization.k8s.io
        kind: Role
        name: extension-apiserver-authentication-reader
      subjects:
        - kind: ServiceAccount
          name: metrics-server
          namespace: kube-system
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: metrics-server
        namespace: kube-system
        labels:
          k8s-app: metrics-server
          app.kubernetes.io/name: metrics-server
      spec:
        type: ClusterIP
        selector:
          k8s-app: metrics-server
        ports:
          - name: https
            port: 443
            protocol: TCP
            targetPort: https
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: metrics-server
        namespace: kube-system
        labels:
          k8s-app: metrics-server
          app.kubernetes.io/name: metrics-server
      spec:
        replicas: 2
        selector:
          matchLabels:
            k8s-app: metrics-server
        strategy:
          type: RollingUpdate
          rollingUpdate:
            maxUnavailable: 0
        template:
          metadata:
            labels:
              k8s-app: metrics-server
              app.kubernetes.io/name: metrics-server
            annotations:
              metricsstack.io/serving-cert-sha256: 8010bfcee1842b2a4ce8f67c3e9455f0188f7a15bf39ec61a26feb75cd785821
          spec:
            serviceAccountName: metrics-server
            priorityClassName: system-cluster-critical
            hostNetwork: false
            hostPID: false
            hostIPC: false
            nodeSelector:
              kubernetes.io/os: linux
            topologySpreadConstraints:
              - maxSkew: 1
                topologyKey: kubernetes.io/hostname
                whenUnsatisfiable: ScheduleAnyway
                labelSelector:
                  matchLabels:
                    k8s-app: metrics-server
            containers:
              - name: metrics-server
                image: registry.k8s.io/metrics-server/metrics-server:v0.8.0
                imagePullPolicy: IfNotPresent
                args:
                  - --tls-cert-file=/etc/metrics-server/serving/tls.crt
                  - --tls-private-key-file=/etc/metrics-server/serving/tls.key
                  - --secure-port=10250
                  - --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname
                  - --kubelet-use-node-status-port
                  - --metric-resolution=15s
                  - --kubelet-certificate-authority=/etc/metrics-server/kubelet-ca/ca.crt
                ports:
                  - name: https
                    containerPort: 10250
                    protocol: TCP
                livenessProbe:
                  httpGet:
                    path: /livez
                    port: https
                    scheme: HTTPS
                  periodSeconds: 10
                  failureThreshold: 3
                readinessProbe:
                  httpGet:
                    path: /readyz
                    port: https
                    scheme: HTTPS
                  initialDelaySeconds: 20
                  periodSeconds: 10
                  failureThreshold: 3
                resources:
                  requests:
                    cpu: 100m
                    memory: 200Mi
                securityContext:
                  privileged: false
                  allowPrivilegeEscalation: false
                  capabilities:
                    drop:
                      - ALL
                  readOnlyRootFilesystem: true
                  runAsNonRoot: true
                  runAsUser: 1000
                  seccompProfile:
                    type: RuntimeDefault
                volumeMounts:
                  - name: tmp
                    mountPath: /tmp
                  - name: serving-cert
                    mountPath: /etc/metrics-server/serving
                    readOnly: true
                  - name: kubelet-ca
                    mountPath: /etc/metrics-server/kubelet-ca
                    readOnly: true
            volumes:
              - name: tmp
                emptyDir: {}
              - name: serving-cert
                secret:
                  secretName: metrics-server-serving-cert
              - name: kubelet-ca
                configMap:
                  name: kube-root-ca.crt
                  items:
                    - key: ca.crt
                      path: ca.crt
      ---
      apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata:
        name: metrics-server
        namespace: kube-system
        labels:
          k8s-app: metrics-server
          app.kubernetes.io/name: metrics-server
      spec:
        minAvailable: 1
        selector:
          matchLabels:
            k8s-app: metrics-server
      ---
      apiVersion: apiregistration.k8s.io/v1
      kind: APIService
      metadata:
        name: v1beta1.metrics.k8s.io
        labels:
          k8s-app: metrics-server
          app.kubernetes.io/name: metrics-server
      spec:
        group: metrics.k8s.io
        version: v1beta1
        service:
          name: metrics-server
          namespace: kube-system
          port: 443
        caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
        groupPriorityMinimum: 100
        versionPriority: 100
      "
    `);
  });
});
