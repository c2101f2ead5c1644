// Package trustpolicy is the one evaluator of IAM trust policies (a role's assume-role policy
// document) in this module: the fake STS decides with it whether a role trusts a caller, and
// `irsa doctor` uses it to say offline why a role does not trust a pod's token. Both therefore
// reach the same verdict on the same inputs.
//
// It understands what IRSA and role chaining use: statements with Effect Allow or Deny;
// Principal "*" or {"AWS": …, "Federated": …}; Action or NotAction with * and ? wildcards;
// Condition blocks of StringEquals and StringLike, also with the ForAnyValue: and ForAllValues:
// set qualifiers (keys compared case-insensitively, values case-sensitively, * and ? wildcards
// for StringLike). Every "one or many" field takes a string or an array of strings.
//
// Real trust policies often add statements for other callers: an EC2 or Lambda service
// principal, an AWS account, NotPrincipal, condition operators such as StringNotEquals or Bool.
// Parse accepts them (what IAM itself would refuse, such as an unknown field or principal type,
// is refused), and Evaluate reasons in three values. A statement that cannot apply to the request
// is skipped: its Action (or NotAction) does not cover the request's action, or its Principal
// names no principal of the request's type (a Service principal for a web identity request). A
// statement that could apply and whose understood parts all match, but that uses something the
// evaluator does not understand, leaves the verdict undecided when it could change it: an Allow
// when no other Allow matches, a Deny when an Allow matches. A statement whose understood parts
// do not match does not match, whatever else it holds. A policy allows a request when some Allow
// statement matches and no Deny statement does or might. The fake STS refuses what is undecided.
package trustpolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/irsa-go/irsa/internal/redact"
)

// Policy is a parsed trust policy.
type Policy struct{ statements []statement }

type statement struct {
	number     int // from 1, in the document's order
	allow      bool
	principals map[string]OneOrMany // by type: "AWS", "Federated", "Service", "CanonicalUser"; nil for "*" and for NotPrincipal
	actions    OneOrMany
	notAction  bool // actions are a NotAction: the statement covers every other action
	conditions []condition
	// unknown lists, as a person reads them, what the statement uses that the evaluator does not
	// understand: "NotPrincipal", `condition operator "StringNotEquals"`.
	unknown []string
}

// principalTypes are the principal types IAM knows; AWS and Federated are evaluated, a statement
// that names only the others cannot apply to an AWS or Federated request.
var principalTypes = []string{"AWS", "Federated", "Service", "CanonicalUser"}

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

// rawStatement is a statement as written.
type rawStatement struct {
	Sid, Effect             string
	Principal, NotPrincipal json.RawMessage
	Action, NotAction       OneOrMany
	Condition               map[string]map[string]json.RawMessage
}

// Parse parses a policy document. What IAM would refuse (an unknown field or principal type, a
// statement without Effect, Action or Principal) is an error naming the statement and the
// element; what IAM accepts but the evaluator does not understand is kept, for Evaluate to say
// whether it matters (see the package documentation).
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
	var stmts []rawStatement
	if err := strictJSON(raw.Statement, &stmts); err != nil || len(stmts) == 0 {
		if err == nil {
			err = errors.New("no statements")
		}
		return nil, fmt.Errorf("the policy needs a Statement this evaluator understands (Sid, Effect, Principal, NotPrincipal, Action, NotAction, Condition): %w", err)
	}
	p := &Policy{}
	for i, rs := range stmts {
		st, err := parseStatement(i+1, rs)
		if err != nil {
			return nil, fmt.Errorf("statement %d: %w", i+1, err)
		}
		p.statements = append(p.statements, st)
	}
	return p, nil
}

func parseStatement(number int, rs rawStatement) (statement, error) {
	st := statement{number: number, allow: rs.Effect == "Allow", actions: rs.Action}
	if rs.Effect != "Allow" && rs.Effect != "Deny" {
		return st, errors.New("Effect must be Allow or Deny")
	}
	if (len(rs.Action) == 0) == (len(rs.NotAction) == 0) {
		return st, errors.New("exactly one of Action and NotAction is required")
	}
	if len(rs.NotAction) > 0 {
		st.actions, st.notAction = rs.NotAction, true
	}
	principal, element := rs.Principal, "Principal"
	if (len(principal) == 0) == (len(rs.NotPrincipal) == 0) {
		return st, errors.New("exactly one of Principal and NotPrincipal is required")
	}
	if len(rs.NotPrincipal) > 0 {
		principal, element = rs.NotPrincipal, "NotPrincipal"
		st.unknown = append(st.unknown, "NotPrincipal")
	}
	principals, err := parsePrincipal(principal)
	if err != nil {
		return st, fmt.Errorf("%s must be \"*\" or {\"AWS\"|\"Federated\"|\"Service\"|\"CanonicalUser\": …}: %v", element, err)
	}
	if element == "Principal" {
		st.principals = principals
	}
	for _, op := range sortedKeys(rs.Condition) {
		c, ok := parseOperator(op)
		if !ok {
			st.unknown = append(st.unknown, "condition operator "+strconv.Quote(redact.Clip(op, 60)))
			continue
		}
		for _, key := range sortedKeys(rs.Condition[op]) {
			c.key, c.values = key, nil // a fresh slice: json.Unmarshal would reuse the last one's array
			if err := strictJSON(rs.Condition[op][key], (*OneOrMany)(&c.values)); err != nil {
				return st, fmt.Errorf("condition %s on %s: the values must be strings: %v", op, strconv.Quote(redact.Clip(key, 100)), err)
			}
			st.conditions = append(st.conditions, c)
		}
	}
	return st, nil
}

// parsePrincipal parses a Principal (or NotPrincipal): nil for "*".
func parsePrincipal(raw json.RawMessage) (map[string]OneOrMany, error) {
	if string(bytes.TrimSpace(raw)) == `"*"` {
		return nil, nil
	}
	var principals map[string]OneOrMany
	if err := strictJSON(raw, &principals); err != nil {
		return nil, err
	}
	if len(principals) == 0 {
		return nil, errors.New("no principal")
	}
	for _, typ := range sortedKeys(principals) {
		if !slices.Contains(principalTypes, typ) {
			return nil, fmt.Errorf("principal type %s is not one IAM knows", strconv.Quote(redact.Clip(typ, 60)))
		}
	}
	return principals, nil
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

// Allows reports whether the policy allows req; an undecided verdict is a refusal.
func (p *Policy) Allows(req Request) bool { return p.Evaluate(req).Allowed }

// Verdict is the outcome of evaluating a policy for a request, with the reasons.
type Verdict struct {
	// Allowed is true when an Allow statement matches and no Deny statement does or might.
	Allowed bool
	// Undecided is true when statements the evaluator does not fully understand could change the
	// outcome (Unknowns says which): an Allow statement might match and none surely does, or a
	// Deny statement might match while an Allow does. Allowed is then false.
	Undecided bool
	// AllowedBy and DeniedBy number the first Allow and the first Deny statement that match
	// (from 1); 0 when none does.
	AllowedBy, DeniedBy int
	// Mismatches say, for every Allow statement that does not match, each part of it that does
	// not, in the document's order (also for statements that cannot apply: their action or
	// principal).
	Mismatches []Mismatch
	// Unknowns are the statements that could match the request (every part the evaluator
	// understands matches) but use something it does not understand, in the document's order.
	Unknowns []Unknown
	// Skipped numbers the statements that cannot apply to the request: their Action or NotAction
	// does not cover its action, or their Principal names no principal of its type.
	Skipped []int
}

// Unknown is a statement that could match a request but uses what the evaluator does not
// understand.
type Unknown struct {
	// Statement numbers the statement, from 1, and Allow is its effect.
	Statement int
	Allow     bool
	// What lists what is not understood, as a person reads it: "NotPrincipal",
	// `condition operator "StringNotEquals"` (values from the policy clipped and quoted).
	What []string
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
	// Actions are the statement's actions (ActionMismatch), and NotAction whether they are its
	// NotAction.
	Actions   []string
	NotAction bool
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
	undecidedAllow, undecidedDeny := false, false
	for _, st := range p.statements {
		ms, applies := st.mismatches(req)
		switch {
		case !applies || len(ms) > 0:
			if !applies {
				v.Skipped = append(v.Skipped, st.number)
			}
			if st.allow {
				v.Mismatches = append(v.Mismatches, ms...)
			}
		case len(st.unknown) > 0:
			v.Unknowns = append(v.Unknowns, Unknown{Statement: st.number, Allow: st.allow, What: st.unknown})
			undecidedAllow = undecidedAllow || st.allow
			undecidedDeny = undecidedDeny || !st.allow
		case st.allow && v.AllowedBy == 0:
			v.AllowedBy = st.number
		case !st.allow && v.DeniedBy == 0:
			v.DeniedBy = st.number
		}
	}
	switch {
	case v.DeniedBy > 0:
	case v.AllowedBy > 0 && !undecidedDeny:
		v.Allowed = true
	case v.AllowedBy > 0 || undecidedAllow:
		v.Undecided = true
	}
	return v
}

// mismatches returns the parts of the statement that do not match req, and whether it can apply
// to req at all (its action and its principal's type).
func (st statement) mismatches(req Request) (ms []Mismatch, applies bool) {
	applies = true
	if !st.covers(req.Action) {
		ms = append(ms, Mismatch{Statement: st.number, Kind: ActionMismatch, Actions: st.actions, NotAction: st.notAction})
		applies = false
	}
	if st.principals != nil && !slices.ContainsFunc(st.principals[req.PrincipalType], func(p string) bool {
		return p == "*" || slices.Contains(req.Principals, p)
	}) {
		m := Mismatch{Statement: st.number, Kind: PrincipalMismatch, Principals: map[string][]string{}}
		for typ, names := range st.principals {
			m.Principals[typ] = names
		}
		ms = append(ms, m)
		applies = applies && st.principals[req.PrincipalType] != nil
	}
	for _, c := range st.conditions {
		got, ok := req.Context[strings.ToLower(c.key)]
		if c.met(got, ok) {
			continue
		}
		ms = append(ms, Mismatch{Statement: st.number, Kind: ConditionMismatch, Operator: c.operator, Key: c.key, Values: c.values, Got: got, Present: ok})
	}
	return ms, applies
}

// covers reports whether the statement's Action (or NotAction) covers action.
func (st statement) covers(action string) bool {
	named := slices.ContainsFunc(st.actions, func(a string) bool {
		return wildcardMatch(strings.ToLower(a), strings.ToLower(action))
	})
	return named != st.notAction
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
