package fakests

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// maxPolicySize bounds trust policies, as IAM does (2048 characters by default; the quota can
// be raised to 4096, which is what is allowed here).
const maxPolicySize = 4096

type policy struct {
	statements []statement
}

type statement struct {
	allow      bool
	anyone     bool     // Principal "*" or {"AWS": "*"}
	aws        []string // principal ARNs or account IDs
	federated  []string
	service    []string
	actions    []string
	conditions []condition
}

type condition struct {
	op       string // base operator, e.g. "StringLike"
	set      string // "", "ForAnyValue", "ForAllValues"
	ifExists bool
	key      string // lower-cased
	values   []string
}

// stringList is an IAM "one or many" string: "a" or ["a", "b"]. Condition values may also be
// booleans or numbers, which IAM compares as their text.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one any
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	scalar := func(v any) (string, error) {
		switch x := v.(type) {
		case string:
			return x, nil
		case bool, float64:
			return fmt.Sprint(x), nil
		}
		return "", fmt.Errorf("expected a string, got %s", bytes.TrimSpace(b))
	}
	if arr, ok := one.([]any); ok {
		out := make([]string, 0, len(arr))
		for _, v := range arr {
			s, err := scalar(v)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		*l = out
		return nil
	}
	s, err := scalar(one)
	if err != nil {
		return err
	}
	*l = []string{s}
	return nil
}

type rawStatement struct {
	Sid          string                           `json:"Sid"`
	Effect       string                           `json:"Effect"`
	Principal    json.RawMessage                  `json:"Principal"`
	NotPrincipal json.RawMessage                  `json:"NotPrincipal"`
	Action       stringList                       `json:"Action"`
	NotAction    json.RawMessage                  `json:"NotAction"`
	Resource     json.RawMessage                  `json:"Resource"`
	Condition    map[string]map[string]stringList `json:"Condition"`
}

var supportedOperators = map[string]bool{
	"StringEquals": true, "StringNotEquals": true, "StringEqualsIgnoreCase": true,
	"StringNotEqualsIgnoreCase": true, "StringLike": true, "StringNotLike": true, "Null": true,
}

func parsePolicy(doc string) (*policy, error) {
	if strings.TrimSpace(doc) == "" {
		return nil, errors.New("the policy is empty")
	}
	if len(doc) > maxPolicySize {
		return nil, fmt.Errorf("the policy is %d characters, more than %d", len(doc), maxPolicySize)
	}
	var raw struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("the policy is not valid JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("the policy has text after its JSON object")
	}
	if raw.Version != "" && raw.Version != "2012-10-17" && raw.Version != "2008-10-17" {
		return nil, fmt.Errorf("unknown policy Version %q", raw.Version)
	}
	var stmts []rawStatement
	trimmed := bytes.TrimSpace(raw.Statement)
	switch {
	case len(trimmed) == 0 || string(trimmed) == "null":
		return nil, errors.New("the policy has no Statement")
	case trimmed[0] == '[':
		if err := json.Unmarshal(trimmed, &stmts); err != nil {
			return nil, fmt.Errorf("Statement: %w", err)
		}
	default:
		var one rawStatement
		if err := json.Unmarshal(trimmed, &one); err != nil {
			return nil, fmt.Errorf("Statement: %w", err)
		}
		stmts = []rawStatement{one}
	}
	if len(stmts) == 0 {
		return nil, errors.New("the policy has no Statement")
	}
	p := &policy{}
	for i, rs := range stmts {
		st, err := parseStatement(rs)
		if err != nil {
			return nil, fmt.Errorf("statement %d: %w", i+1, err)
		}
		p.statements = append(p.statements, st)
	}
	return p, nil
}

func parseStatement(rs rawStatement) (statement, error) {
	var st statement
	switch rs.Effect {
	case "Allow":
		st.allow = true
	case "Deny":
	default:
		return st, fmt.Errorf("Effect must be Allow or Deny, not %q", rs.Effect)
	}
	if len(rs.NotPrincipal) > 0 || len(rs.NotAction) > 0 {
		return st, errors.New("NotPrincipal and NotAction are not supported by this fake")
	}
	if len(rs.Action) == 0 {
		return st, errors.New("Action is required")
	}
	st.actions = rs.Action
	if len(rs.Principal) == 0 {
		return st, errors.New("a trust policy statement needs a Principal")
	}
	var star string
	if json.Unmarshal(rs.Principal, &star) == nil {
		if star != "*" {
			return st, fmt.Errorf("Principal %q: a string Principal must be \"*\"", star)
		}
		st.anyone = true
	} else {
		var m map[string]stringList
		if err := json.Unmarshal(rs.Principal, &m); err != nil {
			return st, fmt.Errorf("Principal: %w", err)
		}
		for k, v := range m {
			switch k {
			case "AWS":
				for _, a := range v {
					if a == "*" {
						st.anyone = true
					}
				}
				st.aws = v
			case "Federated":
				st.federated = v
			case "Service":
				st.service = v
			default:
				return st, fmt.Errorf("Principal type %q is not supported (AWS, Federated, Service)", k)
			}
		}
	}
	ops := make([]string, 0, len(rs.Condition))
	for op := range rs.Condition {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, fullOp := range ops {
		c := condition{op: fullOp}
		if set, rest, ok := strings.Cut(c.op, ":"); ok {
			if set != "ForAnyValue" && set != "ForAllValues" {
				return st, fmt.Errorf("condition operator %q: unknown set qualifier %q", fullOp, set)
			}
			c.set, c.op = set, rest
		}
		if base, ok := strings.CutSuffix(c.op, "IfExists"); ok && c.op != "Null" {
			c.op, c.ifExists = base, true
		}
		if !supportedOperators[c.op] {
			return st, fmt.Errorf("condition operator %q is not supported by this fake", fullOp)
		}
		keys := make([]string, 0, len(rs.Condition[fullOp]))
		for k := range rs.Condition[fullOp] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			cc := c
			cc.key = strings.ToLower(k)
			cc.values = rs.Condition[fullOp][k]
			st.conditions = append(st.conditions, cc)
		}
	}
	return st, nil
}

// authzRequest is what a trust policy is evaluated against.
type authzRequest struct {
	action    string
	federated string     // the OIDC provider ARN (web identity)
	caller    *principal // the signer (AssumeRole)
	context   map[string][]string
}

// allows reports whether the policy allows req: some Allow statement matches and no Deny does.
func (p *policy) allows(req authzRequest) bool {
	allowed := false
	for _, st := range p.statements {
		if !st.matches(req) {
			continue
		}
		if !st.allow {
			return false
		}
		allowed = true
	}
	return allowed
}

func (st statement) matches(req authzRequest) bool {
	actionOK := false
	for _, a := range st.actions {
		if wildcardMatch(strings.ToLower(a), strings.ToLower(req.action)) {
			actionOK = true
			break
		}
	}
	if !actionOK || !st.principalMatches(req) {
		return false
	}
	for _, c := range st.conditions {
		if !c.holds(req.context) {
			return false
		}
	}
	return true
}

func (st statement) principalMatches(req authzRequest) bool {
	if req.federated != "" {
		for _, f := range st.federated {
			if f == req.federated {
				return true
			}
		}
		return false
	}
	if req.caller == nil {
		return false
	}
	if st.anyone {
		return true
	}
	for _, a := range st.aws {
		if req.caller.matchesPrincipal(a) {
			return true
		}
	}
	return false
}

func (c condition) holds(ctx map[string][]string) bool {
	vals, present := ctx[c.key]
	present = present && len(vals) > 0
	if c.op == "Null" {
		want := len(c.values) > 0 && strings.EqualFold(c.values[0], "true")
		return want != present
	}
	base, negated := positiveOperator(c.op)
	if !present {
		// IAM: a missing key fails positive operators, satisfies negated ones, IfExists
		// operators and ForAllValues (vacuously).
		return c.ifExists || c.set == "ForAllValues" || negated
	}
	// matches reports whether v equals (or is like) one of the condition's values; a negated
	// operator holds for v when it matches none of them.
	holdsFor := func(v string) bool {
		for _, want := range c.values {
			if compare(base, want, v) {
				return !negated
			}
		}
		return negated
	}
	switch c.set {
	case "ForAllValues":
		for _, v := range vals {
			if !holdsFor(v) {
				return false
			}
		}
		return true
	case "ForAnyValue":
		for _, v := range vals {
			if holdsFor(v) {
				return true
			}
		}
		return false
	default:
		// A single-valued key: positive operators hold when some value matches, negated ones
		// when none does.
		if negated {
			for _, v := range vals {
				if !holdsFor(v) {
					return false
				}
			}
			return true
		}
		for _, v := range vals {
			if holdsFor(v) {
				return true
			}
		}
		return false
	}
}

// positiveOperator returns the operator without its negation, and whether it was negated.
func positiveOperator(op string) (string, bool) {
	if rest, ok := strings.CutPrefix(op, "StringNot"); ok {
		return "String" + rest, true
	}
	return op, false
}

func compare(op, want, v string) bool {
	switch op {
	case "StringEquals":
		return want == v
	case "StringEqualsIgnoreCase":
		return strings.EqualFold(want, v)
	case "StringLike":
		return wildcardMatch(want, v)
	}
	return false
}

// wildcardMatch matches s against pattern, where * matches any run of characters (also none)
// and ? exactly one, as IAM's StringLike does. It runs in O(len(pattern)*len(s)).
func wildcardMatch(pattern, s string) bool {
	p, t := []rune(pattern), []rune(s)
	pi, ti := 0, 0
	star, mark := -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case star >= 0:
			pi = star + 1
			mark++
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
