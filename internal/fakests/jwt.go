package fakests

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
)

// maxTokenSize is the longest WebIdentityToken STS accepts (its API constraint).
const maxTokenSize = 20000

// jwt is a parsed (not yet verified) JSON Web Token.
type jwt struct {
	alg, kid     string
	signingInput string
	signature    []byte
	claims       map[string]json.RawMessage
}

var errMalformed = errors.New("malformed")

// parseJWT splits and decodes a compact JWS. It checks the shape only, never the signature.
func parseJWT(tok string) (*jwt, error) {
	if len(tok) > maxTokenSize {
		return nil, errMalformed
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errMalformed
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, errMalformed
	}
	cb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, errMalformed
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, errMalformed
	}
	var header struct {
		Alg json.RawMessage `json:"alg"`
		Kid json.RawMessage `json:"kid"`
	}
	if err := strictObject(hb, &header); err != nil {
		return nil, errMalformed
	}
	j := &jwt{signingInput: parts[0] + "." + parts[1], signature: sig}
	_ = json.Unmarshal(header.Alg, &j.alg)
	_ = json.Unmarshal(header.Kid, &j.kid)
	if err := strictObject(cb, &j.claims); err != nil {
		return nil, errMalformed
	}
	return j, nil
}

// strictObject decodes a JSON object (nothing after it).
func strictObject(b []byte, v any) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return errMalformed
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errMalformed
	}
	return nil
}

// stringClaim returns a string claim; ok is false when it is absent or not a string.
func (j *jwt) stringClaim(name string) (string, bool) {
	raw, present := j.claims[name]
	if !present {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// audiences returns the aud claim (a string or an array of strings).
func (j *jwt) audiences() ([]string, bool) {
	raw, present := j.claims["aud"]
	if !present {
		return nil, false
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, one != ""
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil && len(many) > 0 {
		return many, true
	}
	return nil, false
}

// timeClaim returns a NumericDate claim in seconds; present is false when absent, and err is
// set when it is not a number.
func (j *jwt) timeClaim(name string) (secs int64, present bool, err error) {
	raw, present := j.claims[name]
	if !present {
		return 0, false, nil
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f > 1e15 || f < -1e15 {
		return 0, true, fmt.Errorf("claim %s is not a NumericDate", name)
	}
	return int64(math.Floor(f)), true, nil
}

// verify checks the RS256 signature against key.
func (j *jwt) verify(key *rsa.PublicKey) bool {
	sum := sha256.Sum256([]byte(j.signingInput))
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], j.signature) == nil
}
