package chain

import (
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
)

var errNotDir = syscall.ENOTDIR

// expandPath expands a config file path as botocore does (os.path.expandvars, then
// os.path.expanduser): "$NAME" and "${NAME}" are replaced by the variable's value when it is set
// (left alone otherwise), a leading "~" by home and "~user" by that user's home directory.
func expandPath(p string, getenv func(string) string, home string) string {
	return expandUser(expandVars(p, getenv), home)
}

func expandVars(p string, getenv func(string) string) string {
	if !strings.Contains(p, "$") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); {
		if p[i] != '$' {
			b.WriteByte(p[i])
			i++
			continue
		}
		name, end := "", i+1
		if end < len(p) && p[end] == '{' {
			if c := strings.IndexByte(p[end:], '}'); c > 0 {
				name, end = p[end+1:end+c], end+c+1
			}
		} else {
			for end < len(p) && isWordByte(p[end]) {
				end++
			}
			name = p[i+1 : end]
		}
		if v := getenv(name); name != "" && v != "" {
			b.WriteString(v)
			i = end
			continue
		}
		b.WriteByte('$')
		i++
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func expandUser(p, home string) string {
	if !strings.HasPrefix(p, "~") {
		return p
	}
	i := strings.IndexByte(p, '/')
	if i < 0 {
		i = len(p)
	}
	dir := home
	if i > 1 {
		u, err := user.Lookup(p[1:i])
		if err != nil {
			return p
		}
		dir = u.HomeDir
	}
	if dir == "" {
		return p
	}
	dir = strings.TrimRight(dir, "/")
	if out := dir + p[i:]; out != "" {
		return out
	}
	return "/"
}

// displayPath shows p with the home directory as "~", as people write it.
func displayPath(p, home string) string {
	if home == "" || home == "/" {
		return p
	}
	h := strings.TrimRight(filepath.Clean(home), "/")
	if p == h {
		return "~"
	}
	if strings.HasPrefix(p, h+"/") {
		return "~/" + p[len(h)+1:]
	}
	return p
}
