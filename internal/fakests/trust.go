package fakests

import (
	"encoding/json"
	"strings"
)

// WebIdentityTrustPolicy returns the trust policy EKS documents for IAM roles for service
// accounts: the role trusts the OIDC provider of issuerURL in account for tokens whose sub is
// sub and whose aud is aud. A sub containing * or ? is matched with StringLike (e.g.
// "system:serviceaccount:payments:*"), otherwise with StringEquals. An empty aud leaves the
// audience unconditioned (the provider's client IDs still apply).
func WebIdentityTrustPolicy(account, issuerURL, sub, aud string) string {
	hp := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(issuerURL, "https://"), "http://"), "/")
	cond := map[string]map[string]string{}
	subOp := "StringEquals"
	if strings.ContainsAny(sub, "*?") {
		subOp = "StringLike"
	}
	cond[subOp] = map[string]string{hp + ":sub": sub}
	if aud != "" {
		if cond["StringEquals"] == nil {
			cond["StringEquals"] = map[string]string{}
		}
		cond["StringEquals"][hp+":aud"] = aud
	}
	return mustJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Federated": OIDCProviderARN(account, issuerURL)},
			"Action":    "sts:AssumeRoleWithWebIdentity",
			"Condition": cond,
		}},
	})
}

// AssumeRoleTrustPolicy returns a trust policy that lets principal assume the role: an
// account ID or "arn:aws:iam::ACCOUNT:root" (any identity in that account), a role ARN (its
// sessions), a user ARN, or "*". A non-empty externalID adds the sts:ExternalId condition.
// The policy also allows sts:SetSourceIdentity and sts:TagSession for the same principal.
func AssumeRoleTrustPolicy(principal, externalID string) string {
	st := map[string]any{
		"Effect":    "Allow",
		"Principal": map[string]any{"AWS": principal},
		"Action":    []string{"sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"},
	}
	if externalID != "" {
		st["Condition"] = map[string]any{"StringEquals": map[string]string{"sts:ExternalId": externalID}}
	}
	return mustJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{st}})
}

func mustJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err)
	}
	return string(b)
}
