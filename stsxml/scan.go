package stsxml

import (
	"bytes"
	"unicode/utf8"
)

// The scanner is a small XML tokenizer over a body held in memory. It knows exactly the XML that
// STS documents use (declaration, elements, attributes, text, entity and character references,
// CDATA, comments, processing instructions, a DOCTYPE without an internal subset) and refuses the
// rest. It allocates nothing: tokens are slices of the body, and text is decoded by the caller
// into a scratch buffer only where a value is wanted. encoding/xml allocates for every element
// name, and decoding sits on the credential refresh path (see BenchmarkDecodeAssumeRoleWithWebIdentity).

type tokenKind uint8

const (
	tokEOF tokenKind = iota
	tokStart
	tokEnd       // an end tag, or the end of a self-closing start tag
	tokText      // raw character data, entity references not yet decoded
	tokCDATA     // CDATA section content, taken literally
	tokDoctype   // a DOCTYPE declaration; name holds the document type name
	tokIgnorable // comment or processing instruction
)

type token struct {
	kind tokenKind
	// name is the qualified name (prefix included) of a start or end tag, or a DOCTYPE's name.
	name []byte
	// text is the raw content of a text or CDATA token.
	text []byte
}

// syntaxError is a malformed-XML finding. msg is fixed text from this package, never a piece of
// the body, so it is always safe to show.
type syntaxError struct {
	offset    int
	msg       string
	truncated bool // the body ended inside a construct
}

func (e *syntaxError) Error() string { return e.msg }

type scanner struct {
	b []byte
	i int
	// pendingEnd is set after a self-closing tag: the next token is its end.
	pendingEnd []byte
	hasPending bool
}

func newScanner(b []byte) scanner {
	// A UTF-8 byte order mark is allowed before the document.
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return scanner{b: b, i: 3}
	}
	return scanner{b: b}
}

func (s *scanner) fail(msg string) (token, *syntaxError) {
	return token{}, &syntaxError{offset: s.i, msg: msg}
}

func (s *scanner) truncated(what string) (token, *syntaxError) {
	return token{}, &syntaxError{offset: len(s.b), msg: "the body ends inside " + what, truncated: true}
}

// next returns the next token. At the end of the body it returns tokEOF.
func (s *scanner) next() (token, *syntaxError) {
	if s.hasPending {
		s.hasPending = false
		return token{kind: tokEnd, name: s.pendingEnd}, nil
	}
	b := s.b
	if s.i >= len(b) {
		return token{kind: tokEOF}, nil
	}
	if b[s.i] != '<' {
		start := s.i
		j := bytes.IndexByte(b[s.i:], '<')
		if j < 0 {
			s.i = len(b)
		} else {
			s.i += j
		}
		return token{kind: tokText, text: b[start:s.i]}, nil
	}
	rest := b[s.i:]
	switch {
	case bytes.HasPrefix(rest, []byte("<?")):
		return s.procInst()
	case bytes.HasPrefix(rest, []byte("<!--")):
		end := bytes.Index(rest[4:], []byte("--"))
		if end < 0 || 4+end+2 >= len(rest) {
			return s.truncated("a comment")
		}
		if rest[4+end+2] != '>' {
			s.i += 4 + end
			return s.fail(`"--" inside a comment`)
		}
		s.i += 4 + end + 3
		return token{kind: tokIgnorable}, nil
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		end := bytes.Index(rest[9:], []byte("]]>"))
		if end < 0 {
			return s.truncated("a CDATA section")
		}
		text := rest[9 : 9+end]
		s.i += 9 + end + 3
		return token{kind: tokCDATA, text: text}, nil
	case bytes.HasPrefix(rest, []byte("<!DOCTYPE")):
		return s.doctype()
	case len(rest) >= 2 && rest[1] == '!':
		for _, p := range []string{"<!--", "<![CDATA[", "<!DOCTYPE"} {
			if len(rest) < len(p) && string(rest) == p[:len(rest)] {
				return s.truncated("a declaration")
			}
		}
		return s.fail("unsupported markup declaration")
	case len(rest) >= 2 && rest[1] == '/':
		return s.endTag()
	default:
		return s.startTag()
	}
}

// procInst skips a processing instruction, such as the XML declaration. A declaration of an
// XML version other than 1.0 is refused, as encoding/xml does; a declared encoding is ignored
// (the body must be UTF-8, and is checked as such).
func (s *scanner) procInst() (token, *syntaxError) {
	s.i += 2
	target, err := s.name("a processing instruction")
	if err != nil {
		return token{}, err
	}
	// The target ends at a space or at "?>" (XML 1.0, production 16): "<?A\xac?>" is no target
	// "A" followed by content, but a malformed name.
	if !isSpace(s.b[s.i]) && !bytes.HasPrefix(s.b[s.i:], []byte("?>")) {
		return s.fail("malformed name in a processing instruction")
	}
	end := bytes.Index(s.b[s.i:], []byte("?>"))
	if end < 0 {
		return s.truncated("a processing instruction")
	}
	content := s.b[s.i : s.i+end]
	if string(target) == "xml" {
		if v, ok := pseudoAttr(content, "version"); ok && string(v) != "1.0" {
			return s.fail("unsupported XML version")
		}
	}
	s.i += end + 2
	return token{kind: tokIgnorable}, nil
}

// pseudoAttr finds name="value" (or 'value') in the content of an XML declaration.
func pseudoAttr(content []byte, name string) ([]byte, bool) {
	for {
		k := bytes.Index(content, []byte(name+"="))
		if k < 0 || k+len(name)+1 >= len(content) {
			return nil, false
		}
		content = content[k+len(name)+1:]
		if q := content[0]; q == '"' || q == '\'' {
			end := bytes.IndexByte(content[1:], q)
			if end < 0 {
				return nil, false
			}
			return content[1 : 1+end], true
		}
	}
}

func (s *scanner) doctype() (token, *syntaxError) {
	s.i += len("<!DOCTYPE")
	if s.i >= len(s.b) {
		return s.truncated("a DOCTYPE")
	}
	if !isSpace(s.b[s.i]) {
		return s.fail("malformed DOCTYPE")
	}
	s.skipSpace()
	name, err := s.name("a DOCTYPE")
	if err != nil {
		return token{}, err
	}
	// Skip the external ID, if any, honouring quotes; an internal subset (entity definitions)
	// is refused outright.
	for s.i < len(s.b) {
		switch c := s.b[s.i]; c {
		case '>':
			s.i++
			return token{kind: tokDoctype, name: name}, nil
		case '[':
			return s.fail("DOCTYPE with an internal subset")
		case '"', '\'':
			end := bytes.IndexByte(s.b[s.i+1:], c)
			if end < 0 {
				return s.truncated("a DOCTYPE")
			}
			s.i += 1 + end + 1
		case '<':
			return s.fail("malformed DOCTYPE")
		default:
			s.i++
		}
	}
	return s.truncated("a DOCTYPE")
}

func (s *scanner) endTag() (token, *syntaxError) {
	s.i += 2
	name, err := s.name("an end tag")
	if err != nil {
		return token{}, err
	}
	s.skipSpace()
	if s.i >= len(s.b) {
		return s.truncated("an end tag")
	}
	if s.b[s.i] != '>' {
		return s.fail("malformed end tag")
	}
	s.i++
	return token{kind: tokEnd, name: name}, nil
}

func (s *scanner) startTag() (token, *syntaxError) {
	s.i++
	name, err := s.name("a start tag")
	if err != nil {
		return token{}, err
	}
	for {
		hadSpace := s.skipSpace()
		if s.i >= len(s.b) {
			return s.truncated("a start tag")
		}
		switch s.b[s.i] {
		case '>':
			s.i++
			return token{kind: tokStart, name: name}, nil
		case '/':
			if s.i+1 >= len(s.b) {
				return s.truncated("a start tag")
			}
			if s.b[s.i+1] != '>' {
				return s.fail("malformed start tag")
			}
			s.i += 2
			s.pendingEnd, s.hasPending = name, true
			return token{kind: tokStart, name: name}, nil
		}
		if !hadSpace {
			return s.fail("malformed start tag")
		}
		if err := s.attribute(); err != nil {
			return token{}, err
		}
	}
}

// attribute skips one name="value" pair. Attribute values are never used (namespaces are matched
// by local name), but they must be well formed.
func (s *scanner) attribute() *syntaxError {
	if _, err := s.name("an attribute"); err != nil {
		return err
	}
	s.skipSpace()
	if s.i >= len(s.b) {
		_, err := s.truncated("a start tag")
		return err
	}
	if s.b[s.i] != '=' {
		_, err := s.fail("attribute without a value")
		return err
	}
	s.i++
	s.skipSpace()
	if s.i >= len(s.b) {
		_, err := s.truncated("a start tag")
		return err
	}
	q := s.b[s.i]
	if q != '"' && q != '\'' {
		_, err := s.fail("unquoted attribute value")
		return err
	}
	end := bytes.IndexByte(s.b[s.i+1:], q)
	if end < 0 {
		_, err := s.truncated("an attribute value")
		return err
	}
	value := s.b[s.i+1 : s.i+1+end]
	if bytes.IndexByte(value, '<') >= 0 {
		_, err := s.fail("'<' in an attribute value")
		return err
	}
	if !checkText(value, false) {
		_, err := s.fail("invalid reference in an attribute value")
		return err
	}
	s.i += 1 + end + 1
	return nil
}

// name reads an XML name (with an optional namespace prefix) at the current position.
func (s *scanner) name(where string) ([]byte, *syntaxError) {
	start := s.i
	for s.i < len(s.b) && isNameByte(s.b[s.i]) {
		s.i++
	}
	if s.i >= len(s.b) {
		_, err := s.truncated(where)
		return nil, err
	}
	n := s.b[start:s.i]
	if len(n) == 0 || !isNameStart(n[0]) {
		_, err := s.fail("malformed name in " + where)
		return nil, err
	}
	if c := bytes.IndexByte(n, ':'); c >= 0 && (c == 0 || c == len(n)-1 || bytes.IndexByte(n[c+1:], ':') >= 0) {
		_, err := s.fail("malformed name in " + where)
		return nil, err
	}
	return n, nil
}

func (s *scanner) skipSpace() bool {
	start := s.i
	for s.i < len(s.b) && isSpace(s.b[s.i]) {
		s.i++
	}
	return s.i > start
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Names are ASCII: STS documents use no others, and accepting only these keeps the scanner
// stricter than encoding/xml, never looser.
func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':'
}

func isNameByte(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.'
}

// localName strips a namespace prefix.
func localName(qname []byte) []byte {
	if i := bytes.LastIndexByte(qname, ':'); i >= 0 {
		return qname[i+1:]
	}
	return qname
}

// checkText reports whether raw character data is well formed, without decoding it.
func checkText(raw []byte, cdata bool) bool {
	for _, c := range raw {
		if !isSpace(c) {
			_, ok := appendText(nil, raw, cdata, false)
			return ok
		}
	}
	return true
}

// decodeText appends raw character data to dst with entity and character references resolved.
// With cdata set, raw is taken literally. It reports false for a malformed or unknown reference
// or a character XML does not allow.
func decodeText(dst, raw []byte, cdata bool) ([]byte, bool) {
	return appendText(dst, raw, cdata, true)
}

func appendText(dst, raw []byte, cdata, keep bool) ([]byte, bool) {
	for len(raw) > 0 {
		amp := -1
		if !cdata {
			amp = bytes.IndexByte(raw, '&')
		}
		plain := raw
		if amp >= 0 {
			plain = raw[:amp]
		}
		if !validChars(plain) || !cdata && bytes.Contains(plain, []byte("]]>")) {
			return dst, false
		}
		if keep {
			dst = appendNormalizedNewlines(dst, plain)
		}
		if amp < 0 {
			return dst, true
		}
		raw = raw[amp:]
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 || semi > 12 {
			return dst, false
		}
		ref := raw[1:semi]
		raw = raw[semi+1:]
		var r rune
		switch string(ref) {
		case "lt":
			r = '<'
		case "gt":
			r = '>'
		case "amp":
			r = '&'
		case "apos":
			r = '\''
		case "quot":
			r = '"'
		default:
			var ok bool
			if r, ok = charRef(ref); !ok {
				return dst, false
			}
		}
		if keep {
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst, true
}

// appendNormalizedNewlines appends b with "\r\n" and a lone "\r" turned into "\n", as XML
// requires of a parser (a "\r" from a character reference is kept).
func appendNormalizedNewlines(dst, b []byte) []byte {
	for {
		cr := bytes.IndexByte(b, '\r')
		if cr < 0 {
			return append(dst, b...)
		}
		dst = append(dst, b[:cr]...)
		dst = append(dst, '\n')
		b = b[cr+1:]
		if len(b) > 0 && b[0] == '\n' {
			b = b[1:]
		}
	}
}

// charRef decodes the inside of a character reference: "#65" or "#x41".
func charRef(ref []byte) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	digits, base := ref[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return 0, false
	}
	var r rune
	for _, c := range digits {
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, false
		}
		r = r*base + d
		if r > utf8.MaxRune {
			return 0, false
		}
	}
	return r, isXMLChar(r)
}

// validChars reports whether b is UTF-8 made only of characters XML allows.
func validChars(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 || !isXMLChar(r) {
			return false
		}
		i += size
	}
	return true
}

// isXMLChar is the Char production of XML 1.0.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
