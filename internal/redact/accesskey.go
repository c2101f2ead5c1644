package redact

import (
	"fmt"
	"regexp"
	"strconv"
	"unicode/utf8"
)

// accessKeyID is "AKIA" (a long-term key of an IAM user or the root user) or "ASIA" (temporary
// credentials from STS), the two prefixes the IAM documentation lists for access keys ("Unique
// identifier prefixes"), then 16 upper-case letters or digits. AROA, AIDA and the others identify
// roles, users and policies, never a key, and the "AKID" of SDK examples is no real prefix.
var accessKeyID = regexp.MustCompile(`^A[KS]IA[A-Z0-9]{16}$`)

// LooksLikeAccessKeyID reports whether s has the form of an AWS access key ID: AKIA or ASIA, then
// 16 upper-case letters or digits.
func LooksLikeAccessKeyID(s string) bool { return accessKeyID.MatchString(s) }

// AccessKeyID returns id for display when LooksLikeAccessKeyID(id), and otherwise a description
// of it in parentheses that repeats none of it: the value might be a secret put where the ID
// belongs. A value of a secret access key's length (40) gets the question whether idName and
// secretName, the settings that hold the two, were swapped.
func AccessKeyID(id, idName, secretName string) string {
	if LooksLikeAccessKeyID(id) {
		return id
	}
	n := utf8.RuneCountInString(id)
	why := ", which is AKIA or ASIA and 16 letters or digits"
	if n == 40 { // a secret access key's length
		why = fmt.Sprintf(": are %s and %s swapped?", idName, secretName)
	}
	return fmt.Sprintf("(%s %d-character value that does not look like an access key ID%s)", article(n), n, why)
}

// article is "an" before the number n read aloud when it starts with a vowel sound (8, 11, 18,
// 80-89, 800-899, 11000, ...), else "a".
func article(n int) string {
	s := strconv.Itoa(n)
	if s[0] == '8' || len(s)%3 == 2 && (s[:2] == "11" || s[:2] == "18") {
		return "an"
	}
	return "a"
}
