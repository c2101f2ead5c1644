package credentials

import "github.com/irsa-go/irsa/internal/redact"

// The names below keep cache.go and endpoint.go, which other changes are rewriting, compiling
// until they call internal/redact themselves. Delete this file when they do.

const redacted = redact.Placeholder

func scrubText(s string, secrets []string) string { return redact.Secrets(s, secrets...) }

func truncate(s string, n int) string { return redact.Clip(s, n) }

// LooksLikeToken is cache.go's name for redact.LooksLikeJWT.
func LooksLikeToken(s string) bool { return redact.LooksLikeJWT(s) }
