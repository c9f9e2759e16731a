{{/* Release-scoped name, at most 63 characters (a label value and a DNS label). */}}
{{- define "metricsstack-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/*
The chart's own labels. Deliberately NOT app.kubernetes.io/managed-by=metricsstack-operator: that label selects
what the operator owns, and the operator must never see (or prune) its own Deployment or RBAC.
*/}}
{{- define "metricsstack-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "metricsstack-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: metricsstack
{{- end -}}

{{- define "metricsstack-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "metricsstack-operator.serviceAccountName" -}}
{{- default (include "metricsstack-operator.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "metricsstack-operator.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Checks values.schema.json cannot express with a readable message: combinations of values. */}}
{{- define "metricsstack-operator.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) -}}
{{- fail (printf "replicaCount is %d but leaderElection.enabled is false: two operators would reconcile the same MetricsStack at once. Set leaderElection.enabled=true or replicaCount=1." (int .Values.replicaCount)) -}}
{{- end -}}
{{- if eq (int .Values.ports.metrics) (int .Values.ports.health) -}}
{{- fail (printf "ports.metrics and ports.health are both %d: the /metrics and /healthz servers need different ports." (int .Values.ports.metrics)) -}}
{{- end -}}
{{- range .Values.extraEnv -}}
{{- if has .name (list "POD_NAME" "POD_NAMESPACE") -}}
{{- fail (printf "extraEnv sets %s, which the chart sets from the downward API (the leader's identity and namespace). Remove it from extraEnv." .name) -}}
{{- end -}}
{{- end -}}
{{- if and (not .Values.serviceAccount.create) (not .Values.serviceAccount.name) -}}
{{- fail "serviceAccount.create is false, so serviceAccount.name must name the existing ServiceAccount to run as." -}}
{{- end -}}
{{- end -}}

{{/*
managedNamespaces, comma-separated. A release upgraded with --reuse-values from a chart without the value has none:
it gets the default of values.yaml, kept in step with it by test/unit/rbac-chart.test.ts.
*/}}
{{- define "metricsstack-operator.managedNamespaces" -}}
{{- .Values.managedNamespaces | default (list "kube-system" "monitoring") | join "," -}}
{{- end -}}

{{/* RoleBinding of the release's Role in a namespace to the operator's ServiceAccount; call with (list $ namespace). */}}
{{- define "metricsstack-operator.roleBinding" -}}
{{- $ := index . 0 -}}
{{- $name := include "metricsstack-operator.fullname" $ -}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ $name }}
  namespace: {{ index . 1 }}
  labels:
    {{- include "metricsstack-operator.labels" $ | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ $name }}
subjects:
  - kind: ServiceAccount
    name: {{ include "metricsstack-operator.serviceAccountName" $ }}
    namespace: {{ $.Release.Namespace }}
{{- end -}}
