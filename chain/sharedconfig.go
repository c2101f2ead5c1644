package chain

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"

	"github.com/irsa-go/irsa/internal/readfile"
	"github.com/irsa-go/irsa/internal/shlex"
)

// setting is one key of a section, with where it was written. A nested block ("sts =" followed
// by indented lines) has nested != nil and an empty value.
type setting struct {
	key    string
	value  string
	nested map[string]*setting
	file   string // display path
	line   int
}

// where is "~/.aws/config line 7".
func (s *setting) where() string { return fmt.Sprintf("%s line %d", s.file, s.line) }

// invalid is a ConfigError about s in profile.
func (s *setting) invalid(profile, reason string) *ConfigError {
	return &ConfigError{Profile: profile, Key: s.key, File: s.file, Line: s.line, Reason: reason}
}

// section is a section as botocore's raw_config_parse returns it: its own keys plus the keys of
// [DEFAULT] it does not override, nested blocks parsed. The [DEFAULT] keys are shared by every
// section of the file rather than copied, so that a file with many of both stays linear.
type section struct {
	name     string
	file     string
	line     int
	own      map[string]*setting
	defaults map[string]*setting // the file's [DEFAULT] keys; may be nil
}

func (s *section) get(key string) *setting {
	if s == nil {
		return nil
	}
	if v := s.own[key]; v != nil {
		return v
	}
	return s.defaults[key]
}

// sectionsView returns the sections of f as botocore's raw_config_parse sees them. Like botocore,
// it parses the nested blocks of [DEFAULT] only when some section inherits them.
func (f *iniFile) sectionsView() ([]*section, error) {
	out := make([]*section, 0, len(f.sections))
	var defaults map[string]*setting
	if f.defaults != nil && len(f.sections) > 0 {
		var err error
		if defaults, err = f.settings(f.defaults); err != nil {
			return nil, err
		}
	}
	for _, is := range f.sections {
		own, err := f.settings(is)
		if err != nil {
			return nil, err
		}
		out = append(out, &section{name: is.name, file: f.path, line: is.line, own: own, defaults: defaults})
	}
	return out, nil
}

func (f *iniFile) settings(is *iniSection) (map[string]*setting, error) {
	m := make(map[string]*setting, len(is.keys))
	for _, k := range is.keys {
		st, err := f.setting(k)
		if err != nil {
			return nil, err
		}
		m[k.name] = st
	}
	return m, nil
}

// setting turns a key into a setting, parsing a nested block the way botocore's _parse_nested
// does: every non-blank line must hold '='; keys keep their case; a later key replaces an earlier
// one.
func (f *iniFile) setting(k *iniKey) (*setting, error) {
	v := strings.TrimRightFunc(strings.Join(k.lines, "\n"), pySpace) // the value as configparser returns it
	st := &setting{key: k.name, file: f.path, line: k.line}
	if !strings.HasPrefix(v, "\n") {
		st.value = v
		return st, nil
	}
	st.nested = map[string]*setting{}
	for i, l := range k.lines {
		for _, piece := range pySplitLines(l) {
			piece = pyStrip(piece)
			if piece == "" {
				continue
			}
			eq := strings.IndexByte(piece, '=')
			if eq < 0 {
				return nil, &ParseError{File: f.path, Line: k.nums[i], Reason: fmt.Sprintf("a line in the nested block under %q has no '='; write it as \"  key = value\"", k.name)}
			}
			key := pyStrip(piece[:eq])
			st.nested[key] = &setting{key: key, value: pyStrip(piece[eq+1:]), file: f.path, line: k.nums[i]}
		}
	}
	return st, nil
}

// configFile is ~/.aws/config as botocore's load_config maps it: profiles ("[default]",
// "[profile NAME]"), sso-session and services sections, and the sections it ignores.
type configFile struct {
	profiles, ssoSessions, services map[string]*section
	ignored                         map[string]*section // none of the above, such as "[prod]"
}

// buildProfileMap follows botocore's build_profile_map: a section whose name starts with
// "profile" (or "sso-session", "services") and splits, shell-like, into exactly two words is
// named by the second word; "[default]" is the profile "default"; a later section replaces an
// earlier one of the same name ("[default]" and "[profile default]" included: the later wins).
func buildProfileMap(secs []*section) *configFile {
	c := &configFile{profiles: map[string]*section{}, ssoSessions: map[string]*section{}, services: map[string]*section{}, ignored: map[string]*section{}}
	for _, s := range secs {
		parts, err := shlex.Split(s.name)
		named := err == nil && len(parts) == 2
		switch {
		case strings.HasPrefix(s.name, "profile") && named:
			c.profiles[parts[1]] = s
		case strings.HasPrefix(s.name, "profile"):
			c.ignored[s.name] = s
		case strings.HasPrefix(s.name, "sso-session") && named:
			c.ssoSessions[parts[1]] = s
		case strings.HasPrefix(s.name, "sso-session"):
		case strings.HasPrefix(s.name, "services") && named:
			c.services[parts[1]] = s
		case strings.HasPrefix(s.name, "services"):
		case s.name == "default":
			c.profiles["default"] = s
		default:
			c.ignored[s.name] = s
		}
	}
	return c
}

// profile is one profile as botocore's session.full_config sees it: the config file's section
// with the credentials file's section of the same name laid over it (the credentials file wins
// key by key).
type profile struct {
	config *section // the section in the config file, or nil
	creds  *section // the section in the credentials file, or nil
}

func (p *profile) get(key string) *setting {
	if p == nil {
		return nil
	}
	if s := p.creds.get(key); s != nil {
		return s
	}
	return p.config.get(key)
}

func (p *profile) has(key string) bool { return p.get(key) != nil }

// firstWithPrefix returns the setting of the profile whose key starts with prefix and comes
// first in the files (credentials file first), or nil.
func (p *profile) firstWithPrefix(prefix string) *setting {
	if p == nil {
		return nil
	}
	for _, sec := range []*section{p.creds, p.config} {
		var first *setting
		if sec == nil {
			continue
		}
		for _, m := range []map[string]*setting{sec.own, sec.defaults} {
			for k, s := range m {
				if strings.HasPrefix(k, prefix) && (first == nil || s.line < first.line) {
					first = s
				}
			}
		}
		if first != nil {
			return first
		}
	}
	return nil
}

// fileState is a file's report with the expanded path it was looked for at.
type fileState struct {
	FileReport
	path string
}

// sharedFiles holds both files as botocore reads them.
type sharedFiles struct {
	config, credentials fileState
	cfg                 *configFile         // load_config(config file)
	credSections        map[string]*section // raw_config_parse(credentials file)
	profiles            map[string]*profile // full_config["profiles"]
}

// loadSharedFiles reads and parses both files. A missing file is empty, as in botocore; a file
// that cannot be read or parsed is an error.
func loadSharedFiles(ctx context.Context, config, credentials fileState) (*sharedFiles, error) {
	sf := &sharedFiles{config: config, credentials: credentials, credSections: map[string]*section{}, profiles: map[string]*profile{}}
	cfgSecs, err := readSections(ctx, &sf.config)
	if err != nil {
		return nil, err
	}
	credSecs, err := readSections(ctx, &sf.credentials)
	if err != nil {
		return nil, err
	}
	sf.cfg = buildProfileMap(cfgSecs)
	for name, s := range sf.cfg.profiles {
		sf.profiles[name] = &profile{config: s}
	}
	for _, s := range credSecs {
		sf.credSections[s.name] = s
		if sf.profiles[s.name] == nil {
			sf.profiles[s.name] = &profile{}
		}
		sf.profiles[s.name].creds = s
	}
	return sf, nil
}

// readSections reads and parses one file. Like botocore, it takes a missing path, or one that is
// not a regular file (never opened; recorded in s.NotRegular), as an empty file; unlike botocore,
// it fails on a file it may not open.
func readSections(ctx context.Context, s *fileState) ([]*section, error) {
	data, err := readfile.Reader{Limit: maxConfigFileSize}.Read(ctx, s.path)
	var notRegular *readfile.NotRegularError
	switch {
	case errors.As(err, &notRegular):
		s.NotRegular = readfile.Kind(notRegular.Mode)
		return nil, nil
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		return nil, nil
	case err != nil:
		return nil, &ParseError{File: s.Path, Reason: fmt.Sprintf("cannot read the file: %v", readfile.WithoutPath(err))}
	}
	s.Found = true
	file, err := parseINI(s.Path, data)
	if err != nil {
		return nil, err
	}
	return file.sectionsView()
}
