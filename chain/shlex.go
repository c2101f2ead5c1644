package chain

import "errors"

var errShlex = errors.New("unbalanced quotes or trailing backslash")

// shlexSplit splits s into words like Python's shlex.split(s) (POSIX mode, no comments), which
// botocore uses on section names: "[profile 'my app']" names the profile "my app". White space is
// only space, tab, "\r" and "\n"; single quotes keep everything; inside double quotes a backslash
// escapes only '"' and '\'; outside quotes it escapes any character.
func shlexSplit(s string) ([]string, error) {
	const (
		stateSpace = iota
		stateWord
		stateSingle
		stateDouble
		stateEscape
	)
	isSpace := func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\n' }
	var (
		words   []string
		token   []rune
		quoted  bool // the current token had quotes, so it counts even when empty
		state   = stateSpace
		escaped = stateWord // the state an escape returns to
	)
	emit := func() {
		if len(token) > 0 || quoted {
			words = append(words, string(token))
		}
		token, quoted = token[:0:0], false
	}
	for _, r := range s {
		switch state {
		case stateSpace, stateWord:
			switch {
			case isSpace(r):
				if state == stateWord {
					emit()
				} else if quoted { // unreachable: quoted is only set inside a word
					emit()
				}
				state = stateSpace
			case r == '\\':
				escaped, state = stateWord, stateEscape
			case r == '\'':
				state, quoted = stateSingle, true
			case r == '"':
				state, quoted = stateDouble, true
			default:
				token = append(token, r)
				state = stateWord
			}
		case stateSingle:
			if r == '\'' {
				state = stateWord
			} else {
				token = append(token, r)
			}
		case stateDouble:
			switch r {
			case '"':
				state = stateWord
			case '\\':
				escaped, state = stateDouble, stateEscape
			default:
				token = append(token, r)
			}
		case stateEscape:
			if escaped == stateDouble && r != '"' && r != '\\' {
				token = append(token, '\\')
			}
			token = append(token, r)
			state = escaped
		}
	}
	switch state {
	case stateSingle, stateDouble, stateEscape:
		return nil, errShlex
	}
	emit()
	return words, nil
}
