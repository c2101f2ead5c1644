package stsxml

import (
	"bytes"
	"strconv"
)

// maxDepth bounds element nesting. STS documents are four levels deep.
const maxDepth = 32

type span struct {
	start, end int32
	set        bool
}

// parsed is what the walk over a document collected: which root matched, and where each wanted
// value lies in arena (text with references resolved and surrounding whitespace trimmed).
type parsed struct {
	root   *node
	arena  []byte
	vals   [numFields]span
	strs   string // arena as a string, made once by str
	hasStr bool
}

// has reports whether the element for f was present (for a value: present and not blank).
func (p *parsed) has(f field) bool {
	v := p.vals[f]
	return v.set && (v.end > v.start || !isLeafField(f))
}

func isLeafField(f field) bool {
	switch f {
	case fResult, fCredentials, fAssumedRoleUser, fResponseMetadata, fError:
		return false
	}
	return true
}

// str returns the value of f, or "" when it is absent or blank. All values share one allocation.
func (p *parsed) str(f field) string {
	if !p.has(f) {
		return ""
	}
	if !p.hasStr {
		p.strs, p.hasStr = string(p.arena), true
	}
	v := p.vals[f]
	return p.strs[v.start:v.end]
}

// bytes returns the value of f without allocating; valid until p's buffers are reused.
func (p *parsed) bytes(f field) []byte {
	v := p.vals[f]
	if !v.set {
		return nil
	}
	return p.arena[v.start:v.end]
}

// walkError explains why a body is not the expected document. reason is built only from fixed
// text and element names, never from character data.
type walkError struct {
	reason    string
	truncated bool
}

// walk reads body as an XML document whose root is one of roots, collecting the values the
// matching schema names. It stops at the end of the root element; anything after is not read.
func (p *parsed) walk(body []byte, roots ...*node) *walkError {
	sc := newScanner(body)
	var (
		names   [maxDepth][]byte
		nodes   [maxDepth]*node
		depth   int
		doctype []byte
		sawXML  bool // a declaration, comment or DOCTYPE: the body is XML of some sort
	)
	for {
		tok, serr := sc.next()
		if serr != nil {
			if serr.truncated {
				return &walkError{reason: "the body is truncated (" + serr.msg + ")", truncated: true}
			}
			if depth == 0 && looksLikeHTML(body) {
				return &walkError{reason: "the body is an HTML page, not XML"}
			}
			if depth == 0 && !sawXML {
				return &walkError{reason: "the body is not XML"}
			}
			return &walkError{reason: "malformed XML at byte " + strconv.Itoa(serr.offset) + ": " + serr.msg}
		}
		switch tok.kind {
		case tokEOF:
			if depth > 0 {
				return &walkError{reason: "the body is truncated (it ends inside <" + safeName(names[depth-1]) + ">)", truncated: true}
			}
			if len(bytes.TrimSpace(body)) == 0 {
				return &walkError{reason: "the body is empty"}
			}
			return &walkError{reason: "the body has no root element"}

		case tokIgnorable:
			sawXML = true

		case tokDoctype:
			if depth > 0 {
				return &walkError{reason: "malformed XML: a DOCTYPE inside the document"}
			}
			sawXML = true
			doctype = tok.name

		case tokText, tokCDATA:
			cdata := tok.kind == tokCDATA
			if depth == 0 {
				if cdata || len(bytes.TrimLeft(tok.text, " \t\r\n")) > 0 {
					if looksLikeHTML(body) {
						return &walkError{reason: "the body is an HTML page, not XML"}
					}
					return &walkError{reason: "the body is not XML"}
				}
				continue
			}
			if n := nodes[depth-1]; n != nil && n.leaf {
				var ok bool
				if p.arena, ok = decodeText(p.arena, tok.text, cdata); !ok {
					return &walkError{reason: "malformed XML in <" + n.name + ">: an invalid character or reference"}
				}
			} else if !checkText(tok.text, cdata) {
				return &walkError{reason: "malformed XML at byte " + strconv.Itoa(sc.i) + ": an invalid character or reference"}
			}

		case tokStart:
			local := localName(tok.name)
			var n *node
			if depth == 0 {
				for _, r := range roots {
					if equalFold(local, r.name) {
						n = r
						break
					}
				}
				if n == nil {
					if equalFold(local, "html") || equalFold(doctype, "html") {
						return &walkError{reason: "the body is an HTML page, not XML"}
					}
					return &walkError{reason: "the root element is <" + safeName(local) + ">"}
				}
				p.root = n
			} else if parent := nodes[depth-1]; parent != nil {
				if parent.leaf {
					return &walkError{reason: "<" + parent.name + "> holds an element; it must hold only text"}
				}
				n = parent.kid(local)
			}
			if depth == maxDepth {
				return &walkError{reason: "elements are nested too deeply"}
			}
			if n != nil && n.field != fNone {
				// A repeated element replaces the earlier one, as in aws-sdk-go-v2.
				start := int32(len(p.arena))
				p.vals[n.field] = span{start: start, end: start, set: true}
			}
			names[depth], nodes[depth] = tok.name, n
			depth++

		case tokEnd:
			if depth == 0 {
				return &walkError{reason: "malformed XML: an end tag before the root element"}
			}
			if !bytes.Equal(names[depth-1], tok.name) {
				return &walkError{reason: "malformed XML: <" + safeName(names[depth-1]) + "> is closed by </" + safeName(tok.name) + ">"}
			}
			depth--
			if n := nodes[depth]; n != nil && n.leaf {
				p.endValue(n)
			}
			if depth == 0 {
				return nil
			}
		}
	}
}

// looksLikeHTML reports whether body starts like an HTML page: a proxy's or load balancer's
// error page, typically.
func looksLikeHTML(body []byte) bool {
	b := bytes.TrimLeft(body, "\xef\xbb\xbf \t\r\n")
	for _, prefix := range []string{"<!doctype html", "<html"} {
		if len(b) >= len(prefix) && equalFold(b[:len(prefix)], prefix) {
			return true
		}
	}
	return false
}

// endValue closes the value of leaf n, which ends at the end of the arena: surrounding
// whitespace is trimmed, and for a compact value all whitespace is removed.
func (p *parsed) endValue(n *node) {
	v := &p.vals[n.field]
	v.end = int32(len(p.arena))
	for v.start < v.end && isSpace(p.arena[v.start]) {
		v.start++
	}
	for v.end > v.start && isSpace(p.arena[v.end-1]) {
		v.end--
	}
	if n.compact {
		w := v.start
		for r := v.start; r < v.end; r++ {
			if c := p.arena[r]; !isSpace(c) {
				p.arena[w] = c
				w++
			}
		}
		v.end = w
	}
}

// safeName returns an element name for an error message: at most 64 bytes of name characters.
func safeName(b []byte) string {
	const max = 64
	for _, c := range b {
		if !isNameByte(c) {
			return "?"
		}
	}
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
