package shlex

import (
	"runtime"
	"strings"
)

// SplitWindows splits s like botocore's _windows_shell_split, which botocore uses on
// credential_process on Windows: the Microsoft C runtime's rules. Only space and tab separate
// words; double quotes are the only quotes; backslashes are literal unless they run up to a
// double quote, where each pair becomes one backslash and an odd one out escapes the quote. An
// unclosed quote is ErrUnbalanced.
func SplitWindows(s string) ([]string, error) {
	var (
		words     []string
		word      strings.Builder
		inWord    bool // like botocore's non-empty buffer: a pair of quotes begins a word
		quoted    bool
		backslash int // backslashes not yet written
	)
	flush := func() {
		word.WriteString(strings.Repeat(`\`, backslash))
		if backslash > 0 {
			inWord = true
		}
		backslash = 0
	}
	for _, r := range s {
		switch {
		case r == '\\':
			backslash++
		case r == '"':
			word.WriteString(strings.Repeat(`\`, backslash/2))
			odd := backslash%2 == 1
			backslash = 0
			inWord = true
			if odd {
				word.WriteRune('"')
				continue
			}
			quoted = !quoted
		case (r == ' ' || r == '\t') && !quoted:
			flush()
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		default:
			flush()
			word.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		return nil, ErrUnbalanced
	}
	flush()
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}

// SplitCommand splits a credential_process command line as botocore's compat_shell_split does:
// with SplitWindows on Windows, with Split elsewhere.
func SplitCommand(s string) ([]string, error) {
	if runtime.GOOS == "windows" {
		return SplitWindows(s)
	}
	return Split(s)
}
