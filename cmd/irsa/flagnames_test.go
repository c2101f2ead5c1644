package main

import (
	"strings"
	"testing"
)

// A profile or region the user typed with --profile or --region is named by the flag, not by
// the chain option irsa fills from it.
func TestMessagesNameTheFlagsTheUserTyped(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		out  string // "stdout" or "stderr"
		want []string
	}{
		{"explain with --profile and --region", []string{"explain", "--profile", "static", "--region", "eu-west-1"}, 0, "stdout",
			[]string{"profile: static (named by --profile)\n", "\nregion: eu-west-1 (from --region)\n", "  region = eu-west-1 (from --region)\n"}},
		{"explain with a missing profile", []string{"explain", "--profile", "p"}, 1, "stdout",
			[]string{"profile: p (named by --profile)\n", `error: profile "p" (from --profile) not found in `}},
		{"credential-process with a missing profile", []string{"credential-process", "--profile", "p"}, 1, "stderr",
			[]string{`irsa credential-process: profile "p" (from --profile) not found in `}},
		{"env with a profile without credentials", []string{"env", "--profile", "default", "--region", "eu-west-1"}, 1, "stderr",
			[]string{"irsa env: no credentials found in any source the AWS CLI would use\nprofile: default (named by --profile)\n", "\nregion: eu-west-1 (from --region)\n"}},
		{"exec with an invalid region", []string{"exec", "--region", "bad region", "--", "true"}, 1, "stderr",
			[]string{`irsa exec: --region: "bad region" is not a valid region name`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, home(t), tc.args...)
			out := map[string]string{"stdout": r.stdout, "stderr": r.stderr}[tc.out]
			t.Logf("irsa %s: exit %d\n%s", strings.Join(tc.args, " "), r.code, out)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d", r.code, tc.code)
			}
			for _, want := range tc.want {
				if !strings.Contains(out, want) {
					t.Errorf("%s lacks %q", tc.out, want)
				}
			}
			if strings.Contains(r.stdout+r.stderr, "Options.") {
				t.Errorf("names a chain option:\n%s%s", r.stdout, r.stderr)
			}
			noSecrets(t, r.stdout+r.stderr)
		})
	}
}
