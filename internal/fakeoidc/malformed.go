package fakeoidc

// MalformedToken is a named token that is not a valid JWT, for negative tests.
type MalformedToken struct {
	// Name says what is wrong with it, as a test case name.
	Name string
	// Token is the file content.
	Token string
}

// MalformedTokens returns tokens that no verifier may accept, each broken in a different way.
// None of them parses as a signed JWT; a verifier must reject each without panicking.
func MalformedTokens() []MalformedToken {
	header := b64([]byte(`{"alg":"RS256","kid":"k"}`))
	claims := b64([]byte(`{"iss":"https://example.invalid","sub":"system:serviceaccount:default:app","aud":["sts.amazonaws.com"],"exp":4102444800}`))
	return []MalformedToken{
		{"not a JWT at all", "this is not a token"},
		{"only two segments", header + "." + claims},
		{"four segments", header + "." + claims + ".c2ln.ZXh0cmE"},
		{"empty segments", ".."},
		{"header is not base64url", "%%%." + claims + ".c2ln"},
		{"header is not JSON", b64([]byte("not json")) + "." + claims + ".c2ln"},
		{"claims are not JSON", header + "." + b64([]byte("{\"iss\":")) + ".c2ln"},
		{"claims are a JSON array", header + "." + b64([]byte(`["iss"]`)) + ".c2ln"},
		{"signature is not base64url", header + "." + claims + ".!!!"},
		{"padded base64 segments", header + "==." + claims + ".c2ln"},
		{"exp is a string", header + "." + b64([]byte(`{"iss":"https://example.invalid","sub":"s","aud":"a","exp":"tomorrow"}`)) + ".c2ln"},
	}
}
