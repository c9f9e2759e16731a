import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { renderPrometheusAdapter } from '../../../../src/render/prometheus-adapter/index.js';
import { typicalAdapterInput } from './input.js';

// YAML keeps the key order the renderers chose (an object snapshot would sort keys), and it is what a user reads.
const asYaml = (objects: object[]) => objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');

describe('renderPrometheusAdapter snapshots', () => {
  it('GIVEN custom, external and resource rules with an issued serving certificate, WHEN rendered, THEN it gives these manifests', () => {
    expect(asYaml(renderPrometheusAdapter(typicalAdapterInput))).toMatchInlineSnapshot(`
      "apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: prometheus-adapter
        namespace: monitoring
        labels:
          app.kubernetes.io/component: metrics-adapter
          app.kubernetes.io/name: prometheus-adapter
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata:
        name: prometheus-adapter-resource-reader
        labels:
          app.kubernetes.io/component: metrics-adapter
          app.kubernetes.io/name: prometheus-adapter
      rules:
        - apiGroups:
            - ""
          resources:
            - namespaces
            - nodes
            - pods
            - services
          verbs:
            - get
            - list
            - watch
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata:
        name: prometheus-adapter-resource-reader
        labels:
          app.kubernetes.io/component: metrics-adapter
          app.kubernetes.io/name: prometheus-adapter
      roleRef:
        apiGroup: rbac.authorization.k8s.io
        kind: ClusterRole
        name: prometheus-adapter-resource-reader
      subjects:
        - kind: ServiceAccount
          name: prometheus-adapter
          namespace: monitoring
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata:
        name: prometheus-adapter:system:auth-delegator
        labels:
          app.kubernetes.io/component: metrics-adapter
          app.kubernetes.io/name: prometheus-adapter
      roleRef:
        apiGroup: rbac.authorization.k8s.io
        kind: ClusterRole
        name: system:auth-delegator
      subjects:
        - kind: ServiceAccount
          name: prometheus-adapter
          namespace: monitoring
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata:
        name: prometheus-adapter-auth-reader
        namespace: kube-system
        labels:
          app.kubernetes.io/component: metrics-adapter
          app.kubernetes.io/name: prometheus-adapter
      roleRef:
        apiGroup: rbac.authorization.k8s.io
        kind: Role
        name: extension-apiserver-authentication-reader
      subjects:
        - kind: ServiceAccount
          name: prometheus-adapter
          namespace: monitoring
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata:
        name: system:prometheus-adapter-aggregated-reader
        labels:
          app.kubernetes.io/component: metrics-adapter
          app.kubernetes.io/name: prometheus-adapter
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
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: prometheus-adapter-config
        namespace: monitoring
        labels:
          app.kubernetes.io/component: metrics-adapter
          app.kubernetes.io/name: prometheus-adapter
      data:
        config.yaml: |
          rules:
            - seriesQuery: "httpd_requests_total{namespace!=\\"\\",pod!=\\"\\"}"
              resources:
                overrides:
                  namespace:
                    resource: "namespace"
                  pod:
                    resource: "pod"
              name:
                matches: "^(.*)_total$"
                as: "\${1}_per_second"
              metricsQuery: "sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)"
          externalRules:
            - seriesQuery: "httpd_requests_total{namespace!=\\"\\"}"
              resources:
                overrides:
                  namespace:
                    resource: "namespace"
              name:
                matches: "^(.*)_total$"
                as: "\${1}_per_second"
              metricsQuery: "sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)"
          resourceRules:
            cpu:
              containerQuery: "sum(rate(container_cpu_usage_seconds_total{<<.LabelMatchers>>,container!=\\"\\"}[3m])) by (<<.GroupBy>>)"
              nodeQuery: "sum(rate(container_cpu_usage_seconds_total{<<.LabelMatchers>>,id=\\"/\\"}[3m])) by (<<.GroupBy>>)"
              resources:
                overrides:
                  namespace:
                    resource: "namespace"
                  node:
                    resource: "node"
                  pod:
                    resource: "pod"
              containerLabel: "container"
            memory:
              containerQuery: "sum(container_memory_working_set_bytes{<<.LabelMatchers>>,container!=\\"\\"}) by (<<.GroupBy>>)"
              nodeQuery: "sum(container_memory_working_set_bytes{<<.LabelMatchers>>,id=\\"/\\"}) by (<<.GroupBy>>)"
              resources:
                overrides:
                  namespace:
                    resource: "namespace"
                  node:
                    resource: "node"
                  pod:
                    resource: "pod"
              containerLabel: "container"
            window: "3m"
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: prometheus-adapter
        namespace: monitoring
        labels:
          app.kubernetes.io/component: metrics-adapter
          app.kubernetes.io/name: prometheus-adapter
      spec:
        type: ClusterIP
        selector:
          app.kubernetes.io/component: metrics-adapter
          app.kubernetes.io/name: prometheus-adapter
        ports:
          - name: https
            port: 443
            protocol: TCP
            targetPort: https
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: prometheus-adapter
        namespace: monitoring
        labels:
          app.kubernetes.io/component: metrics-adapter
          app.kubernetes.io/name: prometheus-adapter
      spec:
        replicas: 1
        selector:
          matchLabels:
            app.kubernetes.io/component: metrics-adapter
            app.kubernetes.io/name: prometheus-adapter
        strategy:
          type: RollingUpdate
          rollingUpdate:
            maxUnavailable: 0
        template:
          metadata:
            labels:
              app.kubernetes.io/component: metrics-adapter
              app.kubernetes.io/name: prometheus-adapter
            annotations:
              metricsstack.io/serving-cert-sha256: 8010bfcee1842b2a4ce8f67c3e9455f0188f7a15bf39ec61a26feb75cd785821
              metricsstack.io/config-sha256: 97b501623a47f64804d3ea67c522eb5f8b92eee7358b2ce2eef871431bc1d6b1
          spec:
            serviceAccountName: prometheus-adapter
            hostNetwork: false
            hostPID: false
            hostIPC: false
            nodeSelector:
              kubernetes.io/os: linux
            containers:
              - name: prometheus-adapter
                image: registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0
                imagePullPolicy: IfNotPresent
                args:
                  - --prometheus-url=http://prometheus-server.monitoring.svc:9090
                  - --metrics-relist-interval=1m
                  - --config=/etc/adapter/config.yaml
                  - --secure-port=6443
                  - --tls-cert-file=/var/run/serving-cert/tls.crt
                  - --tls-private-key-file=/var/run/serving-cert/tls.key
                ports:
                  - name: https
                    containerPort: 6443
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
                  initialDelaySeconds: 5
                  periodSeconds: 10
                  failureThreshold: 3
                resources:
                  requests:
                    cpu: 100m
                    memory: 180Mi
                securityContext:
                  privileged: false
                  allowPrivilegeEscalation: false
                  capabilities:
                    drop:
                      - ALL
                  readOnlyRootFilesystem: true
                  runAsNonRoot: true
                  runAsUser: 65534
                  seccompProfile:
                    type: RuntimeDefault
                volumeMounts:
                  - name: tmp
                    mountPath: /tmp
                  - name: serving-cert
                    mountPath: /var/run/serving-cert
                    readOnly: true
                  - name: config
                    mountPath: /etc/adapter
                    readOnly: true
            volumes:
              - name: tmp
                emptyDir: {}
              - name: serving-cert
                secret:
                  secretName: prometheus-adapter-serving-cert
              - name: config
                configMap:
                  name: prometheus-adapter-config
      ---
      apiVersion: apiregistration.k8s.io/v1
      kind: APIService
      metadata:
        name: v1beta1.custom.metrics.k8s.io
        labels:
          app.kubernetes.io/component: metrics-adapter
          app.kubernetes.io/name: prometheus-adapter
      spec:
        group: custom.metrics.k8s.io
        version: v1beta1
        service:
          name: prometheus-adapter
          namespace: monitoring
          port: 443
        caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
        groupPriorityMinimum: 100
        versionPriority: 100
      ---
      apiVersion: apiregistration.k8s.io/v1
      kind: APIService
      metadata:
        name: v1beta2.custom.metrics.k8s.io
        labels:
          app.kubernetes.io/component: metrics-adapter
          app.kubernetes.io/name: prometheus-adapter
      spec:
        group: custom.metrics.k8s.io
        version: v1beta2
        service:
          name: prometheus-adapter
          namespace: monitoring
          port: 443
        caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
        groupPriorityMinimum: 100
        versionPriority: 200
      ---
      apiVersion: apiregistration.k8s.io/v1
      kind: APIService
      metadata:
        name: v1beta1.external.metrics.k8s.io
        labels:
          app.kubernetes.io/component: metrics-adapter
          app.kubernetes.io/name: prometheus-adapter
      spec:
        group: external.metrics.k8s.io
        version: v1beta1
        service:
          name: prometheus-adapter
          namespace: monitoring
          port: 443
        caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
        groupPriorityMinimum: 100
        versionPriority: 100
      ---
      apiVersion: apiregistration.k8s.io/v1
      kind: APIService
      metadata:
        name: v1beta1.metrics.k8s.io
        labels:
          app.kubernetes.io/component: metrics-adapter
          app.kubernetes.io/name: prometheus-adapter
      spec:
        group: metrics.k8s.io
        version: v1beta1
        service:
          name: prometheus-adapter
          namespace: monitoring
          port: 443
        caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
        groupPriorityMinimum: 100
        versionPriority: 100
      "
    `);
  });
});
