package chain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const pastedToken = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVtbzphcHAifQ.c2lnbmF0dXJlLXNlY3JldC1NQVJLRVI"

// tokenPieces are parts of pastedToken none of which may appear in any output: its header,
// its claims and its signature (whole and in part).
var tokenPieces = []string{"eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ", "eyJzdWIi", "c2lnbmF0dXJl", "MARKER"}

// pastedForms are the ways a token ends up where its file's path belongs.
var pastedForms = []struct{ name, value string }{
	{"bare", pastedToken},
	{"in double quotes", `"` + pastedToken + `"`},
	{"in single quotes", "'" + pastedToken + "'"},
	{"after Bearer", "Bearer " + pastedToken},
	{"with a trailing semicolon", pastedToken + ";"},
	{"after token=", "token=" + pastedToken},
	{"with a trailing newline", pastedToken + "\n"},
	{"inside a longer path", "/tmp/" + pastedToken + "/x"},
}

// A token pasted where its file's path belongs (AWS_WEB_IDENTITY_TOKEN_FILE=$(cat token)), in
// any form, is refused with an error naming the setting, and no part of the token appears: not
// in the error, not in the explanation, not in %+v or %#v of either.
func TestATokenGivenAsTheTokenFileIsRefusedAndNeverShown(t *testing.T) {
	const role = "arn:aws:iam::111122223333:role/app"
	for _, form := range pastedForms {
		cases := []struct {
			name   string
			env    map[string]string
			config string
			want   string
		}{
			{name: "in AWS_WEB_IDENTITY_TOKEN_FILE",
				env:  map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": form.value, "AWS_ROLE_ARN": role, "AWS_REGION": "us-east-1"},
				want: "chain: AWS_WEB_IDENTITY_TOKEN_FILE: holds what looks like a web identity token (a JWT) instead of the path of the file that contains it (the value is not shown because it is a secret): set it to the token file's path, such as /var/run/secrets/eks.amazonaws.com/serviceaccount/token"},
			{name: "in a profile's web_identity_token_file",
				config: "[default]\nrole_arn = " + role + "\nweb_identity_token_file = " + strings.TrimSuffix(form.value, "\n") + "\n",
				want:   "chain: profile default: web_identity_token_file (~/config line 3): holds what looks like a web identity token (a JWT) instead of the path of the file that contains it (the value is not shown because it is a secret): set it to the token file's path, such as /var/run/secrets/eks.amazonaws.com/serviceaccount/token"},
		}
		for _, tc := range cases {
			t.Run(form.name+" "+tc.name, func(t *testing.T) {
				home := t.TempDir()
				cfg := filepath.Join(home, "config")
				if err := os.WriteFile(cfg, []byte(tc.config), 0o600); err != nil {
					t.Fatal(err)
				}
				opts := Options{Getenv: func(k string) string { return tc.env[k] }, HomeDir: home, ConfigFile: cfg}
				_, err := Resolve(context.Background(), opts)
				var ce *ConfigError
				if !errors.As(err, &ce) || err.Error() != tc.want {
					t.Fatalf("got  %v\nwant a ConfigError %s", err, tc.want)
				}
				exp, expErr := Explain(context.Background(), opts)
				if expErr == nil || expErr.Error() != tc.want {
					t.Fatalf("Explain's error %v, want %s", expErr, tc.want)
				}
				if text := exp.String(); !strings.Contains(text, "web identity: failed: "+strings.TrimPrefix(tc.want, "chain: ")) {
					t.Fatalf("the explanation does not report the refusal:\n%s", text)
				}
				for name, out := range map[string]string{
					"error": err.Error(), "%+v of the error": fmt.Sprintf("%+v", err), "%#v of the error": fmt.Sprintf("%#v", err),
					"explanation": exp.String(), "%+v of the explanation": fmt.Sprintf("%+v", exp), "%#v of the explanation": fmt.Sprintf("%#v", exp),
				} {
					for _, piece := range tokenPieces {
						if strings.Contains(out, piece) {
							t.Fatalf("%s contains the token (%q):\n%s", name, piece, out)
						}
					}
				}
			})
		}
	}
}

// An Explanation built by hand is rendered without a token in a token file or a setting.
func TestAnExplanationNeverRendersAToken(t *testing.T) {
	exp := &Explanation{Profile: "default", ProfileFrom: "default", Steps: []Step{{
		Kind: StepWebIdentity, RoleARN: "arn:aws:iam::111122223333:role/app", TokenFile: "Bearer " + pastedToken,
		Settings: []Setting{{Name: "AWS_WEB_IDENTITY_TOKEN_FILE", Value: `"` + pastedToken + `"`, From: "env"}},
	}}}
	out := exp.String()
	for _, want := range []string{
		"AssumeRoleWithWebIdentity arn:aws:iam::111122223333:role/app, token file (not shown: it holds what looks like a web identity token), session name generated",
		"AWS_WEB_IDENTITY_TOKEN_FILE = (not shown: it holds what looks like a web identity token) (from env)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the explanation lacks %q:\n%s", want, out)
		}
	}
	for _, piece := range tokenPieces {
		if strings.Contains(out, piece) {
			t.Fatalf("the explanation contains the token (%q):\n%s", piece, out)
		}
	}
}
