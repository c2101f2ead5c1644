package main

import (
	"io/fs"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// isTerminal reports whether f (os.Stdout) is a character device, which is what a terminal is.
// A pipe or a regular file is not, so `s3ls | …` and `s3ls > file` get aws s3 ls's bytes.
// /dev/null is a character device too; escaping what nobody reads is harmless.
func isTerminal(f interface{ Stat() (fs.FileInfo, error) }) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// terminalName is how a bucket name, key or prefix is shown on a terminal. A name holding
// nothing a terminal acts on is shown as it is, like aws s3 ls shows it, non-ASCII letters
// included ("é", "ファイル"). Any other name is shown as one $'…' word, as GNU ls's default
// quoting style on a terminal (shell-escape) does: the name's control characters become the
// escapes ls uses (\n, \r, \t, \a, \b, \f, \v, else three octal digits per byte, so ESC is
// \033), and \ and ' are written \\ and \', so nothing in a name can move the cursor, recolour
// the screen, set the window title, make a link (OSC 8) or forge a line.
//
// Why $'…' and not the "?" that ls -q prints for each control character: "?" is ambiguous —
// "a\x1bb", "a\rb" and a key that really is "a?b" would all show as "a?b", and the key cannot be
// recovered from the screen. $'…' is unambiguous: it decodes to exactly the key's bytes (in
// bash, zsh, ksh93 and POSIX 2024 sh it can be pasted as an argument), and since a name that
// starts with "$'" is itself shown escaped, a line whose name starts with "$'" is always an
// escaped one. Unlike ls, a name that merely holds spaces or shell metacharacters stays
// unquoted, so ordinary listings look the same on a terminal as in a pipe.
//
// Beyond ls: ls shows the bidi controls (U+202A–U+202E, U+2066–U+2069, and the marks U+061C,
// U+200E, U+200F) as they are, since they are printable to it, but they reorder what follows
// them on the line ("Trojan Source"), so a key could show another name or date; they are
// escaped here (as their UTF-8 bytes in octal), as are U+2028 and U+2029, line and paragraph
// separators. Bytes that are not UTF-8 are escaped too (a lone 0x9b is CSI to some terminals),
// as ls does.
func terminalName(name string) string {
	if !strings.HasPrefix(name, "$'") && strings.IndexFunc(name, escapedRune) < 0 && utf8.ValidString(name) {
		return name
	}
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		switch {
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteByte(byte(r))
		case r == utf8.RuneError && size == 1, escapedRune(r):
			if esc, ok := namedEscapes[r]; ok {
				b.WriteString(esc)
				break
			}
			for _, c := range []byte(name[i : i+size]) {
				b.WriteByte('\\')
				b.WriteByte('0' + c>>6)
				b.WriteByte('0' + c>>3&7)
				b.WriteByte('0' + c&7)
			}
		default:
			b.WriteString(name[i : i+size])
		}
		i += size
	}
	b.WriteByte('\'')
	return b.String()
}

// namedEscapes are the control characters GNU ls writes by name inside $'…'.
var namedEscapes = map[rune]string{'\a': `\a`, '\b': `\b`, '\t': `\t`, '\n': `\n`, '\v': `\v`, '\f': `\f`, '\r': `\r`}

// escapedRune reports whether a terminal may act on r rather than show it: the C0 controls,
// DEL, the C1 controls (U+0080–U+009F: U+009B is CSI, U+009D OSC), bidi controls and the
// Unicode line and paragraph separators.
func escapedRune(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f, r == '\u2028', r == '\u2029':
		return true
	}
	return unicode.Is(unicode.Bidi_Control, r)
}
