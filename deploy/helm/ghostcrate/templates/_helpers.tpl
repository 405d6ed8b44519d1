{{- define "ghostcrate.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "ghostcrate.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "ghostcrate.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ghostcrate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}{{ default (include "ghostcrate.fullname" .) .Values.serviceAccount.name }}{{- else -}}{{ default "default" .Values.serviceAccount.name }}{{- end -}}
{{- end -}}

{{- define "ghostcrate.image" -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end -}}

{{/* The GHOSTCRATE_* settings shared by the server (through the ConfigMap) and the migration Job. */}}
{{- define "ghostcrate.settings" -}}
GHOSTCRATE_Registry__PublicUrl: {{ required "publicUrl is required (the address cargo uses)" .Values.publicUrl | quote }}
GHOSTCRATE_Identity__SecureCookies: "true"
{{- range $i, $network := .Values.reverseProxy.knownNetworks }}
GHOSTCRATE_ReverseProxy__KnownNetworks__{{ $i }}: {{ $network | quote }}
{{- end }}
{{- range $key, $value := .Values.settings }}
GHOSTCRATE_{{ $key }}: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* Security context of every GhostCrate container: the image's non-root user, nothing writable but the volumes. */}}
{{- define "ghostcrate.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}
