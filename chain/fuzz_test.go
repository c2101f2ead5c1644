package chain

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParseConfig checks the parser on any input: no panic, no hang (it is linear), and when a
// file is accepted every setting points at a real line, values are trimmed and hold no line
// break of the file, and the profile map can be built. The seed corpus is the differential
// test's corpus plus testdata/fuzz/FuzzParseConfig.
func FuzzParseConfig(f *testing.F) {
	for _, s := range parserCorpus {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := parseINI("f", data)
		if err != nil {
			if len(data) <= maxConfigFileSize && !strings.Contains(err.Error(), "line") && !strings.Contains(err.Error(), "byte order") {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		if !utf8.Valid(data) {
			t.Fatalf("accepted invalid UTF-8")
		}
		lines := 1 + bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r"))
		secs, err := file.sectionsView()
		if err != nil {
			return
		}
		for _, s := range secs {
			if s.line < 1 || s.line > lines {
				t.Fatalf("section %q at line %d of %d", s.name, s.line, lines)
			}
			for k, st := range s.settings() {
				if st.line < 1 || st.line > lines {
					t.Fatalf("key %q at line %d of %d", k, st.line, lines)
				}
				if st.value != pyStrip(st.value) || strings.ContainsRune(st.value, '\r') {
					t.Fatalf("value %q of %q not trimmed or holds CR", st.value, k)
				}
				for nk, ns := range st.nested {
					if ns.line < st.line || ns.line > lines || strings.ContainsAny(ns.value, "\r\n") || nk != pyStrip(nk) {
						t.Fatalf("nested %q=%q at line %d", nk, ns.value, ns.line)
					}
				}
			}
		}
		_ = buildProfileMap(secs)
	})
}

const fuzzSecret = "SECRETxSECRETxSECRET"

// FuzzResolve runs the whole plan on any config and credentials file: no panic, an explanation
// that renders, and no secret in it or in the error. A secret is recognised by a marker: when the
// marker appears in the files only inside secret values (aws_secret_access_key,
// aws_session_token, aws_security_token), it must not appear in the output.
func FuzzResolve(f *testing.F) {
	f.Add([]byte("[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::111111111111:role/b\nsource_profile = a\n"), []byte("[c]\naws_access_key_id = AKID\naws_secret_access_key = "+fuzzSecret+"\n"), uint8(0))
	f.Add([]byte("[default]\nregion = eu-west-1\nservices = s\n[services s]\nsts =\n  endpoint_url = http://127.0.0.1:1\n"), []byte("[default]\naws_access_key_id = AKID\naws_secret_access_key = "+fuzzSecret+"\naws_session_token = "+fuzzSecret+"\n"), uint8(1))
	f.Add([]byte("[profile p]\nrole_arn = arn:aws:iam::111111111111:role/p\nsource_profile = p\naws_access_key_id = A\naws_secret_access_key = "+fuzzSecret+"\nmfa_serial = x\n"), []byte(""), uint8(2))
	f.Add([]byte("[profile p]\nweb_identity_token_file = /t\nrole_arn = arn:aws:iam::111111111111:role/p\n[profile q]\nrole_arn = r\nsource_profile = p\nduration_seconds = 9_00\n"), []byte("[q]\naws_secret_access_key = "+fuzzSecret+"\n"), uint8(3))
	dir := f.TempDir()
	cfgPath, credPath := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	f.Fuzz(func(t *testing.T, cfg, creds []byte, sel uint8) {
		if err := os.WriteFile(cfgPath, cfg, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(credPath, creds, 0o600); err != nil {
			t.Fatal(err)
		}
		env := map[string]string{}
		profiles := []string{"", "a", "p", "q", "default", "c"}
		if p := profiles[int(sel)%len(profiles)]; p != "" {
			env["AWS_PROFILE"] = p
		}
		if sel&8 != 0 {
			env["AWS_WEB_IDENTITY_TOKEN_FILE"] = "/tok"
		}
		if sel&16 != 0 {
			env["AWS_ROLE_ARN"] = "arn:aws:iam::111111111111:role/env"
		}
		if sel&32 != 0 {
			env["AWS_ACCESS_KEY_ID"] = "AKIDENV"
		}
		opts := Options{ConfigFile: cfgPath, CredentialsFile: credPath, HomeDir: dir,
			Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return time.Unix(1700000000, 0) }}
		if sel&64 != 0 {
			opts.Profile = "q"
		}
		exp, err := Explain(context.Background(), opts)
		out := exp.String()
		if err != nil {
			out += err.Error() + fmt.Sprintf("%+v %#v", err, err)
		}
		if strings.Contains(out, fuzzSecret) && onlyInSecrets(cfg, creds) {
			t.Fatalf("secret in output:\n%s", out)
		}
	})
}

// onlyInSecrets reports whether every occurrence of fuzzSecret in the files is inside the value
// of a secret setting, as the parser reads them.
func onlyInSecrets(files ...[]byte) bool {
	for _, data := range files {
		total := bytes.Count(data, []byte(fuzzSecret))
		if total == 0 {
			continue
		}
		file, err := parseINI("f", data)
		if err != nil {
			return false
		}
		secs, err := file.sectionsView()
		if err != nil {
			return false
		}
		inSecrets := 0
		for _, is := range append(append([]*iniSection{}, file.sections...), file.defaults) {
			if is == nil {
				continue
			}
			for _, k := range is.keys {
				switch k.name {
				case "aws_secret_access_key", "aws_session_token", "aws_security_token":
					inSecrets += strings.Count(strings.Join(k.lines, "\n"), fuzzSecret)
				}
			}
		}
		_ = secs
		if inSecrets != total {
			return false
		}
	}
	return true
}
