package fakests

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// policy is a parsed IAM trust policy (a role's assume-role policy document), reduced to what
// IRSA and role chaining use: statements with Effect Allow or Deny; Principal "*" or
// {"AWS": …, "Federated": …}; Action with * and ? wildcards; Condition blocks of StringEquals
// and StringLike (keys compared case-insensitively, * and ? wildcards for StringLike). Every
// "one or many" field takes a string or an array of strings. Anything else is refused by
// parsePolicy, so a policy is never half understood. A statement allows a request when its
// action, its principal and all its conditions match; a policy allows a request when some
// Allow statement matches and no Deny statement does.
type policy struct{ statements []statement }

type statement struct {
	allow      bool
	principals map[string]oneOrMany // by type, "AWS" or "Federated"; nil for "*"
	actions    oneOrMany
	conditions []condition
}

type condition struct {
	like   bool   // StringLike, else StringEquals
	key    string // lower-case
	values []string
}

// authzRequest is what a trust policy is evaluated for.
type authzRequest struct {
	action        string
	principalType string            // "AWS" or "Federated"
	principals    []string          // the names the caller goes by (ARNs, account ID, provider ARN)
	context       map[string]string // condition keys, lower-case
}

// oneOrMany is IAM's "a string or an array of strings".
type oneOrMany []string

func (l *oneOrMany) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '[' {
		return json.Unmarshal(b, (*[]string)(l))
	}
	*l = oneOrMany{""}
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

func parsePolicy(doc string) (*policy, error) {
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
		Action      oneOrMany
		Condition   map[string]map[string]oneOrMany
	}
	if err := strictJSON(raw.Statement, &stmts); err != nil || len(stmts) == 0 {
		return nil, fmt.Errorf("the policy needs a Statement this fake understands (Sid, Effect, Principal, Action, Condition): %v", err)
	}
	p := &policy{}
	for i, rs := range stmts {
		st := statement{allow: rs.Effect == "Allow", actions: rs.Action}
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
		for op, block := range rs.Condition {
			if op != "StringEquals" && op != "StringLike" {
				return nil, fmt.Errorf("statement %d: condition operator %q is not supported (StringEquals, StringLike)", i+1, op)
			}
			for key, values := range block {
				st.conditions = append(st.conditions, condition{like: op == "StringLike", key: strings.ToLower(key), values: values})
			}
		}
		p.statements = append(p.statements, st)
	}
	return p, nil
}

// allows reports whether the policy allows req.
func (p *policy) allows(req authzRequest) bool {
	allowed := false
	for _, st := range p.statements {
		if st.matches(req) {
			if !st.allow {
				return false
			}
			allowed = true
		}
	}
	return allowed
}

func (st statement) matches(req authzRequest) bool {
	actionOK := slices.ContainsFunc(st.actions, func(a string) bool {
		return wildcardMatch(strings.ToLower(a), strings.ToLower(req.action))
	})
	principalOK := st.principals == nil || slices.ContainsFunc(st.principals[req.principalType], func(p string) bool {
		return p == "*" || slices.Contains(req.principals, p)
	})
	return actionOK && principalOK && !slices.ContainsFunc(st.conditions, func(c condition) bool {
		v, ok := req.context[c.key]
		return !ok || !slices.ContainsFunc(c.values, func(want string) bool { return want == v || c.like && wildcardMatch(want, v) })
	})
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
