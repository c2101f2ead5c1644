package chain

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// flat renders a parsed file as "section.key=value" lines (nested keys as section.key.sub=value,
// with line numbers after '@') so that tests compare one string.
func flat(t *testing.T, data string) (string, error) {
	t.Helper()
	f, err := parseINI("test", []byte(data))
	if err != nil {
		return "", err
	}
	secs, err := f.sectionsView()
	if err != nil {
		return "", err
	}
	var lines []string
	for _, s := range secs {
		lines = append(lines, fmt.Sprintf("[%s]@%d", s.name, s.line))
		var keys []string
		for k := range s.settings() {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			st := s.settings()[k]
			if st.nested == nil {
				lines = append(lines, fmt.Sprintf("%s.%s=%q@%d", s.name, k, st.value, st.line))
				continue
			}
			var sub []string
			for n := range st.nested {
				sub = append(sub, n)
			}
			sort.Strings(sub)
			lines = append(lines, fmt.Sprintf("%s.%s={}@%d", s.name, k, st.line))
			for _, n := range sub {
				lines = append(lines, fmt.Sprintf("%s.%s.%s=%q@%d", s.name, k, n, st.nested[n].value, st.nested[n].line))
			}
		}
	}
	return strings.Join(lines, "\n"), nil
}

func TestParseConfigAcceptsWhatBotocoreAccepts(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"keys are lower-cased and values trimmed", "[default]\n  Region   =   us-east-1  \n",
			"[default]@1\ndefault.region=\"us-east-1\"@2"},
		{"a colon separates key and value too", "[default]\nregion: eu-west-1\n",
			"[default]@1\ndefault.region=\"eu-west-1\"@2"},
		{"the first = or : splits, later ones belong to the value", "[default]\nrole_arn = arn:aws:iam::1:role/x=y\n",
			"[default]@1\ndefault.role_arn=\"arn:aws:iam::1:role/x=y\"@2"},
		{"a key can contain spaces", "[default]\nmy key = v\n",
			"[default]@1\ndefault.my key=\"v\"@2"},
		{"an inline # is part of the value, as configparser has no inline comments", "[default]\nregion = us-east-1 # prod\n",
			"[default]@1\ndefault.region=\"us-east-1 # prod\"@2"},
		{"an inline ; is part of the value too", "[default]\nregion = us-east-1 ; prod\n",
			"[default]@1\ndefault.region=\"us-east-1 ; prod\"@2"},
		{"full-line comments with # and ; are skipped, indented or not", "# top\n; top\n[default]\n  # indented\nregion = x\n",
			"[default]@3\ndefault.region=\"x\"@5"},
		{"CRLF line ends are read like LF", "[default]\r\nregion = x\r\n",
			"[default]@1\ndefault.region=\"x\"@2"},
		{"a lone CR ends a line, as in Python's universal newlines", "[default]\rregion = x\r",
			"[default]@1\ndefault.region=\"x\"@2"},
		{"the last line needs no line break", "[default]\nregion = x",
			"[default]@1\ndefault.region=\"x\"@2"},
		{"an empty value is kept", "[default]\nregion =\n",
			"[default]@1\ndefault.region=\"\"@2"},
		{"an indented line continues the value", "[default]\nrole_arn = a\n  b\n",
			"[default]@1\ndefault.role_arn=\"a\\nb\"@2"},
		{"a blank line inside a continued value is kept, a trailing one dropped", "[default]\nk = a\n\n  b\n\n",
			"[default]@1\ndefault.k=\"a\\n\\nb\"@2"},
		{"a comment line does not end a continued value", "[default]\nk = a\n# c\n  b\n",
			"[default]@1\ndefault.k=\"a\\nb\"@2"},
		{"an indented section header after a key is a continuation, not a section", "[default]\nk = a\n  [profile x]\n",
			"[default]@1\ndefault.k=\"a\\n[profile x]\"@2"},
		{"a nested block under sts = is parsed into keys with their lines", "[services s]\nsts =\n  endpoint_url = http://127.0.0.1:1\n  Other = 2\n",
			"[services s]@1\nservices s.sts={}@2\nservices s.sts.Other=\"2\"@4\nservices s.sts.endpoint_url=\"http://127.0.0.1:1\"@3"},
		{"nested keys split on = only and keep their case", "[p]\ns3 =\n  a = b:c\n  A = d\n",
			"[p]@1\np.s3={}@2\np.s3.A=\"d\"@4\np.s3.a=\"b:c\"@3"},
		{"a later nested key replaces an earlier one", "[p]\nsts =\n  k = 1\n  k = 2\n",
			"[p]@1\np.sts={}@2\np.sts.k=\"2\"@4"},
		{"a nested block may start after blank lines", "[p]\nsts =\n\n  k = 1\n",
			"[p]@1\np.sts={}@2\np.sts.k=\"1\"@4"},
		{"a vertical tab splits nested lines as Python's splitlines does", "[p]\nsts =\n  a = 1\vb = 2\n",
			"[p]@1\np.sts={}@2\np.sts.a=\"1\"@3\np.sts.b=\"2\"@3"},
		{"section names are case-sensitive and kept as written", "[Default]\nk = v\n",
			"[Default]@1\nDefault.k=\"v\"@2"},
		{"a section name runs to the last ]", "[a]b]\nk = v\n",
			"[a]b]@1\na]b.k=\"v\"@2"},
		{"text after the closing ] of a header is ignored", "[default] # comment\nk = v\n",
			"[default]@1\ndefault.k=\"v\"@2"},
		{"[DEFAULT] keys apply to every other section", "[DEFAULT]\nregion = d\n[a]\nk = 1\n[b]\nregion = own\n",
			"[a]@3\na.k=\"1\"@4\na.region=\"d\"@2\n[b]@5\nb.region=\"own\"@6"},
		{"[DEFAULT] alone makes no section", "[DEFAULT]\nregion = d\n", ""},
		{"[DEFAULT] may appear twice", "[DEFAULT]\na = 1\n[x]\n[DEFAULT]\nb = 2\n",
			"[x]@3\nx.a=\"1\"@2\nx.b=\"2\"@5"},
		{"unicode white space is trimmed like Python's str.strip", "[default]\nregion =\u00a0us-east-1\u3000\n",
			"[default]@1\ndefault.region=\"us-east-1\"@2"},
		{"the information separator U+001F is white space for Python", "[default]\nregion = \x1fx\x1f\n",
			"[default]@1\ndefault.region=\"x\"@2"},
		{"an empty file has no sections", "", ""},
		{"a file of comments and blank lines has no sections", "# a\n\n; b\n   \n", ""},
		{"a NUL byte is an ordinary character", "[default]\nk = a\x00b\n",
			"[default]@1\ndefault.k=\"a\\x00b\"@2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := flat(t, tt.in)
			if err != nil {
				t.Fatalf("parse error: %v", err)
			}
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestParseConfigRefusesWhatBotocoreRefuses(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		reason   string
	}{
		{"a key before any section", "region = x\n[default]\n", 1, "before any [section]"},
		{"the same section twice in one file", "[default]\na = 1\n[default]\nb = 2\n", 3, "section [default] already appeared on line 1"},
		{"the same key twice in one section", "[default]\nregion = a\nregion = b\n", 3, "region appears twice in section [default] (first on line 2)"},
		{"keys differing only in case are the same key", "[default]\nRegion = a\nREGION = b\n", 3, "region appears twice"},
		{"the same key twice in [DEFAULT] across two headers", "[DEFAULT]\na = 1\n[DEFAULT]\na = 2\n", 4, "a appears twice in section [DEFAULT]"},
		{"a line that is neither a section, a setting nor a comment", "[default]\njust words\n", 2, "not a [section], a key = value setting or a comment"},
		{"a setting without a key", "[default]\n= value\n", 2, "no key before"},
		{"an empty section header", "[]\n", 1, "before any [section]"},
		{"a UTF-8 byte order mark", "\xef\xbb\xbf[default]\nregion = x\n", 1, "byte order mark"},
		{"invalid UTF-8", "[default]\nregion = \xff\n", 2, "not valid UTF-8"},
		{"a nested line without =", "[p]\nsts =\n  endpoint_url\n", 3, "has no '='"},
		{"a nested error in [DEFAULT] once a section inherits it", "[DEFAULT]\nsts =\n  x\n[a]\n", 3, "has no '='"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := flat(t, tt.in)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if pe.Line != tt.line || !strings.Contains(pe.Reason, tt.reason) {
				t.Errorf("got line %d %q, want line %d containing %q", pe.Line, pe.Reason, tt.line, tt.reason)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("test line %d: ", tt.line)) {
				t.Errorf("Error() = %q, want it to name the file and line", err.Error())
			}
		})
	}
}

func TestParseConfigErrorsNeverQuoteTheLine(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	inputs := []string{
		secret + "\n[default]\n",
		"[default]\n" + secret + "\n",
		"[default]\naws_secret_access_key = " + secret + "\naws_secret_access_key = " + secret + "\n",
		"[default]\nsts =\n  " + secret + "\n",
		"[default]\naws_secret_access_key = " + secret + "\xff\n",
	}
	for _, in := range inputs {
		_, err := flat(t, in)
		if err == nil {
			t.Fatalf("no error for %q", in)
		}
		for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if strings.Contains(s, "wJalr") {
				t.Errorf("error shows the secret: %s", s)
			}
		}
	}
}

func TestParseConfigRefusesFilesOverTheSizeCap(t *testing.T) {
	var b bytes.Buffer
	for i := 0; b.Len() <= maxConfigFileSize; i++ {
		fmt.Fprintf(&b, "[profile p%07d]\nregion = us-east-1\n", i)
	}
	_, err := parseINI("~/.aws/config", b.Bytes()[:maxConfigFileSize+1])
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "~/.aws/config: file is larger than 1048576 bytes") {
		t.Fatalf("got %v, want a size error naming the file", err)
	}
}

// worstCase builds a file of about maxConfigFileSize bytes: prefix, then line(i) until full.
func worstCase(prefix string, line func(i int) string) []byte {
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; ; i++ {
		l := line(i)
		if b.Len()+len(l) > maxConfigFileSize {
			return []byte(b.String())
		}
		b.WriteString(l)
	}
}

func TestParseConfigMemoryStaysProportionalToTheFile(t *testing.T) {
	var defaults strings.Builder
	defaults.WriteString("[DEFAULT]\n")
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&defaults, "k%d = 1\n", i)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"many sections each inheriting many [DEFAULT] keys", worstCase(defaults.String(), func(i int) string { return fmt.Sprintf("[s%d]\n", i) })},
		{"many keys in one section", worstCase("[a]\n", func(i int) string { return fmt.Sprintf("k%d=1\n", i) })},
		{"one value continued on many lines", worstCase("[a]\nk = v\n", func(int) string { return " x\n" })},
		{"one nested block of many keys", worstCase("[a]\nsts =\n", func(i int) string { return fmt.Sprintf("  k%d = v\n", i) })},
		{"one very long line", []byte("[a]\nk = " + strings.Repeat("a", maxConfigFileSize-20) + "\n")},
		{"many profile sections", worstCase("", func(i int) string { return fmt.Sprintf("[profile 'p %d']\nregion = x\n", i) })},
		{"only line breaks", []byte(strings.Repeat("\r", maxConfigFileSize))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			f, err := parseINI("f", tt.data)
			if err != nil {
				t.Fatal(err)
			}
			secs, err := f.sectionsView()
			if err != nil {
				t.Fatal(err)
			}
			_ = buildProfileMap(secs)
			runtime.ReadMemStats(&after)
			if used := after.TotalAlloc - before.TotalAlloc; used > 64*maxConfigFileSize {
				t.Errorf("parsing %d bytes allocated %d bytes (more than 64 times the cap)", len(tt.data), used)
			}
		})
	}
}

func TestProfileMapFollowsBotocoresSectionNames(t *testing.T) {
	in := strings.Join([]string{
		"[default]", "k = plain-default",
		"[profile default]", "k = profile-default", // the later of the two wins
		"[profile a]", "k = a",
		"[profile 'b c']", "k = bc",
		"[profiles d]", "k = d", // botocore only checks the prefix "profile"
		"[profile]", "k = none",
		"[profile x y]", "k = three-words",
		"[prod]", "k = bare",
		"[PROFILE e]", "k = upper",
		"[sso-session s]", "sso_start_url = u",
		"[services svc]", "sts =", "  endpoint_url = http://127.0.0.1:1",
		"",
	}, "\n")
	f, err := parseINI("c", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	secs, err := f.sectionsView()
	if err != nil {
		t.Fatal(err)
	}
	c := buildProfileMap(secs)
	var names []string
	for n, s := range c.profiles {
		names = append(names, n+"="+s.get("k").value)
	}
	sort.Strings(names)
	want := "[a=a b c=bc d=d default=profile-default]"
	if got := fmt.Sprint(names); got != want {
		t.Errorf("profiles = %s, want %s", got, want)
	}
	for _, n := range []string{"prod", "profile", "profile x y", "PROFILE e"} {
		if c.ignored[n] == nil {
			t.Errorf("section [%s] should be ignored (kept for hints)", n)
		}
	}
	if c.ssoSessions["s"] == nil || c.services["svc"] == nil {
		t.Errorf("sso-session and services sections not recognised: %v %v", c.ssoSessions, c.services)
	}
}

// settings returns every key of the section, [DEFAULT]'s included.
func (s *section) settings() map[string]*setting {
	m := make(map[string]*setting, len(s.own)+len(s.defaults))
	for k, v := range s.defaults {
		m[k] = v
	}
	for k, v := range s.own {
		m[k] = v
	}
	return m
}
