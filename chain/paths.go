package chain

import (
	"os/user"
	"path/filepath"
	"regexp"
	"strings"
)

// envVarRef is os.path.expandvars's pattern: Python's \w with re.ASCII is Go's \w.
var envVarRef = regexp.MustCompile(`\$(\w+|\{[^}]*\})`)

// expandPath expands a config file path as botocore does (os.path.expandvars, then
// os.path.expanduser): "$NAME" and "${NAME}" are replaced by the variable's value when it is set
// (left alone otherwise), a leading "~" by home and "~user" by that user's home directory.
func expandPath(p string, getenv func(string) string, home string) string {
	p = envVarRef.ReplaceAllStringFunc(p, func(ref string) string {
		name := strings.TrimSuffix(strings.TrimPrefix(ref[1:], "{"), "}")
		if v := getenv(name); name != "" && v != "" {
			return v
		}
		return ref
	})
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
