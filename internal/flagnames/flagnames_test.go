package flagnames

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irsa-go/irsa/chain"
)

const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFLAGNAMESKEY"

// options returns chain options over a config file with an empty profile and one with static
// keys, and an environment of env.
func options(t *testing.T, env map[string]string) chain.Options {
	t.Helper()
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	content := "[profile empty]\n\n[profile static]\naws_access_key_id = AKIAFLAGNAMESEXAMPLE\naws_secret_access_key = " + secret + "\n"
	if err := os.WriteFile(config, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"HOME": dir, "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"), "AWS_EC2_METADATA_DISABLED": "true"}
	for k, v := range env {
		vars[k] = v
	}
	return chain.Options{Getenv: func(k string) string { return vars[k] }}
}

func resolveErr(t *testing.T, opts chain.Options) error {
	t.Helper()
	res, err := chain.Resolve(context.Background(), opts)
	if err == nil {
		res.Close()
		t.Fatal("Resolve succeeded")
	}
	return err
}

// noOptions fails t when s names a chain option or holds the secret.
func noOptions(t *testing.T, s string) {
	t.Helper()
	if strings.Contains(s, "Options.") || strings.Contains(s, secret) {
		t.Errorf("names a chain option or holds the secret:\n%s", s)
	}
}

func TestErrorNamesTheFlags(t *testing.T) {
	for _, tc := range []struct {
		name          string
		profile       string
		region        string
		want          []string
		matchableAs   any
		originalNames string
	}{
		{"a profile that does not exist", "nope", "", []string{`profile "nope" (from --profile) not found in `}, new(*chain.ProfileNotFoundError), "Options.Profile"},
		{"a profile without credentials, and a region", "empty", "eu-west-1", []string{"no credentials found in any source the AWS CLI would use\nprofile: empty (named by --profile)",
			"the profile is named explicitly", "\nregion: eu-west-1 (from --region)\n", "  region = eu-west-1 (from --region)"}, new(*chain.NoCredentialsError), "Options.Region"},
		{"a huge profile name, clipped by chain as before", strings.Repeat("p", 100000), "", []string{`profile "ppp`, `" (from --profile) not found in `}, new(*chain.ProfileNotFoundError), "Options.Profile"},
		{"a profile name with a newline and an escape", "a\n\x1b[31mb", "", []string{`profile "a\n\x1b[31mb" (from --profile) not found in `}, new(*chain.ProfileNotFoundError), "Options.Profile"},
		{"an invalid region", "", "bad region", []string{`--region: "bad region" is not a valid region name`}, new(*chain.ConfigError), "Options.Region"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := options(t, nil)
			opts.Profile, opts.Region = tc.profile, tc.region
			orig := resolveErr(t, opts)
			before := orig.Error()
			err := Error(orig)
			t.Logf("chain: %v\nreworded: %v", orig, err)
			for _, want := range tc.want {
				if !strings.HasPrefix(err.Error(), tc.want[0]) || !strings.Contains(err.Error(), want) {
					t.Errorf("lacks %q:\n%s", want, err)
				}
			}
			noOptions(t, err.Error())
			if len(err.Error()) > 2000 {
				t.Errorf("%d bytes", len(err.Error()))
			}
			// Only the option's name changes; the rest is chain's message, without its prefix.
			want := strings.NewReplacer("Options.Profile", "--profile", "Options.Region", "--region").Replace(strings.TrimPrefix(before, "chain: "))
			if err.Error() != want {
				t.Errorf("reworded:\n%s\nwant:\n%s", err, want)
			}
			if !strings.Contains(before, tc.originalNames) || orig.Error() != before {
				t.Errorf("chain's error changed, or no longer names %s: %s", tc.originalNames, orig)
			}
			if !errors.As(err, tc.matchableAs) || !errors.Is(err, orig) {
				t.Errorf("%T is not matchable as %T", err, tc.matchableAs)
			}
		})
	}
}

func TestErrorLeavesOtherErrorsAlone(t *testing.T) {
	fromEnv := resolveErr(t, options(t, map[string]string{"AWS_PROFILE": "nope"}))
	noCredsFromEnv := resolveErr(t, options(t, map[string]string{"AWS_PROFILE": "empty", "AWS_REGION": "eu-west-1"}))
	opts := options(t, nil)
	opts.Profile = "nope"
	deep := fmt.Errorf("loading: %w", resolveErr(t, opts))
	plain := errors.New("something else")
	for name, err := range map[string]error{
		"a profile named by AWS_PROFILE":                      fromEnv,
		"no credentials, profile and region from the env":     noCredsFromEnv,
		"chain's error wrapped with more context by a caller": deep,
		"an error that is not chain's":                        plain,
	} {
		if got := Error(err); got != err {
			t.Errorf("%s: reworded to %q", name, got)
		}
	}
	if Error(nil) != nil || Explanation(nil) != nil {
		t.Error("nil is not nil")
	}
}

func TestExplanationNamesTheFlagsAndLeavesTheOriginal(t *testing.T) {
	opts := options(t, nil)
	opts.Profile, opts.Region = "static", "ap-south-1"
	exp, err := chain.Explain(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	before := exp.String()
	got := Explanation(exp).String()
	t.Logf("reworded:\n%s", got)
	for _, want := range []string{"profile: static (named by --profile)\n", "\nregion: ap-south-1 (from --region)\n", "AKIAFLAGNAMESEXAMPLE"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q", want)
		}
	}
	noOptions(t, got)
	if exp.String() != before || !strings.Contains(before, "(named by Options.Profile)") {
		t.Errorf("the original explanation changed:\n%s", exp)
	}

	opts.Profile = "nope"
	exp, _ = chain.Explain(context.Background(), opts)
	got = Explanation(exp).String()
	if !strings.Contains(got, "profile: nope (named by --profile)\n") || !strings.HasSuffix(got, "\nerror: "+Error(exp.Err).Error()) ||
		!strings.Contains(got, `error: profile "nope" (from --profile) not found`) {
		t.Errorf("explanation of a missing profile:\n%s", got)
	}
	noOptions(t, got)

	opts.Profile = "empty"
	exp, _ = chain.Explain(context.Background(), opts)
	got = Explanation(exp).String()
	want := strings.NewReplacer("Options.Profile", "--profile", "Options.Region", "--region").Replace(exp.String())
	if got != want || !strings.HasSuffix(got, "\nerror: no credentials found in any source the AWS CLI would use") {
		t.Errorf("explanation without credentials:\n%s\nwant:\n%s", got, want)
	}
}
