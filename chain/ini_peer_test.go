package chain

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/irsa-go/irsa/internal/peers"
)

// botocorePython returns python3's path, or skips (fails under IRSA_REQUIRE_PEERS=1) when python3
// or botocore 1.43 is missing.
func botocorePython(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		peers.Missing(t, "python3 not on PATH")
	}
	out, err := exec.Command(py, "-c", "import botocore; print(botocore.__version__)").CombinedOutput()
	if err != nil {
		peers.Missing(t, "python3 cannot import botocore: %v: %s", err, bytes.TrimSpace(out))
	}
	if v := strings.TrimSpace(string(out)); !strings.HasPrefix(v, "1.43.") {
		peers.Missing(t, "botocore %s found, the reference is 1.43", v)
	}
	return py
}

// pythonEnv is a minimal environment for running botocore: nothing from the developer's machine.
func pythonEnv(home string) []string {
	return []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "PYTHONUTF8=1", "LANG=C.UTF-8", "AWS_EC2_METADATA_DISABLED=true"}
}

// parserCorpus is a set of inputs that exercise configparser's rules; the differential test adds
// generated ones.
var parserCorpus = []string{
	"[default]\nregion = us-east-1\n",
	"[default]\r\nregion = x\r\n[profile a]\r\nk: v\r\n",
	"[default]\rregion = x\r",
	"[DEFAULT]\nregion = d\n[profile a]\nk = 1\n[b]\nregion = own\n",
	"[DEFAULT]\nsts =\n  x\n",
	"[DEFAULT]\nsts =\n  x\n[a]\n",
	"[default]\nk = a\n\n  b\n\n# c\n  d\n",
	"[default]\nk = a\n  [profile x]\n",
	"  [default]\nk = 1\n l\n",
	"[default]\n  k = 1\n l\n",
	"[default]\nk = 1\n\tl\n",
	"[profile 'a b']\nk = 1\n[profile \"c\\\"d\"]\nk = 2\n[profile e\\ f]\nk = 3\n",
	"[profile 'unterminated]\nk = 1\n",
	"[profiles x]\n[profile]\n[profile a b]\n[sso-session s]\n[services x]\nsts =\n  endpoint_url = u\n",
	"[default]\n[profile default]\nk = 2\n",
	"[profile default]\nk = 2\n[default]\nk = 1\n",
	"\xef\xbb\xbf[default]\n",
	"[a]b]\nk = v\n[]]\nk = w\n",
	"[default]\n= v\n",
	"[default]\nk\n",
	"k = v\n",
	"[default]\nk = 1\nK = 2\n",
	"[default]\nk = \x1fv\x1f\n",
	"[default]\nk =\u00a0v\u3000\n",
	"[p]\nsts =\n  a = 1\vb = 2\n",
	"[p]\nsts =\n  a = 1\x1cb = 2\n",
	"[p]\nsts =\n  a = 1\u2028b = 2\n",
	"[p]\nk = \n\n",
	"[p]\nk = \n  \n  x = 1\n",
	"[p]\n\u3000k = 1\n\u3000\u3000l\n",
	"#c\n;c\n",
	"",
	"[default]\nk = a\x00b\n",
	"[p]\nk = 1\n[q]\n[p]\n",
}

// generatedConfig makes a random file from fragments that stress the parser's rules.
func generatedConfig(r *rand.Rand) string {
	heads := []string{"[default]", "[DEFAULT]", "[profile a]", "[profile b]", "[profile 'c d']", "[profile \"e\"]",
		"[services s]", "[sso-session x]", "[prod]", "[profile]", "[a]b]", "[]", "[profile a b]", "  [profile a]", "[Default]"}
	keys := []string{"region", "Region", "role_arn", "sts", "k", "a b", "", "aws_access_key_id", "x:y"}
	vals := []string{"", "v", "us-east-1 # c", "a=b", "a:b", " spaced ", "\u00a0nb\u00a0", "\x1fus\x1f"}
	ws := []string{"", " ", "  ", "\t", "\u3000", "\x0b"}
	seps := []string{" = ", "=", ": ", " :", " == "}
	ends := []string{"\n", "\r\n", "\r"}
	var b strings.Builder
	n := r.IntN(12)
	for i := 0; i < n; i++ {
		indent := ws[r.IntN(len(ws))]
		switch r.IntN(9) {
		case 0, 1:
			b.WriteString(indent + heads[r.IntN(len(heads))])
		case 2, 3, 4:
			b.WriteString(indent + keys[r.IntN(len(keys))] + seps[r.IntN(len(seps))] + vals[r.IntN(len(vals))])
		case 5:
			b.WriteString("  " + indent + keys[r.IntN(len(keys))] + "=" + vals[r.IntN(len(vals))])
		case 6:
			b.WriteString(indent + []string{"# c", "; c", "#", "word"}[r.IntN(4)])
		case 7:
			b.WriteString(indent)
		case 8:
			b.WriteString(indent + "  continued")
		}
		b.WriteString(ends[r.IntN(len(ends))])
	}
	return b.String()
}

// generatedValidConfig makes a random file that is mostly valid: distinct sections and keys,
// with odd white space, continuation lines and nested blocks.
func generatedValidConfig(r *rand.Rand) string {
	heads := []string{"default", "DEFAULT", "profile a", "profile 'c d'", "services s", "sso-session x", "prod", "profile b", "profile", "profiles z"}
	ws := []string{"", " ", "\t", "\u3000", "\x1f", "\u00a0"}
	ends := []string{"\n", "\r\n", "\r"}
	end := func() string { return ends[r.IntN(len(ends))] }
	var b strings.Builder
	r.Shuffle(len(heads), func(i, j int) { heads[i], heads[j] = heads[j], heads[i] })
	for _, h := range heads[:1+r.IntN(len(heads)-1)] {
		b.WriteString("[" + h + "]" + end())
		for k := 0; k < r.IntN(5); k++ {
			key := []string{"region", "role_arn", "sts", "s3", "source_profile", "endpoint_url"}[k]
			b.WriteString(ws[r.IntN(len(ws))] + key + ws[r.IntN(len(ws))] + []string{"=", ":"}[r.IntN(2)] + ws[r.IntN(len(ws))])
			if r.IntN(3) == 0 {
				b.WriteString(end())
				for n := 0; n < 1+r.IntN(3); n++ {
					if r.IntN(4) == 0 {
						b.WriteString(end())
					}
					b.WriteString("    " + []string{"endpoint_url", "Max", "a b"}[n] + ws[r.IntN(len(ws))] + "=" + ws[r.IntN(len(ws))] + "v" + fmt.Sprint(n) + end())
				}
				continue
			}
			b.WriteString("value" + ws[r.IntN(len(ws))] + "# not a comment" + end())
			if r.IntN(4) == 0 {
				b.WriteString("   more" + end())
			}
			if r.IntN(5) == 0 {
				b.WriteString("  # comment" + end())
			}
		}
	}
	return b.String()
}

// botocoreView is what configparse.py prints for one file.
type botocoreView struct {
	OK          bool                      `json:"ok"`
	Error       string                    `json:"error"`
	Raw         map[string]map[string]any `json:"raw"`
	Profiles    map[string][]string       `json:"profiles"`
	Services    []string                  `json:"services"`
	SSOSessions []string                  `json:"sso_sessions"`
}

// ourView computes the same view with chain's parser.
func ourView(data []byte) botocoreView {
	f, err := parseINI("f", data)
	if err != nil {
		return botocoreView{Error: err.Error()}
	}
	secs, err := f.sectionsView()
	if err != nil {
		return botocoreView{Error: err.Error()}
	}
	v := botocoreView{OK: true, Raw: map[string]map[string]any{}, Profiles: map[string][]string{}, Services: []string{}, SSOSessions: []string{}}
	for _, s := range secs {
		m := map[string]any{}
		for k, st := range s.settings() {
			if st.nested == nil {
				m[k] = st.value
				continue
			}
			n := map[string]any{}
			for nk, ns := range st.nested {
				n[nk] = ns.value
			}
			m[k] = n
		}
		v.Raw[s.name] = m
	}
	c := buildProfileMap(secs)
	for name, s := range c.profiles {
		keys := []string{}
		for k := range s.settings() {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		v.Profiles[name] = keys
	}
	for name := range c.services {
		v.Services = append(v.Services, name)
	}
	for name := range c.ssoSessions {
		v.SSOSessions = append(v.SSOSessions, name)
	}
	sort.Strings(v.Services)
	sort.Strings(v.SSOSessions)
	return v
}

// TestParserMatchesBotocore parses the corpus and 600 generated files (fixed seed) with
// botocore 1.43's configloader (testdata/configparse.py) and with chain, and compares whether each
// is accepted and, if so, every section, key, value and nested block, and the profile, services
// and sso-session names. Peer-gated: it needs python3 with botocore.
func TestParserMatchesBotocore(t *testing.T) {
	py := botocorePython(t)
	dir := t.TempDir()
	inputs := append([]string{}, parserCorpus...)
	r := rand.New(rand.NewPCG(1, 43))
	for i := 0; i < 300; i++ {
		inputs = append(inputs, generatedConfig(r), generatedValidConfig(r))
	}
	var paths []string
	for i, in := range inputs {
		p := filepath.Join(dir, fmt.Sprintf("c%04d", i))
		if err := os.WriteFile(p, []byte(in), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	cmd := exec.Command(py, append([]string{filepath.Join("testdata", "configparse.py")}, paths...)...)
	cmd.Env = pythonEnv(dir)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("configparse.py: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	i := 0
	for ; sc.Scan(); i++ {
		var want botocoreView
		if err := json.Unmarshal(sc.Bytes(), &want); err != nil {
			t.Fatal(err)
		}
		got := ourView([]byte(inputs[i]))
		if got.OK != want.OK {
			t.Errorf("input %d %q: botocore ok=%v (%s), chain ok=%v (%s)", i, inputs[i], want.OK, want.Error, got.OK, got.Error)
			continue
		}
		if !want.OK {
			continue
		}
		got.Error, want.Error = "", ""
		if want.Services == nil {
			want.Services = []string{}
		}
		if want.SSOSessions == nil {
			want.SSOSessions = []string{}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("input %d %q:\nbotocore %+v\nchain    %+v", i, inputs[i], want, got)
		}
	}
	if i != len(inputs) {
		t.Fatalf("configparse.py answered for %d of %d files", i, len(inputs))
	}
}
