package trustpolicy

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/irsa-go/irsa/internal/jwtclaims"
	"github.com/irsa-go/irsa/internal/redact"
)

// ActionWebIdentity is the action a web identity token asks a trust policy for.
const ActionWebIdentity = "sts:AssumeRoleWithWebIdentity"

// Token is what a trust policy sees of a web identity token: its issuer, subject and
// audiences (jwtclaims.Claims has them).
type Token struct {
	Issuer, Subject string
	Audience        []string
}

// WebIdentityResult is the verdict of a trust policy on a web identity token, in sentences.
type WebIdentityResult struct {
	// Allowed is true when the policy lets the token assume the role.
	Allowed bool
	// Undecided is true when it cannot be told offline: a statement that could decide uses what
	// the evaluator does not understand. Allowed is then false, and Reasons say which statement
	// and what.
	Undecided bool
	// Statement numbers the Allow statement that lets it (from 1); 0 when none does.
	Statement int
	// Reasons say, when it is not allowed, each thing that stops it (or, when undecided, what
	// cannot be evaluated), in sentences a person acts on: "the policy allows A, this pod is B".
	// Values from the policy and the token are clipped, and quoted when they hold control
	// characters.
	Reasons []string
	// Skipped say which statements cannot apply to a web identity request, and why, when the
	// policy also has statements that can: "statement 2 is skipped: its Principal names no
	// Federated principal (Service ec2.amazonaws.com)".
	Skipped []string
}

// WebIdentityRequest is the request STS evaluates the trust policy of roleARN for when tok
// asks for it with AssumeRoleWithWebIdentity and aud is the audience STS matched: the principal
// is the OIDC provider of tok's issuer in the role's account, and the context holds
// "<issuer host/path>:sub" and ":aud". It is what the fake STS evaluates, too.
func WebIdentityRequest(roleARN string, tok Token, aud string) Request {
	hp := jwtclaims.IssuerHostPath(tok.Issuer)
	return Request{
		Action: ActionWebIdentity, PrincipalType: "Federated", Principals: []string{ProviderARN(roleARN, tok.Issuer)},
		Context: map[string]string{strings.ToLower(hp + ":sub"): tok.Subject, strings.ToLower(hp + ":aud"): aud},
	}
}

// ProviderARN is the ARN of the IAM OIDC provider for issuer in the account (and partition) of
// roleARN: arn:aws:iam::ACCOUNT:oidc-provider/ISSUER-HOST-PATH. It is "" when roleARN is not an
// ARN.
func ProviderARN(roleARN, issuer string) string {
	r, err := arn.Parse(roleARN)
	if err != nil {
		return ""
	}
	return "arn:" + r.Partition + ":iam::" + r.AccountID + ":oidc-provider/" + jwtclaims.IssuerHostPath(issuer)
}

// CheckWebIdentity evaluates the policy, the trust policy of roleARN, for tok offline, as STS
// would for AssumeRoleWithWebIdentity, and says what does not match. A token with several
// audiences is allowed when one of them is (STS evaluates the audience that matches the
// provider's client IDs, which is not known offline), undecided when none is and one is
// undecided.
func (p *Policy) CheckWebIdentity(roleARN string, tok Token) WebIdentityResult {
	auds := tok.Audience
	if len(auds) == 0 {
		auds = []string{""}
	}
	var first, undecided Verdict
	for i, aud := range auds {
		req := WebIdentityRequest(roleARN, tok, aud)
		if tok.Audience == nil {
			delete(req.Context, strings.ToLower(jwtclaims.IssuerHostPath(tok.Issuer)+":aud"))
		}
		v := p.Evaluate(req)
		if v.Allowed {
			return WebIdentityResult{Allowed: true, Statement: v.AllowedBy, Skipped: p.skipped(v)}
		}
		if i == 0 {
			first = v
		}
		if v.Undecided && !undecided.Undecided {
			undecided = v
		}
	}
	if undecided.Undecided {
		return WebIdentityResult{Undecided: true, Reasons: p.undecidedReasons(undecided, roleARN, tok), Skipped: p.skipped(undecided)}
	}
	return WebIdentityResult{Reasons: p.reasons(first, roleARN, tok), Skipped: p.skipped(first)}
}

// candidates numbers the Allow statements a web identity could be allowed by: a Federated (or
// "*", or NotPrincipal) principal and an action that covers the request's; wrongAction those
// with a Federated principal whose action does not.
func (p *Policy) candidates(v Verdict) (candidates, wrongAction []int, byStatement map[int][]Mismatch) {
	byStatement = map[int][]Mismatch{}
	for _, m := range v.Mismatches {
		byStatement[m.Statement] = append(byStatement[m.Statement], m)
	}
	for _, st := range p.statements {
		if !st.allow || st.principals != nil && st.principals["Federated"] == nil {
			continue
		}
		if hasKind(byStatement[st.number], ActionMismatch) {
			wrongAction = append(wrongAction, st.number)
		} else {
			candidates = append(candidates, st.number)
		}
	}
	return candidates, wrongAction, byStatement
}

// reasons explains a verdict that refuses tok. The statements explained are the candidates.
func (p *Policy) reasons(v Verdict, roleARN string, tok Token) []string {
	if v.DeniedBy > 0 {
		return []string{fmt.Sprintf("statement %d (Effect Deny) matches this token, and a Deny overrides every Allow: narrow or remove that statement", v.DeniedBy)}
	}
	candidates, wrongAction, byStatement := p.candidates(v)
	if len(candidates) == 0 {
		if len(wrongAction) > 0 {
			st := p.statements[wrongAction[0]-1]
			if st.notAction {
				return []string{fmt.Sprintf("statement %d names a Federated principal but its NotAction excludes %s: remove that action from its NotAction",
					st.number, ActionWebIdentity)}
			}
			return []string{fmt.Sprintf("statement %d names a Federated principal but allows %s, not %s: add %s to its Action",
				st.number, showList(st.actions, ", "), ActionWebIdentity, ActionWebIdentity)}
		}
		return []string{"no Allow statement of the policy has a Federated principal: it lets no web identity assume the role; add a statement with Principal {\"Federated\": \"" +
			show(ProviderARN(roleARN, tok.Issuer)) + "\"} and Action " + ActionWebIdentity}
	}
	return explainAll(candidates, byStatement, len(candidates) > 1, roleARN, tok)
}

// explainAll puts the mismatches of the statements numbered in sentences, each prefixed with
// its statement's number when prefix is set.
func explainAll(statements []int, byStatement map[int][]Mismatch, prefix bool, roleARN string, tok Token) []string {
	var out []string
	for _, n := range statements {
		for _, m := range byStatement[n] {
			s := explain(m, roleARN, tok)
			if prefix {
				s = fmt.Sprintf("statement %d: %s", n, s)
			}
			out = append(out, s)
		}
	}
	return out
}

// undecidedReasons says what leaves the verdict undecided: the statements that could decide it
// and what in them is not understood, then why the other candidates do not match.
func (p *Policy) undecidedReasons(v Verdict, roleARN string, tok Token) []string {
	var out, denies []string
	for _, u := range v.Unknowns {
		what := strings.Join(u.What, " and ")
		switch {
		case !u.Allow && v.AllowedBy > 0:
			out = append(out, fmt.Sprintf("statement %d allows this token, but statement %d (Effect Deny) could apply to it and uses %s, which this evaluator does not understand", v.AllowedBy, u.Statement, what))
		case !u.Allow:
			denies = append(denies, fmt.Sprintf("statement %d (Effect Deny) could also apply to this token and uses %s, which this evaluator does not understand", u.Statement, what))
		default:
			out = append(out, fmt.Sprintf("statement %d could allow this token, but it uses %s, which this evaluator does not understand", u.Statement, what))
		}
	}
	if v.AllowedBy > 0 {
		return out
	}
	candidates, _, byStatement := p.candidates(v)
	return append(append(out, denies...), explainAll(candidates, byStatement, true, roleARN, tok)...)
}

// skipped says why each statement that cannot apply to a web identity request is skipped, when
// some statement can (else the reasons say it all).
func (p *Policy) skipped(v Verdict) []string {
	if len(v.Skipped) == len(p.statements) {
		return nil
	}
	var out []string
	for _, n := range v.Skipped {
		st := p.statements[n-1]
		switch {
		case !st.covers(ActionWebIdentity) && st.notAction:
			out = append(out, fmt.Sprintf("statement %d is skipped: its NotAction excludes %s", n, ActionWebIdentity))
		case !st.covers(ActionWebIdentity):
			out = append(out, fmt.Sprintf("statement %d is skipped: its Action is %s, not %s", n, showList(st.actions, ", "), ActionWebIdentity))
		default:
			var names []string
			for _, typ := range sortedKeys(st.principals) {
				names = append(names, typ+" "+showList(st.principals[typ], ", "))
			}
			out = append(out, fmt.Sprintf("statement %d is skipped: its Principal names no Federated principal (%s)", n, strings.Join(names, "; ")))
		}
	}
	return out
}

func hasKind(ms []Mismatch, k MismatchKind) bool {
	for _, m := range ms {
		if m.Kind == k {
			return true
		}
	}
	return false
}

// explain puts one mismatch of a candidate statement in a sentence.
func explain(m Mismatch, roleARN string, tok Token) string {
	hp := jwtclaims.IssuerHostPath(tok.Issuer)
	if m.Kind == PrincipalMismatch {
		return explainPrincipal(m.Principals["Federated"], roleARN, tok)
	}
	// A condition.
	key := strings.ToLower(m.Key)
	wildcards := !strings.HasSuffix(m.Operator, "StringLike") && strings.ContainsAny(strings.Join(m.Values, ""), "*?")
	hint := ""
	if wildcards {
		hint = " (" + m.Operator + " compares * and ? as themselves: use StringLike for a pattern)"
	}
	switch {
	case m.Present && key == strings.ToLower(hp+":sub"):
		return fmt.Sprintf("the policy allows %s, this pod is %s%s", showList(m.Values, " or "), show(tok.Subject), hint)
	case m.Present && key == strings.ToLower(hp+":aud"):
		return fmt.Sprintf("the audience condition wants %s, the token's aud is %s%s", showList(m.Values, " or "), showList(tok.Audience, ", "), hint)
	case key == strings.ToLower(hp+":aud"): // absent: the token has no aud
		return fmt.Sprintf("the audience condition wants %s, the token has no aud claim", showList(m.Values, " or "))
	}
	if other, claim, ok := cutClaimKey(m.Key); ok {
		return fmt.Sprintf("the condition on %s names issuer %s, the token was issued by %s (its condition keys are %s:sub and %s:aud)",
			claim, show(other), show(tok.Issuer), show(hp), show(hp))
	}
	return fmt.Sprintf("the condition %s on %s needs a value a web identity request does not carry (only %s:sub and %s:aud are known offline)",
		show(m.Operator), show(m.Key), show(hp), show(hp))
}

// cutClaimKey splits a condition key "<issuer host/path>:sub" (or :aud) into the issuer and
// the claim.
func cutClaimKey(key string) (issuer, claim string, ok bool) {
	i := strings.LastIndex(key, ":")
	if i <= 0 {
		return "", "", false
	}
	claim = strings.ToLower(key[i+1:])
	return key[:i], key, (claim == "sub" || claim == "aud") && strings.Contains(key[:i], "/")
}

// explainPrincipal says why none of the Federated principals is the token's OIDC provider.
func explainPrincipal(principals []string, roleARN string, tok Token) string {
	hp := jwtclaims.IssuerHostPath(tok.Issuer)
	role, _ := arn.Parse(roleARN)
	var out []string
	for _, p := range principals {
		a, err := arn.Parse(p)
		provider, isProvider := strings.CutPrefix(a.Resource, "oidc-provider/")
		switch {
		case err != nil || a.Service != "iam" || !isProvider:
			out = append(out, fmt.Sprintf("the Federated principal %s is not an IAM OIDC provider ARN (arn:aws:iam::ACCOUNT:oidc-provider/ISSUER)", show(p)))
		case provider != hp:
			out = append(out, fmt.Sprintf("the Federated principal names issuer %s, the token was issued by %s", show(provider), show(tok.Issuer)))
		case a.AccountID != role.AccountID || a.Partition != role.Partition:
			out = append(out, fmt.Sprintf("the Federated principal names the OIDC provider of account %s, the role is in account %s: IAM uses the provider registered in the role's own account",
				show(a.AccountID), show(role.AccountID)))
		default:
			out = append(out, fmt.Sprintf("the Federated principal %s is not %s", show(p), show(ProviderARN(roleARN, tok.Issuer))))
		}
	}
	return strings.Join(out, "; ")
}

// maxShown is how many values of a list are shown.
const maxShown = 5

// showList shows values joined with sep, at most maxShown of them.
func showList(values []string, sep string) string {
	if len(values) == 0 {
		return "nothing"
	}
	shown := make([]string, 0, maxShown+1)
	for i, v := range values {
		if i == maxShown {
			shown = append(shown, fmt.Sprintf("%d more", len(values)-maxShown))
			break
		}
		shown = append(shown, show(v))
	}
	return strings.Join(shown, sep)
}

// show makes a value from a policy or a token fit in a sentence: clipped, and quoted when it
// is empty or holds control or invisible characters that would garble the text.
func show(s string) string {
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) || r == unicode.ReplacementChar }) >= 0 {
		return strconv.Quote(redact.Clip(s, 200))
	}
	return redact.Clip(s, 200)
}
