package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakes3"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

// hostileNames are object keys (without "/", so that each is also a whole prefix component)
// that would drive a terminal if printed raw, with how s3ls shows them on one.
var hostileNames = []struct {
	name string
	key  string
	tty  string
}{
	{"ANSI colour codes are escaped", "\x1b[31mred\x1b[0m.txt", `$'\033[31mred\033[0m.txt'`},
	{"an OSC sequence that sets the window title is escaped", "\x1b]0;you have been pwned\x07notes.txt", `$'\033]0;you have been pwned\anotes.txt'`},
	{"an OSC 8 hyperlink is escaped, its ST's backslash doubled", "\x1b]8;;mailto:ceo@evil.example\x1b\\report.pdf\x1b]8;;\x1b\\", `$'\033]8;;mailto:ceo@evil.example\033\\report.pdf\033]8;;\033\\'`},
	{"a right-to-left override (Trojan Source) is escaped, which ls does not do", "invoice\u202Efdp.exe", `$'invoice\342\200\256fdp.exe'`},
	{"bidi isolates are escaped", "a\u2067b\u2069c", `$'a\342\201\247b\342\201\251c'`},
	{"a carriage return that would overwrite the line is escaped", "harmless.txt\rEVIL", `$'harmless.txt\rEVIL'`},
	{"an embedded newline cannot forge a listing line", "a.txt\n2026-01-01 00:00:00          1 forged.txt", `$'a.txt\n2026-01-01 00:00:00          1 forged.txt'`},
	{"the C1 CSI (U+009B) is escaped as its UTF-8 bytes", "a\u009b31mb", `$'a\302\23331mb'`},
	{"a lone 0x9b byte, CSI to 8-bit terminals, is escaped", "a\x9b31mb", `$'a\23331mb'`},
	{"DEL is escaped", "a\x7fb", `$'a\177b'`},
	{"bytes that are not UTF-8 are escaped", "caf\xe9-\xff", `$'caf\351-\377'`},
	{"a tab is escaped by name, as ls does", "a\tb", `$'a\tb'`},
	{"quotes and backslashes in an escaped name are escaped too", "it's\\\x1b", `$'it\'s\\\033'`},
	{"a name that looks escaped is escaped, so it cannot pass for another name", `$'\033'`, `$'$\'\\033\''`},
	{"the Unicode line separator is escaped", "a\u2028b", `$'a\342\200\250b'`},
	{"é and CJK are shown as they are", "ünïcödé-ファイル-漢字.txt", "ünïcödé-ファイル-漢字.txt"},
	{"spaces and shell metacharacters are shown as they are, unlike ls", "Key With Spaces & $HOME *.TXT", "Key With Spaces & $HOME *.TXT"},
	{"a question mark is a question mark", "what?", "what?"},
	{"quotes and backslashes alone are shown as they are", `it's a\b`, `it's a\b`},
}

func TestTerminalNameEscapesWhatATerminalWouldActOn(t *testing.T) {
	for _, tc := range hostileNames {
		t.Run(tc.name, func(t *testing.T) {
			got := terminalName(tc.key)
			if got != tc.tty {
				t.Errorf("terminalName(%q) = %s, want %s", tc.key, got, tc.tty)
			}
			if !utf8.ValidString(got) || strings.IndexFunc(got, escapedRune) >= 0 {
				t.Errorf("terminalName(%q) = %q still holds something a terminal acts on", tc.key, got)
			}
		})
	}
	if got := terminalName("\x00"); got != `$'\000'` {
		t.Errorf("NUL: %s", got)
	}
}

// An escaped name is unambiguous: as a shell word it is exactly the key's bytes.
func TestEscapedNamesDecodeToTheKeyInBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not on PATH")
	}
	var script strings.Builder
	var keys []string
	for _, tc := range hostileNames {
		if strings.HasPrefix(tc.tty, "$'") {
			script.WriteString("printf '%s\\0' " + tc.tty + "\n")
			keys = append(keys, tc.key)
		}
	}
	cmd := exec.Command(bash, "--norc", "--noprofile", "-c", script.String())
	cmd.Env = []string{"LC_ALL=C"} // the escapes are bytes: the locale must not matter
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bash: %v", err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(got) != len(keys) {
		t.Fatalf("bash printed %d words, want %d: %q", len(got), len(keys), out)
	}
	for i := range keys {
		if got[i] != keys[i] {
			t.Errorf("bash decodes %s to %q, want %q", terminalName(keys[i]), got[i], keys[i])
		}
	}
}

// On a terminal the object, PRE and bucket lines show names escaped; in a pipe they are the raw
// bytes, as aws s3 ls prints them. The --summarize lines are the same in both.
func TestHostileKeysAreEscapedOnATerminalAndRawInAPipe(t *testing.T) {
	leakcheck.Check(t)
	h := newHarness(t, fakes3.Options{})
	for i, tc := range hostileNames {
		bucket := "case-" + string(rune('a'+i))
		h.bucket(bucket,
			fakes3.Object{Key: tc.key, Size: 1, LastModified: modified},
			fakes3.Object{Key: tc.key + "/inner", Size: 2, LastModified: modified})
		t.Run(tc.name, func(t *testing.T) {
			lines := func(name string) string {
				return "                           PRE " + name + "/\n" +
					"2026-02-03 04:05:06          1 " + name + "\n" +
					"\nTotal Objects: 1\n   Total Size: 1\n"
			}
			for _, mode := range []struct {
				terminal bool
				want     string
			}{{true, lines(tc.tty)}, {false, lines(tc.key)}} {
				h.app.terminal = mode.terminal
				code, out, errOut := h.run("s3://"+bucket, "--summarize")
				if code != 0 || out != mode.want || errOut != "" {
					t.Errorf("terminal=%v: exit %d\nstdout %q\nwant   %q\nstderr %q", mode.terminal, code, out, mode.want, errOut)
				}
			}
			h.app.terminal = false
			_, out, _ := h.run("s3://"+bucket, "--recursive")
			if want := "2026-02-03 04:05:06          1 " + tc.key + "\n2026-02-03 04:05:06          2 " + tc.key + "/inner\n"; out != want {
				t.Errorf("recursive, in a pipe:\nstdout %q\nwant   %q", out, want)
			}
			h.app.terminal = true
			_, out, _ = h.run("s3://"+bucket, "--recursive")
			if want := "2026-02-03 04:05:06          1 " + tc.tty + "\n2026-02-03 04:05:06          2 " + terminalName(tc.key+"/inner") + "\n"; out != want {
				t.Errorf("recursive, on a terminal:\nstdout %q\nwant   %q", out, want)
			}
		})
	}

	t.Run("bucket names are escaped too", func(t *testing.T) {
		// XML carries no C0 controls, but it does carry C1 controls, DEL and bidi controls.
		h := newHarness(t, fakes3.Options{})
		h.s3.SetFault(func(fakes3.Request) *fakes3.Fault {
			return &fakes3.Fault{Status: 200, Body: "<ListAllMyBucketsResult><Buckets><Bucket><Name>\u009b2Jevil\u202Egnp.exe\x7f</Name>" +
				"<CreationDate>2026-02-03T04:05:06.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>"}
		})
		for _, mode := range []struct {
			terminal bool
			want     string
		}{
			{true, `2026-02-03 04:05:06 $'\302\2332Jevil\342\200\256gnp.exe\177'` + "\n"},
			{false, "2026-02-03 04:05:06 \u009b2Jevil\u202Egnp.exe\x7f\n"},
		} {
			h.app.terminal = mode.terminal
			code, out, errOut := h.run()
			if code != 0 || out != mode.want {
				t.Errorf("terminal=%v: exit %d\nstdout %q\nwant   %q\nstderr %q", mode.terminal, code, out, mode.want, errOut)
			}
		}
	})
}

type fakeFileInfo struct {
	fs.FileInfo
	mode fs.FileMode
}

func (f fakeFileInfo) Mode() fs.FileMode { return f.mode }

type fakeStat struct {
	fi  fs.FileInfo
	err error
}

func (f fakeStat) Stat() (fs.FileInfo, error) { return f.fi, f.err }

func TestOnlyACharacterDeviceIsATerminal(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    interface{ Stat() (fs.FileInfo, error) }
		want bool
	}{
		{"a character device (a tty) is a terminal", fakeStat{fi: fakeFileInfo{mode: fs.ModeDevice | fs.ModeCharDevice | 0o620}}, true},
		{"a pipe is not", fakeStat{fi: fakeFileInfo{mode: fs.ModeNamedPipe | 0o600}}, false},
		{"a regular file is not", fakeStat{fi: fakeFileInfo{mode: 0o644}}, false},
		{"a block device is not", fakeStat{fi: fakeFileInfo{mode: fs.ModeDevice | 0o660}}, false},
		{"a socket is not", fakeStat{fi: fakeFileInfo{mode: fs.ModeSocket | 0o600}}, false},
		{"stdout that cannot be stat'ed is not (raw bytes, as aws s3 ls)", fakeStat{err: errors.New("bad file descriptor")}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := isTerminal(tc.f); got != tc.want {
				t.Errorf("isTerminal = %v, want %v", got, tc.want)
			}
		})
	}

	t.Run("real files", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		defer w.Close()
		file, err := os.Create(filepath.Join(t.TempDir(), "out"))
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		if isTerminal(w) || isTerminal(file) {
			t.Errorf("a pipe (%v) or a file (%v) was taken for a terminal", isTerminal(w), isTerminal(file))
		}
		if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
			defer null.Close()
			if !isTerminal(null) {
				t.Errorf("%s is a character device, as documented", os.DevNull)
			}
		}
	})
}

// TestTheBinaryEscapesOnARealTerminal runs the built s3ls with its standard output on a
// pseudo-terminal (script(1) from util-linux) and then on a pipe, against fakes3.
func TestTheBinaryEscapesOnARealTerminal(t *testing.T) {
	scriptBin, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) is not on PATH")
	}
	permanent := credentials.Credentials{AccessKeyID: "AKIATERMINALTEST0001", SecretAccessKey: "SECRET-terminal-never-printed"}
	srv, err := fakes3.New(fakes3.Options{Credentials: fakes3.StaticCredentials(fakeCredential(permanent))})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.AddBucket(fakes3.Bucket{Name: "hostile"}); err != nil {
		t.Fatal(err)
	}
	key := "\x1b]0;pwned\x07\x1b[31mred\r\n2026-01-01 00:00:00          1 forged.txt"
	if err := srv.PutObjects("hostile", fakes3.Object{Key: key, Size: 1, LastModified: modified}); err != nil {
		t.Fatal(err)
	}
	bin := buildS3ls(t)
	env := []string{"PATH=" + os.Getenv("PATH"), "TZ=UTC", "HOME=" + t.TempDir(), "AWS_ACCESS_KEY_ID=" + permanent.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + permanent.SecretAccessKey, "AWS_REGION=" + srv.Region(), "AWS_ENDPOINT_URL_S3=" + srv.URL()}
	run := func(name string, args ...string) string {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Env = env
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s%s", name, err, out.String(), errOut.String())
		}
		return out.String()
	}

	// The terminal turns "\n" into "\r\n" (onlcr).
	onTTY := run(scriptBin, "-qec", bin+" s3://hostile", os.DevNull)
	want := `2026-02-03 04:05:06          1 $'\033]0;pwned\a\033[31mred\r\n2026-01-01 00:00:00          1 forged.txt'` + "\r\n"
	if onTTY != want {
		t.Errorf("on a terminal:\n%q\nwant\n%q", onTTY, want)
	}
	inPipe := run(bin, "s3://hostile")
	if want := "2026-02-03 04:05:06          1 " + key + "\n"; inPipe != want {
		t.Errorf("in a pipe:\n%q\nwant\n%q", inPipe, want)
	}
}
