package stsxml

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// excerptLen is roughly how many characters of a body an excerpt shows.
const excerptLen = 100

// minSecretRun is the length from which a run of token characters in text is hidden. AWS secret
// access keys are 40 characters, session tokens and web identity tokens (JWTs) hundreds.
const minSecretRun = 16

// excerpt shows how body begins without ever showing a secret, for error messages. It works on
// any bytes, XML or not:
//   - markup is shown by name only: attributes are dropped, comments left out, CDATA sections,
//     processing instructions and declarations shown as placeholders;
//   - text inside an element whose name suggests a secret (SecretAccessKey, SessionToken, any
//     name containing "secret", "token", "key", "password", "credential", "signature"), at any
//     depth below it, is shown as "…";
//   - elsewhere, any run of 16 or more characters that could belong to a key or token (letters,
//     digits and + / = _ . - %) is shown as "…", judged on the whole run even when the excerpt
//     ends inside it, so no prefix of a secret shows either;
//   - whitespace is collapsed, and anything unprintable is shown as "?".
func excerpt(body []byte) string {
	if len(body) >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF {
		body = body[3:]
	}
	var x excerptWriter
	x.out = make([]byte, 0, excerptLen+32)
	i := 0
	for i < len(body) {
		if len(x.out) >= excerptLen {
			x.out = append(x.out, "…"...)
			break
		}
		c := body[i]
		switch {
		case c == '<':
			n, ok := x.markup(body[i:])
			if !ok {
				x.out = append(x.out, "…"...)
				return x.String()
			}
			i += n
		case isSpace(c):
			for i < len(body) && isSpace(body[i]) {
				i++
			}
			x.space = len(x.out) > 0
		default:
			j := i
			for j < len(body) && body[j] != '<' && !isSpace(body[j]) {
				j++
			}
			x.text(body[i:j])
			i = j
		}
	}
	return x.String()
}

// maxExcerpt is a hard cap on the length of an excerpt, in bytes.
const maxExcerpt = excerptLen + 64

// String returns the excerpt, cut to maxExcerpt bytes (at a character boundary) if a long piece
// of punctuation or a long name pushed it over.
func (x *excerptWriter) String() string {
	if len(x.out) <= maxExcerpt {
		return string(x.out)
	}
	cut := excerptLen
	for cut > 0 && !utf8.RuneStart(x.out[cut]) {
		cut--
	}
	return string(x.out[:cut]) + "…"
}

type excerptWriter struct {
	out         []byte
	space       bool // a space is due before the next text
	secretDepth int  // > 0 inside an element with a secret-suggesting name
}

func (x *excerptWriter) put(s []byte) {
	if x.space {
		x.out = append(x.out, ' ')
		x.space = false
	}
	x.out = append(x.out, s...)
}

func (x *excerptWriter) putString(s string) { x.put([]byte(s)) }

// text writes one word of character data.
func (x *excerptWriter) text(word []byte) {
	if x.secretDepth > 0 {
		x.space = false
		if !bytes.HasSuffix(x.out, []byte("…")) {
			x.putString("…")
		}
		return
	}
	for len(word) > 0 {
		n := 0
		for n < len(word) && isTokenByte(word[n]) {
			n++
		}
		if len(x.out) >= excerptLen {
			return // the caller ends the excerpt
		}
		switch {
		case n >= minSecretRun:
			x.putString("…")
		case n > 0:
			x.put(word[:n])
		}
		word = word[n:]
		m := 0
		for m < len(word) && !isTokenByte(word[m]) {
			m++
		}
		if m > 0 {
			x.put(printableBytes(word[:m]))
		}
		word = word[m:]
	}
}

func isTokenByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '+' || c == '/' || c == '=' || c == '_' || c == '.' || c == '-' || c == '%'
}

// markup writes a summary of the markup at the start of b and returns its length. ok is false
// when the markup does not end within b (a truncated body).
func (x *excerptWriter) markup(b []byte) (n int, ok bool) {
	switch {
	case bytes.HasPrefix(b, []byte("<!--")):
		end := bytes.Index(b[4:], []byte("-->"))
		if end < 0 {
			return 0, false
		}
		return 4 + end + 3, true
	case bytes.HasPrefix(b, []byte("<![CDATA[")):
		x.putString("<![CDATA[…]]>")
		end := bytes.Index(b[9:], []byte("]]>"))
		if end < 0 {
			return 0, false
		}
		return 9 + end + 3, true
	case bytes.HasPrefix(b, []byte("<?")):
		x.putString("<?")
		x.name(b[2:])
		x.putString("?>")
		end := bytes.Index(b[2:], []byte("?>"))
		if end < 0 {
			return 0, false
		}
		return 2 + end + 2, true
	case bytes.HasPrefix(b, []byte("<!")):
		// A declaration such as <!DOCTYPE html>: its keyword and first name only.
		x.putString("<!")
		k := x.name(b[2:])
		rest := b[2+k:]
		sp := 0
		for sp < len(rest) && isSpace(rest[sp]) {
			sp++
		}
		if sp > 0 && sp < len(rest) && isNameStart(rest[sp]) {
			x.out = append(x.out, ' ')
			x.name(rest[sp:])
		}
		x.putString(">")
		n, _, ok := tagLen(b)
		return n, ok
	case bytes.HasPrefix(b, []byte("</")):
		x.putString("</")
		x.name(b[2:])
		x.putString(">")
		if x.secretDepth > 0 {
			x.secretDepth--
		}
		n, _, ok := tagLen(b)
		return n, ok
	}
	if len(b) < 2 || !isNameStart(b[1]) {
		// Not a tag: a lone '<' in text.
		x.text(b[:1])
		return 1, true
	}
	x.putString("<")
	k := x.name(b[1:])
	local := localName(b[1 : 1+k])
	n, selfClosing, ok := tagLen(b)
	if selfClosing {
		x.putString("/>")
	} else {
		x.putString(">")
		if x.secretDepth > 0 || secretName(local) {
			x.secretDepth++
		}
	}
	return n, ok
}

// tagLen measures the tag at the start of b: up to and including its '>', skipping quoted
// attribute values, or up to a '<' that starts the next markup in a malformed body. ok is
// false when the body ends first.
func tagLen(b []byte) (n int, selfClosing, ok bool) {
	for i := 1; i < len(b); i++ {
		switch c := b[i]; c {
		case '>':
			return i + 1, b[i-1] == '/', true
		case '<':
			return i, false, true
		case '"', '\'':
			j := bytes.IndexByte(b[i+1:], c)
			if j < 0 {
				return 0, false, false
			}
			i += 1 + j
		}
	}
	return 0, false, false
}

// name writes the XML name at the start of b (at most 40 bytes of it) and returns its length.
func (x *excerptWriter) name(b []byte) int {
	const max = 40
	n := 0
	for n < len(b) && isNameByte(b[n]) {
		n++
	}
	if n <= max {
		x.out = append(x.out, printableBytes(b[:n])...)
	} else {
		x.out = append(x.out, printableBytes(b[:max])...)
		x.out = append(x.out, "…"...)
	}
	return n
}

var secretNameParts = [][]byte{
	[]byte("secret"), []byte("token"), []byte("key"), []byte("password"),
	[]byte("credential"), []byte("signature"),
}

// secretName reports whether an element's local name suggests that its text is a secret.
func secretName(local []byte) bool {
	var lower [64]byte
	if len(local) > len(lower) {
		return true
	}
	l := lower[:len(local)]
	for i, c := range local {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		l[i] = c
	}
	for _, p := range secretNameParts {
		if bytes.Contains(l, p) {
			return true
		}
	}
	return false
}

// printableBytes replaces invalid UTF-8 and unprintable characters with '?'.
func printableBytes(b []byte) []byte {
	clean := true
	for _, c := range b {
		if c < 0x20 || c >= 0x7F {
			clean = false
			break
		}
	}
	if clean {
		return b
	}
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 || !unicode.IsPrint(r) {
			out = append(out, '?')
		} else {
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return out
}
