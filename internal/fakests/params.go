package fakests

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/irsa-go/irsa/stsxml"
)

// Bounds of DurationSeconds, as STS's API defines them.
const (
	MinDuration     = 900 * time.Second
	MaxDuration     = 43200 * time.Second
	defaultDuration = time.Hour
)

const maxSessionPolicy = 2048

// roleParams are the parameters AssumeRole and AssumeRoleWithWebIdentity share.
type roleParams struct {
	roleARN     string
	sessionName string
	duration    time.Duration // defaultDuration when absent
	policy      string
	hasPolicy   bool
	policyARNs  []string
	tagKeys     []string
}

func present(p map[string][]string, name string) (string, bool) {
	v, ok := p[name]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// parseRoleParams validates the shared parameters; errors go to v.
func parseRoleParams(params map[string][]string, v *validator) roleParams {
	var rp roleParams
	var ok bool
	rp.roleARN, ok = present(params, "RoleArn")
	v.checkString("roleArn", rp.roleARN, ok, true, 20, 2048, patternARN, arnChar, false)
	rp.sessionName, ok = present(params, "RoleSessionName")
	v.checkString("roleSessionName", rp.sessionName, ok, true, 2, 64, patternSessionName, sessionNameChar, false)

	rp.duration = defaultDuration
	if d, ok := present(params, "DurationSeconds"); ok {
		n, err := strconv.ParseInt(d, 10, 32)
		switch {
		case err != nil:
			v.fail(&d, "durationSeconds", "must be a number")
		case n < int64(MinDuration/time.Second):
			v.fail(&d, "durationSeconds", "must have value greater than or equal to 900")
		case n > int64(MaxDuration/time.Second):
			v.fail(&d, "durationSeconds", "must have value less than or equal to 43200")
		default:
			rp.duration = time.Duration(n) * time.Second
		}
	}
	rp.policy, rp.hasPolicy = present(params, "Policy")
	if rp.hasPolicy {
		// The value is echoed by STS; a policy is not a secret.
		v.checkString("policy", rp.policy, true, false, 1, maxSessionPolicy, `[\u0009\u000A\u000D\u0020-\u00FF]+`, func(r rune) bool { return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xff }, false)
	}
	for i := 1; ; i++ {
		a, ok := present(params, fmt.Sprintf("PolicyArns.member.%d.arn", i))
		if !ok {
			break
		}
		v.checkString(fmt.Sprintf("policyArns.%d.member.arn", i), a, true, false, 20, 2048, patternARN, arnChar, false)
		rp.policyARNs = append(rp.policyARNs, a)
	}
	if len(rp.policyARNs) > 10 {
		n := strconv.Itoa(len(rp.policyARNs))
		v.fail(&n, "policyArns", "must have length less than or equal to 10")
	}
	for i := 1; ; i++ {
		k, ok := present(params, fmt.Sprintf("Tags.member.%d.Key", i))
		if !ok {
			break
		}
		rp.tagKeys = append(rp.tagKeys, k)
	}
	sort.Strings(rp.tagKeys)
	return rp
}

// checkSessionPolicy returns MalformedPolicyDocument for a session policy that is not a JSON
// object, and PackedPolicyTooLarge when policies and tags would not fit.
func (rp roleParams) checkSessionPolicy() (*int32, *stsxml.Error) {
	if !rp.hasPolicy && len(rp.policyARNs) == 0 && len(rp.tagKeys) == 0 {
		return nil, nil
	}
	if rp.hasPolicy {
		var doc map[string]any
		if err := json.Unmarshal([]byte(rp.policy), &doc); err != nil {
			return nil, senderError(http.StatusBadRequest, CodeMalformedPolicyDocument, "The policy is not in the valid JSON format.")
		}
		if _, ok := doc["Statement"]; !ok {
			return nil, senderError(http.StatusBadRequest, CodeMalformedPolicyDocument, "Syntax errors in policy.")
		}
	}
	// A stand-in for AWS's packing: the share of the limit the raw sizes would use.
	size := len(strings.Join(strings.Fields(rp.policy), "")) + 100*len(rp.policyARNs) + 64*len(rp.tagKeys)
	pct := int32(size * 100 / maxSessionPolicy)
	if pct > 100 {
		return nil, senderError(http.StatusBadRequest, "PackedPolicyTooLarge", "Packed size of consumed session policies and session tags exceeds the limit: %d%% of the allowed size.", pct)
	}
	return aws.Int32(pct), nil
}
