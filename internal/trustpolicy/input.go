package trustpolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// MaxInputSize is the largest input ParseInput takes. A trust policy is at most a few KiB (IAM's
// quota is 4096 characters), the output of aws iam get-role a few more.
const MaxInputSize = 256 << 10

// Input is a trust policy as a person has it at hand, parsed.
type Input struct {
	// Policy is the trust policy.
	Policy *Policy
	// RoleARN is the role's ARN when the input is the output of aws iam get-role; "" for a
	// bare policy document.
	RoleARN string
}

// ParseInput parses the output of `aws iam get-role` ({"Role": {"Arn": …,
// "AssumeRolePolicyDocument": …}}, or its Role object alone, as --query Role prints it), in
// which the document is a JSON object or a string, URL-encoded as IAM's API returns it; or a bare
// policy document, also possibly URL-encoded. Its errors say which of these the input is not.
func ParseInput(b []byte) (Input, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return Input{}, errors.New("it is empty: want the JSON of aws iam get-role, or the trust policy document")
	case len(b) > MaxInputSize:
		return Input{}, fmt.Errorf("it is larger than %d KiB: a trust policy is a few KiB", MaxInputSize>>10)
	case bytes.HasPrefix(b, []byte("%7B")) || bytes.HasPrefix(b, []byte("%7b")):
		doc, err := decodeDocument(string(b))
		if err != nil {
			return Input{}, err
		}
		b = []byte(doc)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return Input{}, fmt.Errorf("it is not a JSON object (%v): want the JSON of aws iam get-role, or the trust policy document", jsonError(err))
	}
	role := top
	if raw, ok := top["Role"]; ok {
		if err := json.Unmarshal(raw, &role); err != nil {
			return Input{}, errors.New("its Role is not a JSON object: want the JSON of aws iam get-role")
		}
	}
	rawDoc, fromRole := role["AssumeRolePolicyDocument"]
	if !fromRole {
		if _, ok := top["Statement"]; !ok {
			return Input{}, errors.New("it has neither Role.AssumeRolePolicyDocument (the JSON of aws iam get-role) nor a Statement (a policy document)")
		}
		p, err := Parse(string(b))
		return Input{Policy: p}, err
	}
	var in Input
	if raw, ok := role["Arn"]; ok && json.Unmarshal(raw, &in.RoleARN) != nil {
		return Input{}, errors.New("its Role.Arn is not a string")
	}
	doc := string(rawDoc)
	var s string
	if json.Unmarshal(rawDoc, &s) == nil { // a string: URL-encoded, or JSON text
		var err error
		if doc, err = decodeDocument(s); err != nil {
			return Input{}, fmt.Errorf("its AssumeRolePolicyDocument: %w", err)
		}
	}
	p, err := Parse(doc)
	if err != nil {
		return Input{}, fmt.Errorf("its AssumeRolePolicyDocument: %w", err)
	}
	in.Policy = p
	return in, nil
}

// decodeDocument returns a policy document given as a string: URL-decoded when it is
// URL-encoded (it does not start with "{"), else as it is.
func decodeDocument(s string) (string, error) {
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		return s, nil
	}
	doc, err := url.PathUnescape(s) // IAM encodes a space as %20; a "+" is a "+"
	if err != nil {
		return "", errors.New("the policy document is neither JSON nor URL-encoded JSON")
	}
	return doc, nil
}

// jsonError describes a JSON syntax error by its position only: the input may hold anything.
func jsonError(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("invalid JSON at byte %d", syn.Offset)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return "a JSON " + typ.Value + ", not an object"
	}
	return "invalid JSON"
}
