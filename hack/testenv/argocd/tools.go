//go:build tools

// Package tools pins Argo CD's one multi-call binary (cmd/), which hack/testenv builds and runs under the names
// argocd, argocd-repo-server and argocd-application-controller.
package tools

import (
	_ "github.com/argoproj/argo-cd/v3/cmd"
)
