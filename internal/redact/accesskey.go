package redact

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// LooksLikeAccessKeyID reports whether s has the form of an AWS access key ID: "AKIA" (a
// long-term key of an IAM user or the root user) or "ASIA" (temporary credentials from STS),
// then 16 upper-case letters or digits, 20 characters in all. These are the two prefixes the IAM
// documentation lists for access keys ("Unique identifier prefixes"); AROA, AIDA and the others
// identify roles, users and policies, never a key, and the "AKID" of SDK examples is no real
// prefix.
func LooksLikeAccessKeyID(s string) bool {
	if len(s) != 20 || s[:4] != "AKIA" && s[:4] != "ASIA" {
		return false
	}
	for i := 4; i < len(s); i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// secretAccessKeyLength is the length of an AWS secret access key.
const secretAccessKeyLength = 40

// AccessKeyID returns id for display when LooksLikeAccessKeyID(id), and otherwise a description
// of it in parentheses that repeats none of it: the value might be a secret put where the ID
// belongs. A value of a secret access key's length (40) gets the question whether idName and
// secretName, the settings that hold the two, were swapped.
func AccessKeyID(id, idName, secretName string) string {
	if LooksLikeAccessKeyID(id) {
		return id
	}
	n := utf8.RuneCountInString(id)
	if n == secretAccessKeyLength {
		return fmt.Sprintf("(%s %d-character value that does not look like an access key ID: are %s and %s swapped?)", article(n), n, idName, secretName)
	}
	return fmt.Sprintf("(%s %d-character value that does not look like an access key ID, which is AKIA or ASIA and 16 letters or digits)", article(n), n)
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
