package credentials

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseProcessOutput checks that parseProcessOutput never panics, that what it accepts is
// usable credentials, and that an error never repeats the output: every 10-byte run of the
// input found in the error's text must come from the parser's own words (its source file).
func FuzzParseProcessOutput(f *testing.F) {
	for _, s := range []string{
		procJSON + `}`,
		procJSON + `, "Expiration": "2031-02-03T04:05:06Z", "AccountId": "123456789012"}`,
		`{"Version": 1.0, "AccessKeyId": "A", "SecretAccessKey": "` + procSecret + `", "Expiration": null}`,
		`{"Version": "1", "AccessKeyId": "` + procSecret + `"}`,
		`{"Version": 1, "AccessKeyId": ["` + procSecret + `"], "SecretAccessKey": 1}`,
		procJSON + `} trailing ` + procSecret,
		`[` + procSecret + `]`,
		"",
		"\ufeff{}",
		procJSON + `, "Expiration": "` + procSecret + `"}`,
	} {
		f.Add([]byte(s))
	}
	src, err := os.ReadFile("process_output.go")
	if err != nil {
		f.Fatal(err)
	}
	vocabulary := string(src)
	for _, key := range []string{"Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "AccountId"} {
		vocabulary += ` "` + key + `" `
	}
	f.Fuzz(func(t *testing.T, out []byte) {
		c, err := parseProcessOutput(out)
		if err == nil {
			if !c.HasKeys() || c.Source != sourceProcess || !utf8.ValidString(c.SecretAccessKey) {
				t.Fatalf("accepted %q as %v", out, c)
			}
			return
		}
		msg := err.Error()
		if len(msg) > 200 {
			t.Fatalf("a %d-byte error: %s", len(msg), msg)
		}
		for i := 0; i+10 <= len(out); i++ {
			if run := string(out[i : i+10]); strings.Contains(msg, run) && !strings.Contains(vocabulary, run) {
				t.Fatalf("the error %q repeats %q from the output %q", msg, run, out)
			}
		}
	})
}
