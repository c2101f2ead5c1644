package fakests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWildcardMatch(t *testing.T) {
	for _, tt := range []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"*", "", true},
		{"*", "anything", true},
		{"a*", "a", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbd", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"?", "é", true},
		{"*:payments:*", "system:serviceaccount:payments:api", true},
		{"system:serviceaccount:*:api", "system:serviceaccount:payments:worker", false},
		{"**a**", "xxaxx", true},
		{"a*b*c", "abcbc", true},
		{"a*b*c", "acb", false},
		{"abc", "ABC", false},
		{"0*", "0*0", true}, // found by FuzzWildcardMatch: a * in the pattern is always a wildcard
	} {
		assert.Equal(t, tt.want, wildcardMatch(tt.pattern, tt.s), "%q ~ %q", tt.pattern, tt.s)
	}
}

func TestParsePolicyRefusesWhatItCannotEvaluate(t *testing.T) {
	for _, tt := range []struct{ name, doc, msg string }{
		{"an empty document", "  ", "the policy is empty"},
		{"text after the object", `{"Statement":[]} x`, "text after its JSON object"},
		{"an unknown version", `{"Version":"2020-01-01","Statement":[]}`, `unknown policy Version "2020-01-01"`},
		{"no statement", `{"Version":"2012-10-17"}`, "the policy has no Statement"},
		{"an empty statement list", `{"Statement":[]}`, "the policy has no Statement"},
		{"a bad effect", `{"Statement":{"Effect":"Maybe","Principal":"*","Action":"sts:AssumeRole"}}`, `statement 1: Effect must be Allow or Deny, not "Maybe"`},
		{"no action", `{"Statement":{"Effect":"Allow","Principal":"*"}}`, "statement 1: Action is required"},
		{"no principal", `{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`, "statement 1: a trust policy statement needs a Principal"},
		{"a string principal other than *", `{"Statement":{"Effect":"Allow","Principal":"me","Action":"sts:AssumeRole"}}`, `Principal "me": a string Principal must be "*"`},
		{"NotPrincipal", `{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"x"},"Principal":"*","Action":"sts:AssumeRole"}}`, "NotPrincipal and NotAction are not supported"},
		{"an unknown principal type", `{"Statement":{"Effect":"Allow","Principal":{"CanonicalUser":"x"},"Action":"sts:AssumeRole"}}`, `Principal type "CanonicalUser" is not supported`},
		{"an unsupported operator", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01"}}}}`, `condition operator "DateGreaterThan" is not supported`},
		{"an unknown set qualifier", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"ForSomeValues:StringEquals":{"k":"v"}}}}`, `unknown set qualifier "ForSomeValues"`},
		{"a condition value that is an object", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"k":{"a":1}}}}}`, "expected a string"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parsePolicy(tt.doc)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestConditionSemantics(t *testing.T) {
	ctx := map[string][]string{"k": {"value"}, "multi": {"a", "b"}}
	for _, tt := range []struct {
		name string
		cond string
		want bool
	}{
		{"StringEquals matches an equal value", `{"StringEquals":{"k":"value"}}`, true},
		{"StringEquals with a list matches any value in it", `{"StringEquals":{"k":["x","value"]}}`, true},
		{"StringEquals fails on a missing key", `{"StringEquals":{"missing":"value"}}`, false},
		{"StringEqualsIfExists holds on a missing key", `{"StringEqualsIfExists":{"missing":"value"}}`, true},
		{"StringEqualsIfExists still compares a present key", `{"StringEqualsIfExists":{"k":"other"}}`, false},
		{"StringNotEquals holds on a missing key", `{"StringNotEquals":{"missing":"value"}}`, true},
		{"StringNotEquals fails when the value is listed", `{"StringNotEquals":{"k":["x","value"]}}`, false},
		{"StringNotEquals holds when no value is listed", `{"StringNotEquals":{"k":["x","y"]}}`, true},
		{"StringEqualsIgnoreCase ignores case", `{"StringEqualsIgnoreCase":{"k":"VALUE"}}`, true},
		{"StringNotEqualsIgnoreCase ignores case", `{"StringNotEqualsIgnoreCase":{"k":"VALUE"}}`, false},
		{"StringLike matches a wildcard", `{"StringLike":{"k":"v*e"}}`, true},
		{"StringNotLike fails on a wildcard match", `{"StringNotLike":{"k":"v*"}}`, false},
		{"keys are case-insensitive", `{"StringEquals":{"K":"value"}}`, true},
		{"Null true holds on a missing key", `{"Null":{"missing":"true"}}`, true},
		{"Null false holds on a present key", `{"Null":{"k":"false"}}`, true},
		{"Null true fails on a present key", `{"Null":{"k":"true"}}`, false},
		{"ForAllValues holds when every value is listed", `{"ForAllValues:StringEquals":{"multi":["a","b","c"]}}`, true},
		{"ForAllValues fails when a value is not listed", `{"ForAllValues:StringEquals":{"multi":["a"]}}`, false},
		{"ForAllValues holds on a missing key", `{"ForAllValues:StringEquals":{"missing":["a"]}}`, true},
		{"ForAnyValue holds when one value is listed", `{"ForAnyValue:StringEquals":{"multi":["b"]}}`, true},
		{"ForAnyValue fails on a missing key", `{"ForAnyValue:StringEquals":{"missing":["b"]}}`, false},
		{"all operators must hold", `{"StringEquals":{"k":"value"},"StringLike":{"k":"x*"}}`, false},
		{"boolean condition values compare as text", `{"StringEquals":{"flag":true}}`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parsePolicy(`{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":` + tt.cond + `}}`)
			require.NoError(t, err)
			got := p.allows(authzRequest{action: "sts:AssumeRole", caller: &principal{}, context: ctx})
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestActionsMatchCaseInsensitivelyWithWildcards(t *testing.T) {
	p, err := parsePolicy(`{"Statement":{"Effect":"Allow","Principal":"*","Action":["STS:assume*"]}}`)
	require.NoError(t, err)
	assert.True(t, p.allows(authzRequest{action: "sts:AssumeRole", caller: &principal{}}))
	assert.False(t, p.allows(authzRequest{action: "sts:TagSession", caller: &principal{}}))
	assert.False(t, p.allows(authzRequest{action: "sts:AssumeRole"}), "no caller, no match")
}
