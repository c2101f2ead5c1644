package credentials

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// jsonSpace is the white space JSON allows around values (Python's json module allows the same).
const jsonSpace = " \t\r\n"

// parseProcessOutput reads what a credential_process command prints. Keys are matched exactly,
// as botocore matches them (encoding/json alone would also take "accesskeyid"). Each error text
// completes the sentence "PROGRAM printed ..." and describes the output without repeating any
// of it: not a value, not a character, since the output holds secrets.
func parseProcessOutput(out []byte) (Credentials, error) {
	if len(bytes.Trim(out, jsonSpace)) == 0 {
		return Credentials{}, errors.New(`nothing on standard output, where it must print a JSON object with "Version": 1 and the credentials`)
	}
	if !utf8.Valid(out) {
		return Credentials{}, errors.New("output that is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	var fields map[string]json.RawMessage
	if err := dec.Decode(&fields); err != nil {
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syntax):
			return Credentials{}, fmt.Errorf("output that is not valid JSON (the error is at byte %d)", syntax.Offset)
		case errors.As(err, &typ):
			return Credentials{}, fmt.Errorf("JSON that is %s, not an object", article(typ.Value))
		case errors.Is(err, io.ErrUnexpectedEOF):
			return Credentials{}, errors.New("JSON that ends before it is complete")
		}
		return Credentials{}, errors.New("output that is not valid JSON")
	}
	if fields == nil {
		return Credentials{}, errors.New("JSON that is null, not an object")
	}
	if end := dec.InputOffset(); len(bytes.Trim(out[end:], jsonSpace)) > 0 {
		return Credentials{}, fmt.Errorf("more after the JSON object (from byte %d); it must print one object only", end)
	}
	if err := checkVersion(fields["Version"]); err != nil {
		return Credentials{}, err
	}
	c := Credentials{Source: sourceProcess}
	var expiration string
	for _, f := range []struct {
		name     string
		to       *string
		required bool
	}{
		{"AccessKeyId", &c.AccessKeyID, true},
		{"SecretAccessKey", &c.SecretAccessKey, true},
		{"SessionToken", &c.SessionToken, false},
		{"Expiration", &expiration, false},
		{"AccountId", &c.AccountID, false},
	} {
		v, err := stringField(fields, f.name, f.required)
		if err != nil {
			return Credentials{}, err
		}
		*f.to = v
	}
	if _, set := fields["Expiration"]; set && string(fields["Expiration"]) != "null" {
		t, err := time.Parse(time.RFC3339, expiration)
		if err != nil {
			return Credentials{}, errors.New(`JSON whose "Expiration" is not an RFC 3339 time such as 2026-11-24T15:04:05Z`)
		}
		c.Expires = t
	}
	return c, nil
}

// checkVersion accepts the number 1 (1.0 and 1e0 too, as Python compares them equal to 1).
func checkVersion(raw json.RawMessage) error {
	if raw == nil {
		return errors.New(`JSON without "Version", which must be 1`)
	}
	var n float64
	if kind := jsonKind(raw); kind != "a number" || json.Unmarshal(raw, &n) != nil || n != 1 {
		if kind == "a number" {
			kind = "a number other than 1"
		}
		return fmt.Errorf(`JSON whose "Version" is %s; the only version is the number 1`, kind)
	}
	return nil
}

// stringField returns the string value of key; null counts as absent. A value with a control
// character is refused: credentials go into HTTP headers.
func stringField(fields map[string]json.RawMessage, key string, required bool) (string, error) {
	raw, ok := fields[key]
	if !ok || string(raw) == "null" {
		if required {
			return "", fmt.Errorf("JSON without %q", key)
		}
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("JSON whose %q is %s, not a string", key, jsonKind(raw))
	}
	switch {
	case s == "" && required:
		return "", fmt.Errorf("JSON whose %q is empty", key)
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", fmt.Errorf("JSON whose %q has a control character (a line break, say) in it", key)
	}
	return s, nil
}

// jsonKind names the kind of a valid JSON value without repeating it.
func jsonKind(raw json.RawMessage) string {
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "true or false"
	case 'n':
		return "null"
	}
	return "a number"
}

// article puts "a" or "an" before a kind that encoding/json names ("array", "string", ...).
func article(kind string) string {
	if kind == "" {
		return "a value"
	}
	if strings.IndexByte("aeiou", kind[0]) >= 0 {
		return "an " + kind
	}
	return "a " + kind
}
