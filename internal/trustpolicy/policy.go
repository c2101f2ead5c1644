// Package trustpolicy is the one evaluator of IAM trust policies (a role's assume-role policy
// document) in this module: the fake STS decides with it whether a role trusts a caller, and
// `irsa doctor` uses it to say offline why a role does not trust a pod's token. Both therefore
// reach the same verdict on the same inputs.
//
// It understands what IRSA and role chaining use: statements with Effect Allow or Deny;
// Principal "*" or {"AWS": …, "Federated": …}; Action with * and ? wildcards; Condition blocks
// of StringEquals and StringLike, also with the ForAnyValue: and ForAllValues: set qualifiers
// (keys compared case-insensitively, values case-sensitively, * and ? wildcards for
// StringLike). Every "one or many" field takes a string or an array of strings. Anything else
// is refused by Parse, so a policy is never half understood. A statement matches a request when
// its action, its principal and all its conditions match; a policy allows a request when some
// Allow statement matches and no Deny statement does.
package trustpolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Policy is a parsed trust policy.
type Policy struct{ statements []statement }

type statement struct {
	number     int // from 1, in the document's order
	allow      bool
	principals map[string]OneOrMany // by type, "AWS" or "Federated"; nil for "*"
	actions    OneOrMany
	conditions []condition
}

// Set qualifiers of a condition operator. Request context values here are single strings:
// ForAnyValue then asks for a present key whose value matches, ForAllValues is also met by an
// absent key (IAM's rule for an empty set).
const (
	setNone = iota
	setAnyValue
	setAllValues
)

type condition struct {
	operator string // as written, such as "StringLike" or "ForAnyValue:StringEquals"
	like     bool   // StringLike, else StringEquals
	set      int
	key      string // as written
	values   []string
}

// Request is what a trust policy is evaluated for.
type Request struct {
	// Action is the STS action, such as "sts:AssumeRoleWithWebIdentity".
	Action string
	// PrincipalType is "AWS" or "Federated".
	PrincipalType string
	// Principals are the names the caller goes by (ARNs, account ID, OIDC provider ARN).
	Principals []string
	// Context holds the condition keys of the request, in lower case, with their values.
	Context map[string]string
}

// OneOrMany is IAM's "a string or an array of strings", which is also the form of a JWT's aud.
type OneOrMany []string

func (l *OneOrMany) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '[' {
		return json.Unmarshal(b, (*[]string)(l))
	}
	*l = OneOrMany{""}
	return json.Unmarshal(b, &(*l)[0])
}

// strictJSON decodes one JSON value with no unknown fields and nothing after it.
func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("text after the JSON value")
	}
	return nil
}

// Parse parses a policy document. What it does not understand is an error naming the statement
// and the element.
func Parse(doc string) (*Policy, error) {
	var raw struct {
		Version, ID string
		Statement   json.RawMessage
	}
	if err := strictJSON([]byte(doc), &raw); err != nil {
		return nil, fmt.Errorf("the policy is not a policy document: %w", err)
	}
	if st := bytes.TrimSpace(raw.Statement); len(st) > 0 && st[0] == '{' {
		raw.Statement = append(append([]byte("["), st...), ']')
	}
	var stmts []struct {
		Sid, Effect string
		Principal   json.RawMessage
		Action      OneOrMany
		Condition   map[string]map[string]OneOrMany
	}
	if err := strictJSON(raw.Statement, &stmts); err != nil || len(stmts) == 0 {
		if err == nil {
			err = errors.New("no statements")
		}
		return nil, fmt.Errorf("the policy needs a Statement this evaluator understands (Sid, Effect, Principal, Action, Condition): %w", err)
	}
	p := &Policy{}
	for i, rs := range stmts {
		st := statement{number: i + 1, allow: rs.Effect == "Allow", actions: rs.Action}
		if rs.Effect != "Allow" && rs.Effect != "Deny" || len(rs.Action) == 0 {
			return nil, fmt.Errorf("statement %d: Effect must be Allow or Deny, and Action is required", i+1)
		}
		if string(bytes.TrimSpace(rs.Principal)) != `"*"` {
			err := strictJSON(rs.Principal, &st.principals)
			for typ := range st.principals {
				if typ != "AWS" && typ != "Federated" {
					err = fmt.Errorf("principal type %q is not supported (AWS, Federated)", typ)
				}
			}
			if err != nil || len(st.principals) == 0 {
				return nil, fmt.Errorf("statement %d: Principal must be \"*\" or {\"AWS\"|\"Federated\": …}: %v", i+1, err)
			}
		}
		for _, op := range sortedKeys(rs.Condition) {
			c, ok := parseOperator(op)
			if !ok {
				return nil, fmt.Errorf("statement %d: condition operator %q is not supported (StringEquals, StringLike, with or without ForAnyValue: or ForAllValues:)", i+1, op)
			}
			for _, key := range sortedKeys(rs.Condition[op]) {
				c.key, c.values = key, rs.Condition[op][key]
				st.conditions = append(st.conditions, c)
			}
		}
		p.statements = append(p.statements, st)
	}
	return p, nil
}

func parseOperator(op string) (condition, bool) {
	c := condition{operator: op}
	base := op
	if rest, ok := strings.CutPrefix(op, "ForAnyValue:"); ok {
		c.set, base = setAnyValue, rest
	} else if rest, ok := strings.CutPrefix(op, "ForAllValues:"); ok {
		c.set, base = setAllValues, rest
	}
	c.like = base == "StringLike"
	return c, base == "StringEquals" || base == "StringLike"
}

// sortedKeys returns m's keys in order, so that conditions are evaluated and reported in the
// same order every time.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Allows reports whether the policy allows req.
func (p *Policy) Allows(req Request) bool { return p.Evaluate(req).Allowed }

// Verdict is the outcome of evaluating a policy for a request, with the reasons.
type Verdict struct {
	// Allowed is true when an Allow statement matches and no Deny statement does.
	Allowed bool
	// AllowedBy and DeniedBy number the first Allow and the first Deny statement that match
	// (from 1); 0 when none does.
	AllowedBy, DeniedBy int
	// Mismatches say, for every Allow statement that does not match, each part of it that does
	// not, in the document's order.
	Mismatches []Mismatch
}

// MismatchKind names the part of a statement that does not match.
type MismatchKind int

// The parts of a statement that can fail to match.
const (
	ActionMismatch MismatchKind = iota + 1
	PrincipalMismatch
	ConditionMismatch
)

// Mismatch is one part of an Allow statement that does not match a request.
type Mismatch struct {
	// Statement numbers the statement, from 1.
	Statement int
	// Kind is the part that does not match.
	Kind MismatchKind
	// Actions are the statement's actions (ActionMismatch).
	Actions []string
	// Principals are the statement's principals by type (PrincipalMismatch).
	Principals map[string][]string
	// Operator, Key and Values are the condition as written (ConditionMismatch); Got is the
	// request's value for Key and Present whether it has one.
	Operator, Key string
	Values        []string
	Got           string
	Present       bool
}

// Evaluate evaluates the policy for req and says why it does not match.
func (p *Policy) Evaluate(req Request) Verdict {
	var v Verdict
	for _, st := range p.statements {
		ms := st.mismatches(req)
		switch {
		case len(ms) == 0 && !st.allow && v.DeniedBy == 0:
			v.DeniedBy = st.number
		case len(ms) == 0 && st.allow && v.AllowedBy == 0:
			v.AllowedBy = st.number
		case st.allow:
			v.Mismatches = append(v.Mismatches, ms...)
		}
	}
	v.Allowed = v.AllowedBy > 0 && v.DeniedBy == 0
	return v
}

func (st statement) mismatches(req Request) []Mismatch {
	var ms []Mismatch
	if !slices.ContainsFunc(st.actions, func(a string) bool {
		return wildcardMatch(strings.ToLower(a), strings.ToLower(req.Action))
	}) {
		ms = append(ms, Mismatch{Statement: st.number, Kind: ActionMismatch, Actions: st.actions})
	}
	if st.principals != nil && !slices.ContainsFunc(st.principals[req.PrincipalType], func(p string) bool {
		return p == "*" || slices.Contains(req.Principals, p)
	}) {
		m := Mismatch{Statement: st.number, Kind: PrincipalMismatch, Principals: map[string][]string{}}
		for typ, names := range st.principals {
			m.Principals[typ] = names
		}
		ms = append(ms, m)
	}
	for _, c := range st.conditions {
		got, ok := req.Context[strings.ToLower(c.key)]
		if c.met(got, ok) {
			continue
		}
		ms = append(ms, Mismatch{Statement: st.number, Kind: ConditionMismatch, Operator: c.operator, Key: c.key, Values: c.values, Got: got, Present: ok})
	}
	return ms
}

// met reports whether the condition holds for the request's value v (present says whether the
// request has the key at all).
func (c condition) met(v string, present bool) bool {
	if !present {
		return c.set == setAllValues
	}
	return slices.ContainsFunc(c.values, func(want string) bool { return want == v || c.like && wildcardMatch(want, v) })
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
