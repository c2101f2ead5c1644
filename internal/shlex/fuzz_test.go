package shlex

import (
	"slices"
	"strings"
	"testing"
)

// FuzzSplit checks that both splitters never panic, and that the words Split finds, quoted
// again as a POSIX shell would quote them, split into the same words.
func FuzzSplit(f *testing.F) {
	for _, s := range append(append([]string{}, commandLines...), windowsLines...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = SplitWindows(s)
		words, err := Split(s)
		if err != nil {
			if err != ErrUnbalanced {
				t.Fatalf("Split(%q): error %v", s, err)
			}
			return
		}
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
		again, err := Split(strings.Join(quoted, " "))
		if err != nil || !slices.Equal(again, words) {
			t.Fatalf("Split(%q) = %q, but its quoted form splits into %q, %v", s, words, again, err)
		}
	})
}
