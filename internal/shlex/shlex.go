// Package shlex splits a string into words the way Python's shlex.split does in POSIX mode,
// which botocore uses on the shared config's section names ("[profile 'my app']") and, on every
// system but Windows, on the command line of credential_process.
package shlex

import (
	"errors"
	"strings"
)

// ErrUnbalanced is Split's error for an unclosed quote or a trailing backslash.
var ErrUnbalanced = errors.New("unbalanced quotes or trailing backslash")

// Split splits s into words like Python's shlex.split(s) (POSIX mode, no comments). White space is
// only space, tab, "\r" and "\n"; single quotes keep everything; inside double quotes a backslash
// escapes only '"' and '\'; outside quotes it escapes any character.
func Split(s string) ([]string, error) {
	var (
		words  []string
		word   strings.Builder
		inWord bool // a word has begun, perhaps as an empty pair of quotes
		quote  rune // the open quote, or 0
		rs     = []rune(s)
	)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\\' && quote != '\'':
			if i+1 == len(rs) {
				return nil, ErrUnbalanced
			}
			if next := rs[i+1]; quote == 0 || next == '"' || next == '\\' {
				i++ // escaped; inside double quotes a backslash before anything else is kept
			}
			word.WriteRune(rs[i])
			inWord = true
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			word.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\r' || r == '\n':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, ErrUnbalanced
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}
