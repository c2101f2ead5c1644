package chain

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxConfigFileSize is the largest shared file chain reads (real ones are a few KiB).
const maxConfigFileSize = 1 << 20

// This parser is hand-written because no maintained Go library reads Python configparser's
// dialect as botocore does (continuation lines, nested blocks, [DEFAULT] keys, its errors), and a
// file read differently would resolve to different credentials; ini_peer_test.go checks it
// against botocore itself. The dialect is configparser.RawConfigParser's with its defaults, as
// the package documentation ("Files") describes it; note that a line indented deeper than the
// current key's line continues its value even when it looks like a section header.

// iniFile is one parsed file. Nested blocks are not parsed yet: botocore parses them when it
// reads a section, so an error in one surfaces only when a section is read (see sectionsView).
type iniFile struct {
	path     string        // the path as shown to people
	sections []*iniSection // in order of appearance, without DEFAULT
	defaults *iniSection   // [DEFAULT], or nil
}

type iniSection struct {
	name string
	line int
	keys []*iniKey // in order of appearance
}

// iniKey is one "key = value" with its value lines (continuations included) and where each was.
type iniKey struct {
	name  string
	line  int
	lines []string // value lines, each trimmed; "" for a blank line inside the value
	nums  []int    // line number of each value line
}

// ParseError reports a shared config or credentials file that cannot be read, and where. It never
// quotes the offending line, which could hold a secret.
type ParseError struct {
	// File is the path of the file, with the home directory shown as "~".
	File string
	// Line is the 1-based line of the problem, or 0 when it concerns the whole file.
	Line int
	// Reason says what is wrong.
	Reason string
}

// Error names the file and line and says what is wrong.
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s line %d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// parseINI parses data as configparser would. path is used in errors only.
func parseINI(path string, data []byte) (*iniFile, error) {
	if len(data) > maxConfigFileSize {
		return nil, &ParseError{File: path, Reason: fmt.Sprintf("file is larger than %d bytes (%d KiB); chain refuses files this large", maxConfigFileSize, maxConfigFileSize>>10)}
	}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		// Python decodes the BOM as U+FEFF, which is not white space, so the first line is not a
		// section header and configparser (so the AWS CLI) rejects the file.
		return nil, &ParseError{File: path, Line: 1, Reason: "the file starts with a UTF-8 byte order mark (BOM), which the AWS CLI cannot read either; save it as UTF-8 without a BOM"}
	}
	f := &iniFile{path: path}
	var (
		cur      *iniSection // nil before the first section header
		curKey   *iniKey     // the key that continuation lines extend, or nil
		indent   int         // indentation of the last section or key line
		sections = map[string]*iniSection{}
		keys     = map[[2]string]*iniKey{} // by section and key name
		deferred *ParseError               // configparser reports some errors only at the end of the file
	)
	// Python's universal newlines: "\r\n", "\r" and "\n" all end a line.
	lines := strings.Split(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(string(data)), "\n")
	for i, line := range lines {
		lineno := i + 1
		if !utf8.ValidString(line) {
			return nil, &ParseError{File: path, Line: lineno, Reason: "the line is not valid UTF-8"}
		}
		value := pyStrip(line)
		if strings.HasPrefix(value, "#") || strings.HasPrefix(value, ";") {
			continue // a comment line does not end a value
		}
		lineIndent := pyIndent(line)
		// A blank line inside a value is kept (trailing ones are trimmed when the value is read).
		if curKey != nil && (value == "" || lineIndent > indent) {
			curKey.lines, curKey.nums = append(curKey.lines, value), append(curKey.nums, lineno)
			continue
		}
		if value == "" {
			continue
		}
		indent = lineIndent
		// configparser's `\[(?P<header>.+)\]`: the name runs from the first '[' to the last ']'.
		if end := strings.LastIndexByte(value, ']'); value[0] == '[' && end >= 2 {
			name := value[1:end]
			curKey = nil
			switch {
			case name == "DEFAULT": // may appear more than once
				if f.defaults == nil {
					f.defaults = &iniSection{name: name, line: lineno}
				}
				cur = f.defaults
			case sections[name] != nil:
				return nil, &ParseError{File: path, Line: lineno, Reason: fmt.Sprintf("section [%s] already appeared on line %d; the AWS CLI refuses a section twice in one file", name, sections[name].line)}
			default:
				cur = &iniSection{name: name, line: lineno}
				sections[name] = cur
				f.sections = append(f.sections, cur)
			}
			continue
		}
		if cur == nil {
			return nil, &ParseError{File: path, Line: lineno, Reason: "a setting appears before any [section] header"}
		}
		// configparser's option pattern: the key is what precedes the first '=' or ':'.
		i := strings.IndexAny(value, "=:")
		if i < 0 {
			if deferred == nil {
				deferred = &ParseError{File: path, Line: lineno, Reason: "the line is not a [section], a key = value setting or a comment"}
			}
			continue
		}
		key, val := pyLower(pyStrip(value[:i])), pyStrip(value[i+1:])
		if key == "" && deferred == nil {
			deferred = &ParseError{File: path, Line: lineno, Reason: "the setting has no key before its '=' or ':'"}
		}
		id := [2]string{cur.name, key}
		if first := keys[id]; first != nil {
			return nil, &ParseError{File: path, Line: lineno, Reason: fmt.Sprintf("%s appears twice in section [%s] (first on line %d); the AWS CLI refuses the file", key, cur.name, first.line)}
		}
		curKey = &iniKey{name: key, line: lineno, lines: []string{val}, nums: []int{lineno}}
		keys[id] = curKey
		cur.keys = append(cur.keys, curKey)
		if key == "" {
			curKey = nil // configparser does not continue a value whose key is empty
		}
	}
	if deferred != nil {
		return nil, deferred
	}
	return f, nil
}

// pySpace reports whether r is white space for Python's str.isspace, str.strip and the \s of its
// regular expressions. The set differs from Go's unicode.IsSpace (it adds U+001C–U+001F).
func pySpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f, ' ', 0x85, 0xa0, 0x1680,
		0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

func pyStrip(s string) string { return strings.TrimFunc(s, pySpace) }

// pyIndent is the number of characters (not bytes) before the first non-space one, as
// configparser measures indentation.
func pyIndent(s string) int {
	n := 0
	for _, r := range s {
		if !pySpace(r) {
			return n
		}
		n++
	}
	return 0
}

// pyLower lower-cases like Python's str.lower for the keys that matter (ASCII); other letters go
// through Go's case mapping, with Python's one multi-character special case.
func pyLower(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "\u0130", "i\u0307"))
}

// pySplitLines splits like Python's str.splitlines, which the nested-block parser uses: besides
// "\n" and "\r" it breaks at "\v", "\f", U+001C–U+001E, U+0085, U+2028 and U+2029.
func pySplitLines(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			return true
		}
		return false
	})
}
