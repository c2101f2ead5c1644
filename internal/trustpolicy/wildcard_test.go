package trustpolicy

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzWildcardMatch compares the matcher with a regular expression built from the pattern.
func FuzzWildcardMatch(f *testing.F) {
	f.Add("a*b?c", "axxbyc")
	f.Add("system:serviceaccount:*:*", "system:serviceaccount:ns:sa")
	f.Add("**?", "")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(s) || len(pattern) > 64 || len(s) > 256 {
			return
		}
		var re strings.Builder
		re.WriteString(`^(?s:`)
		for _, r := range pattern {
			switch r {
			case '*':
				re.WriteString(".*")
			case '?':
				re.WriteString(".")
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString(`)$`)
		if want := regexp.MustCompile(re.String()).MatchString(s); wildcardMatch(pattern, s) != want {
			t.Fatalf("wildcardMatch(%q, %q) = %v, regexp says %v", pattern, s, !want, want)
		}
	})
}
