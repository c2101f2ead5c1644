package credentials

import (
	"strings"
	"testing"
	"time"
)

func TestSessionNameRules(t *testing.T) {
	tests := []struct {
		name    string
		session string
		wantErr string
	}{
		{"two characters is the shortest accepted", "ab", ""},
		{"sixty-four characters is the longest accepted", strings.Repeat("s", 64), ""},
		{"every allowed punctuation is accepted", "a+b=c,d.e@f_g-h", ""},
		{"one character is refused", "a", `SessionName "a" is 1 characters long; STS accepts 2 to 64`},
		{"sixty-five characters is refused", strings.Repeat("s", 65), "is 65 characters long"},
		{"a space is refused and named", "my session", `contains " ", which STS does not accept`},
		{"a colon is refused", "ns:pod", `contains ":"`},
		{"a slash is refused", "ns/pod", `contains "/"`},
		{"non-ASCII is refused", "sessión", "which STS does not accept"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkSessionName("SessionName", tc.session)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestSessionNameFromKubernetesClaims(t *testing.T) {
	long := func(c byte, n int) string { return strings.Repeat(string(c), n) }
	tests := []struct {
		name   string
		claims TokenClaims
		want   string
	}{
		{"namespace, service account and pod are joined with dots",
			TokenClaims{Namespace: "payments", ServiceAccount: "api", Pod: "api-7d9f8-x2x4q"}, "payments.api.api-7d9f8-x2x4q"},
		{"token without a pod binding gives namespace and service account",
			TokenClaims{Namespace: "payments", ServiceAccount: "api"}, "payments.api"},
		{"subject of a service account is used when the kubernetes.io claim is missing",
			TokenClaims{Subject: "system:serviceaccount:payments:api"}, "payments.api"},
		{"characters STS refuses are replaced by dashes",
			TokenClaims{Namespace: "ns", ServiceAccount: "a:b", Pod: "p/q r"}, "ns.a-b.p-q-r"},
		{"too long drops the service account first",
			TokenClaims{Namespace: "payments", ServiceAccount: long('s', 40), Pod: "api-7d9f8-x2x4q"}, "payments.api-7d9f8-x2x4q"},
		{"still too long keeps the end of the pod name, where its hashes are",
			TokenClaims{Namespace: "payments", ServiceAccount: "api", Pod: long('p', 70) + "-7d9f8-x2x4q"}, long('p', 52) + "-7d9f8-x2x4q"},
		{"pod name cut at a dash loses the leading dash",
			TokenClaims{Namespace: "n", Pod: long('p', 10) + "-" + long('q', 63)}, long('q', 63)},
		{"subject that is not a service account gives nothing", TokenClaims{Subject: "user@example.com"}, ""},
		{"no claims give nothing", TokenClaims{}, ""},
		{"a one-character result is too short for STS and gives nothing", TokenClaims{Namespace: "n"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := sessionNameFromClaims(tc.claims)
			if got != tc.want {
				t.Fatalf("sessionNameFromClaims = %q, want %q", got, tc.want)
			}
			if got != "" {
				if err := checkSessionName("derived", got); err != nil {
					t.Fatalf("derived name breaks STS's rules: %v", err)
				}
			}
		})
	}
}

func TestGeneratedSessionNameIsUniquePerInstantAndValid(t *testing.T) {
	now := time.Date(2026, 11, 24, 6, 0, 0, 123, time.UTC)
	got := generatedSessionName(now)
	if got != "irsa-1795500000000000123" {
		t.Errorf("generatedSessionName = %q", got)
	}
	if err := checkSessionName("generated", got); err != nil {
		t.Error(err)
	}
	if generatedSessionName(now.Add(1)) == got {
		t.Error("two instants gave the same name")
	}
}
