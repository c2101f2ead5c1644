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

// A token pasted where its file's path belongs (AWS_WEB_IDENTITY_TOKEN_FILE=$(cat token)) is
// refused with an error naming the setting, and the token appears nowhere: not in the error, not
// in the explanation, not in %#v of either.
func TestATokenGivenAsTheTokenFileIsRefusedAndNeverShown(t *testing.T) {
	cases := []struct {
		name   string
		env    map[string]string
		config string
		want   string
	}{
		{name: "in AWS_WEB_IDENTITY_TOKEN_FILE",
			env:  map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": pastedToken, "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/app"},
			want: "AWS_WEB_IDENTITY_TOKEN_FILE: holds what looks like a web identity token"},
		{name: "in a profile's web_identity_token_file",
			config: "[default]\nrole_arn = arn:aws:iam::111122223333:role/app\nweb_identity_token_file = " + pastedToken + "\n",
			want:   "web_identity_token_file (~/config line 3): holds what looks like a web identity token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			cfg := filepath.Join(home, "config")
			if err := os.WriteFile(cfg, []byte(tc.config), 0o600); err != nil {
				t.Fatal(err)
			}
			opts := Options{Getenv: func(k string) string { return tc.env[k] }, HomeDir: home, ConfigFile: cfg}
			_, err := Resolve(context.Background(), opts)
			var ce *ConfigError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a ConfigError containing %q", err, tc.want)
			}
			exp, _ := Explain(context.Background(), opts)
			for name, out := range map[string]string{
				"error": err.Error(), "%+v of the error": fmt.Sprintf("%+v", err), "%#v of the error": fmt.Sprintf("%#v", err),
				"explanation": exp.String(), "%#v of the explanation": fmt.Sprintf("%#v", exp),
			} {
				for _, piece := range []string{"MARKER", "c2lnbmF0dXJl", "eyJzdWIi"} {
					if strings.Contains(out, piece) {
						t.Fatalf("%s contains the token (%q):\n%s", name, piece, out)
					}
				}
			}
		})
	}
}
