package chain

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The values the IAM documentation uses as examples.
const (
	exampleKeyID  = "AKIAIOSFODNN7EXAMPLE"
	exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// An access key ID is shown only when it looks like one: with the ID and the secret swapped,
// Explain says so instead of printing the secret as "access key".
func TestExplainShowsOnlyWhatLooksLikeAnAccessKeyID(t *testing.T) {
	cases := []struct {
		name        string
		env         map[string]string
		credentials string
		want        []string
		secret      string
	}{
		{name: "environment keys in their places are shown",
			env:  map[string]string{"AWS_ACCESS_KEY_ID": exampleKeyID, "AWS_SECRET_ACCESS_KEY": exampleSecret},
			want: []string{"1. access key AKIAIOSFODNN7EXAMPLE from environment variables", "AWS_ACCESS_KEY_ID = AKIAIOSFODNN7EXAMPLE (from env)"}},
		{name: "swapped environment variables are named and the secret is not shown",
			env: map[string]string{"AWS_ACCESS_KEY_ID": exampleSecret, "AWS_SECRET_ACCESS_KEY": exampleKeyID},
			want: []string{
				"1. access key (a 40-character value that does not look like an access key ID: are AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY swapped?) from environment variables",
				"AWS_ACCESS_KEY_ID = (a 40-character value that does not look like an access key ID: are AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY swapped?) (from env)"},
			secret: exampleSecret},
		{name: "swapped keys in the credentials file are named and the secret is not shown",
			credentials: "[default]\naws_access_key_id = " + exampleSecret + "\naws_secret_access_key = " + exampleKeyID + "\n",
			want: []string{
				"1. access key (a 40-character value that does not look like an access key ID: are aws_access_key_id and aws_secret_access_key swapped?) from profile default",
				"aws_access_key_id = (a 40-character value that does not look like an access key ID: are aws_access_key_id and aws_secret_access_key swapped?) (from ~/.aws/credentials line 2)"},
			secret: exampleSecret},
		{name: "a value of another shape is described, not shown",
			env:    map[string]string{"AWS_ACCESS_KEY_ID": "minio-admin-user", "AWS_SECRET_ACCESS_KEY": exampleSecret},
			want:   []string{"1. access key (a 16-character value that does not look like an access key ID, which is AKIA or ASIA and 16 letters or digits) from environment variables"},
			secret: "minio-admin-user"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(home, ".aws", "credentials"), []byte(tc.credentials), 0o600); err != nil {
				t.Fatal(err)
			}
			env := tc.env
			opts := Options{Getenv: func(k string) string { return env[k] }, HomeDir: home}
			exp, err := Explain(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			out := exp.String()
			for _, want := range tc.want {
				if !strings.Contains(out, want) {
					t.Errorf("the explanation lacks %q:\n%s", want, out)
				}
			}
			if tc.secret == "" {
				return
			}
			for name, text := range map[string]string{"explanation": out, "%+v": fmt.Sprintf("%+v", exp), "%#v": fmt.Sprintf("%#v", exp)} {
				if strings.Contains(text, tc.secret) || strings.Contains(text, tc.secret[:12]) {
					t.Errorf("the %s shows the value in the access key ID's place:\n%s", name, text)
				}
			}
			// The credentials still carry the value as given: only its display changes.
			res, err := Resolve(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Close()
			c, err := res.Provider.Retrieve(context.Background())
			if err != nil || c.AccessKeyID != tc.secret {
				t.Fatalf("Retrieve: %v, %v; want the configured value", c, err)
			}
		})
	}
}
