package fakests

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseJWT: any input is refused or parsed into a token whose signing input is the first
// two segments; nothing panics.
func FuzzParseJWT(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJpc3MiOiJodHRwczovL3giLCJhdWQiOlsiYSJdLCJleHAiOjF9.c2ln")
	f.Add("a.b.c")
	f.Add("..")
	f.Add("e30.e30.")
	f.Fuzz(func(t *testing.T, tok string) {
		j, err := parseJWT(tok)
		if err != nil {
			return
		}
		if !strings.HasPrefix(tok, j.signingInput+".") {
			t.Fatalf("signing input %q is not the token's prefix", j.signingInput)
		}
		_, _ = j.audiences()
		_, _, _ = j.timeClaim("exp")
		_, _ = j.stringClaim("iss")
	})
}

// FuzzParseAuthorization: a parsed header has all its parts, host among lower-case sorted
// signed headers, and an sts scope; nothing panics.
func FuzzParseAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=abc")
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/sts/aws4_request,SignedHeaders=host,Signature=0")
	f.Add("AWS4-HMAC-SHA256 ")
	f.Add("Bearer x")
	f.Fuzz(func(t *testing.T, h string) {
		a, e := parseAuthorization(h)
		if e != nil {
			if e.Code == "" || e.StatusCode == 0 {
				t.Fatalf("incomplete error %+v", e)
			}
			return
		}
		if a.accessKeyID == "" || a.region == "" || a.service != "sts" || a.signature == "" {
			t.Fatalf("incomplete authorization %+v", a)
		}
		host := false
		for i, sh := range a.signedHeaders {
			if sh != strings.ToLower(sh) || (i > 0 && a.signedHeaders[i-1] > sh) {
				t.Fatalf("signed headers %q not lower-case and sorted", a.signedHeaders)
			}
			host = host || sh == "host"
		}
		if !host {
			t.Fatal("host not signed")
		}
	})
}

// FuzzParsePolicy: any document is refused or evaluates without panicking.
func FuzzParsePolicy(f *testing.F) {
	f.Add(AssumeRoleTrustPolicy("111122223333", "ext"))
	f.Add(WebIdentityTrustPolicy("111122223333", "https://oidc.example/id/X", "system:serviceaccount:*:app", "sts.amazonaws.com"))
	f.Add(`{"Statement":{"Effect":"Deny","Principal":"*","Action":"*","Condition":{"ForAllValues:StringNotLikeIfExists":{"k":["a*"]},"Null":{"x":"true"}}}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := parsePolicy(doc)
		if err != nil {
			return
		}
		caller := &principal{arn: "arn:aws:iam::111122223333:user/u", account: "111122223333", partition: "aws"}
		ctx := map[string][]string{"sts:externalid": {"ext"}, "k": {"a", "b"}}
		_ = p.allows(authzRequest{action: "sts:AssumeRole", caller: caller, context: ctx})
		_ = p.allows(authzRequest{action: "sts:AssumeRoleWithWebIdentity", federated: "arn:aws:iam::111122223333:oidc-provider/oidc.example/id/X", context: ctx})
	})
}

// FuzzWildcardMatch compares the matcher with a regular expression built from the pattern.
func FuzzWildcardMatch(f *testing.F) {
	f.Add("a*b?c", "axxbyc")
	f.Add("system:serviceaccount:*:*", "system:serviceaccount:ns:sa")
	f.Add("**?", "")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(s) || len(pattern) > 64 || len(s) > 256 {
			return
		}
		var re strings.Builder
		re.WriteString(`^(?s:`)
		for _, r := range pattern {
			switch r {
			case '*':
				re.WriteString(".*")
			case '?':
				re.WriteString(".")
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString(`)$`)
		want := regexp.MustCompile(re.String()).MatchString(s)
		if got := wildcardMatch(pattern, s); got != want {
			t.Fatalf("wildcardMatch(%q, %q) = %v, regexp says %v", pattern, s, got, want)
		}
	})
}
