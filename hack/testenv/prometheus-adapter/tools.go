//go:build tools

// Package tools pins prometheus-adapter. `go install …@v0.12.0` cannot be used: it asks the module proxy for the
// module's version list (to check deprecation), which the proxy refuses for this module; a pinned require does not.
package tools

import _ "sigs.k8s.io/prometheus-adapter/cmd/adapter"
