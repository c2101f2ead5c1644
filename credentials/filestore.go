package credentials

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/irsa-go/irsa/internal/atomicfile"
)

// The shared store (CacheOptions.SharedDir) keeps one file per credential identity, so that
// short-lived processes (a CronJob, the AWS CLI's credential_process) share one set of
// credentials instead of each calling STS:
//
//	DIR/<key>.json  the credentials, 0600, replaced atomically (temporary file, fsync, rename)
//	DIR/<key>.lock  flock'd by the one process that refreshes; the others wait for it, then read
//
// <key> is the SHA-256 (hex) of what decides the credentials (see cacheKeyer), never of a
// secret, so neither a name nor the directory's listing reveals a role, a token or a key.
//
// The file is read only when it is a regular file of this user with no permission for group or
// others, not larger than maxSharedFile, and parses; otherwise it is ignored, the reason is
// reported (RefreshEvent.SharedDirErr), and the next write replaces it. Credentials are taken
// from it only while they are fresh: before the refresh point the writer drew (kept within this
// Cache's own advisory window), so no process serves from the file what its in-memory Cache
// would refresh.

// cacheKeyer is implemented by the providers whose credentials may be kept in shared files.
// cacheKey returns the hex SHA-256 of what decides the credentials; it reads what Retrieve would
// read (a web identity token file), so that a broken source is not hidden by a cached file. An
// error means: do not use the shared files for this refresh.
type cacheKeyer interface {
	cacheKey(ctx context.Context) (string, error)
}

// errNotShareable is the cacheKey error of a provider whose credentials cannot be told apart by
// a key (a source without one, an STS client of unknown endpoint).
var errNotShareable = errors.New("credentials are not kept in shared files")

// maxSharedFile is the largest credentials file read; one is about 1.5 KiB.
const maxSharedFile = 64 << 10

// sharedFileVersion is the file format's version; a file of another version is ignored.
const sharedFileVersion = 1

// sharedFile is the content of DIR/<key>.json.
type sharedFile struct {
	Version         int       `json:"Version"`
	Key             string    `json:"Key"`
	AccessKeyID     string    `json:"AccessKeyId"`
	SecretAccessKey string    `json:"SecretAccessKey"`
	SessionToken    string    `json:"SessionToken,omitempty"`
	Expiration      time.Time `json:"Expiration"`
	Source          string    `json:"Source,omitempty"`
	RoleARN         string    `json:"RoleArn,omitempty"`
	Arrived         time.Time `json:"Arrived"`   // when STS's answer arrived
	RefreshAt       time.Time `json:"RefreshAt"` // the writer's refresh point
}

// hashKey returns the hex SHA-256 of v's JSON, the name of v's files.
func hashKey(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// stsEndpointKey identifies where client sends its requests, for the cache key.
func stsEndpointKey(client STS) (string, error) {
	switch c := client.(type) {
	case *Client:
		return c.endpoint.URL + " " + c.endpoint.SigningRegion, nil
	case *sts.Client:
		o := c.Options()
		base := ""
		if o.BaseEndpoint != nil {
			base = *o.BaseEndpoint
		}
		return "sdk " + base + " " + o.Region, nil
	}
	return "", fmt.Errorf("%w: STS client %T has no known endpoint", errNotShareable, client)
}

// sourceKey is the cache key of p, a source of credentials.
func sourceKey(ctx context.Context, p Provider) (string, error) {
	if k, ok := p.(cacheKeyer); ok {
		return k.cacheKey(ctx)
	}
	return "", fmt.Errorf("%w: source %T has no cache key", errNotShareable, p)
}

// fileStore reads and writes the files of one directory.
type fileStore struct {
	dir string
	// poll is the first pause between attempts to take a lock another process holds; it doubles
	// up to pollMax.
	poll, pollMax time.Duration
}

func newFileStore(dir string) *fileStore {
	return &fileStore{dir: dir, poll: 2 * time.Millisecond, pollMax: 50 * time.Millisecond}
}

func (s *fileStore) path(key, ext string) string { return filepath.Join(s.dir, key+ext) }

// checkDir creates the directory (0700) if it is missing, and refuses one that is not a
// directory of this user that only this user can write.
func (s *fileStore) checkDir() error {
	fi, err := os.Lstat(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			return fmt.Errorf("cannot create the shared credentials directory: %w", err)
		}
		fi, err = os.Lstat(s.dir)
	}
	switch {
	case err != nil:
		return fmt.Errorf("shared credentials directory: %w", err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("shared credentials directory %s is a symbolic link: not used; give the directory it points to instead", s.dir)
	case !fi.IsDir():
		return fmt.Errorf("shared credentials directory %s is not a directory: not used", s.dir)
	}
	if uid, ok := ownerOf(fi); ok && uid != os.Geteuid() {
		return fmt.Errorf("shared credentials directory %s belongs to uid %d, not to this user (uid %d): not used; choose a directory of your own", s.dir, uid, os.Geteuid())
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("shared credentials directory %s can be written by group or others (mode %#o): not used; make it private with chmod 700 %s", s.dir, perm, s.dir)
	}
	return nil
}

// read returns the file of key, nil when there is none, or why it is ignored.
func (s *fileStore) read(key string) (*sharedFile, error) {
	name := s.path(key, ".json")
	f, err := openNoFollow(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case isSymlinkErr(err):
		return nil, fmt.Errorf("shared credentials file %s is a symbolic link: ignored", name)
	case err != nil:
		return nil, fmt.Errorf("shared credentials file ignored: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("shared credentials file ignored: %w", err)
	}
	if err := checkFile(name, fi); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, maxSharedFile+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("shared credentials file ignored: %w", err)
	case len(b) > maxSharedFile:
		return nil, fmt.Errorf("shared credentials file %s is larger than %d KiB: ignored", name, maxSharedFile>>10)
	}
	return decodeSharedFile(name, key, b)
}

// checkFile refuses what is not a private regular file of this user.
func checkFile(name string, fi fs.FileInfo) error {
	switch {
	case !fi.Mode().IsRegular():
		return fmt.Errorf("shared credentials file %s is not a regular file (%s): ignored", name, fi.Mode().Type())
	case fi.Size() > maxSharedFile:
		return fmt.Errorf("shared credentials file %s is larger than %d KiB: ignored", name, maxSharedFile>>10)
	}
	if uid, ok := ownerOf(fi); ok && uid != os.Geteuid() {
		return fmt.Errorf("shared credentials file %s belongs to uid %d, not to this user (uid %d): ignored", name, uid, os.Geteuid())
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("shared credentials file %s has mode %#o, not 0600: ignored", name, perm)
	}
	return nil
}

// decodeSharedFile parses and checks a file's content. Its errors never quote the content, which
// holds secrets.
func decodeSharedFile(name, key string, b []byte) (*sharedFile, error) {
	var sf sharedFile
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&sf); err != nil || dec.More() {
		return nil, fmt.Errorf("shared credentials file %s is not a credentials document (damaged or truncated): ignored", name)
	}
	var reason string
	switch {
	case sf.Version != sharedFileVersion:
		reason = fmt.Sprintf("has version %d, not %d", sf.Version, sharedFileVersion)
	case sf.Key != key:
		reason = "is stored under another name than its key"
	case sf.AccessKeyID == "" || sf.SecretAccessKey == "":
		reason = "lacks the access key ID or the secret access key"
	case sf.Expiration.IsZero() || sf.Arrived.IsZero() || sf.RefreshAt.IsZero():
		reason = "lacks the expiration, arrival or refresh time"
	case !sf.Arrived.Before(sf.Expiration) || sf.RefreshAt.Before(sf.Arrived) || sf.RefreshAt.After(sf.Expiration):
		reason = "has times out of order (arrival, refresh, expiration)"
	default:
		return &sf, nil
	}
	return nil, fmt.Errorf("shared credentials file %s %s: ignored", name, reason)
}

// write replaces the file of key with sf atomically (internal/atomicfile), so that a reader sees
// the old file or the new one, whole.
func (s *fileStore) write(key string, sf *sharedFile) error {
	b, err := json.Marshal(sf)
	if err != nil {
		return fmt.Errorf("shared credentials file not written: %w", err)
	}
	if err := atomicfile.Write(s.path(key, ".json"), key+".tmp-*", b, nil); err != nil {
		return fmt.Errorf("shared credentials file not written: %w", err)
	}
	syncDir(s.dir)
	return nil
}

// syncDir makes a rename in dir durable, as far as the system allows.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// sharedOutcome is what a refresh through the shared files produced.
type sharedOutcome struct {
	creds Credentials
	err   error
	e     *entry // the entry to cache, with the file's arrival and refresh times; nil on error
	note  error  // a problem with the files that the refresh worked around (RefreshEvent.SharedDirErr)
}

// callShared refreshes through the shared files: the file when another process has fresh
// credentials in it, else the provider, under the lock, writing what it returns. prev is the
// entry being refreshed: credentials with its access key ID are not taken from the file again.
// Without a cache key it calls the provider alone; a problem with the files is reported in note
// and never fails the refresh.
func (c *Cache) callShared(ctx context.Context, prev *entry) sharedOutcome {
	keyer, ok := c.provider.get().(cacheKeyer)
	if !ok {
		return c.callPlain(ctx, nil)
	}
	key, err := keyer.cacheKey(ctx)
	if err != nil {
		return c.callPlain(ctx, nil) // the provider says what is wrong, or is not shareable
	}
	s := newFileStore(c.opts.SharedDir)
	if err := s.checkDir(); err != nil {
		return c.callPlain(ctx, err)
	}
	var notes []error
	if out, ok := c.fromFile(s, key, prev, &notes); ok {
		return out
	}
	unlock, err := lockFile(ctx, s.path(key, ".lock"), s.poll, s.pollMax)
	if err != nil {
		if ctx.Err() != nil {
			return sharedOutcome{err: fmt.Errorf("credentials: waiting for another process to refresh the shared credentials file: %w", ctx.Err())}
		}
		return c.callPlain(ctx, errors.Join(append(notes, err)...))
	}
	defer unlock()
	notes = notes[:0] // the file is read again: report what is found now
	if out, ok := c.fromFile(s, key, prev, &notes); ok {
		return out
	}
	out := c.callPlain(ctx, nil)
	if out.err == nil {
		out.e = newEntry(out.creds, c.clock.Now(), &c.opts)
		if err := s.write(key, fileOf(key, out.e)); err != nil {
			notes = append(notes, err)
		}
	}
	out.note = errors.Join(notes...)
	return out
}

// callPlain calls the provider, reporting note.
func (c *Cache) callPlain(ctx context.Context, note error) sharedOutcome {
	creds, err := c.call(ctx)
	return sharedOutcome{creds: creds, err: err, note: note}
}

// fromFile returns the credentials of key's file when they are fresh and not prev's; a file it
// ignores adds the reason to notes.
func (c *Cache) fromFile(s *fileStore, key string, prev *entry, notes *[]error) (sharedOutcome, bool) {
	sf, err := s.read(key)
	if err != nil {
		*notes = append(*notes, err)
	}
	if sf == nil {
		return sharedOutcome{}, false
	}
	e := entryOfFile(sf, &c.opts)
	now := c.clock.Now()
	if e.state(now.UnixNano()) != stateFresh || now.Before(sf.Arrived) ||
		prev != nil && prev.has && prev.creds.AccessKeyID == sf.AccessKeyID {
		return sharedOutcome{}, false
	}
	return sharedOutcome{creds: e.creds, e: e, note: errors.Join(*notes...)}, true
}

// fileOf is the file for entry e of key.
func fileOf(key string, e *entry) *sharedFile {
	return &sharedFile{
		Version: sharedFileVersion, Key: key,
		AccessKeyID: e.creds.AccessKeyID, SecretAccessKey: e.creds.SecretAccessKey, SessionToken: e.creds.SessionToken,
		Expiration: e.creds.Expires, Source: e.creds.Source, RoleARN: e.creds.RoleARN,
		Arrived: unixTime(e.refreshedAt).UTC(), RefreshAt: unixTime(e.refreshAt).UTC(),
	}
}

// entryOfFile is the entry for a file's credentials: this Cache's windows from their arrival,
// with the writer's refresh point kept inside the span this Cache's jitter could have drawn.
func entryOfFile(sf *sharedFile, o *CacheOptions) *entry {
	creds := Credentials{AccessKeyID: sf.AccessKeyID, SecretAccessKey: sf.SecretAccessKey, SessionToken: sf.SessionToken,
		Expires: sf.Expiration, Source: sf.Source, RoleARN: sf.RoleARN}
	e := newEntryJitter(creds, sf.Arrived, o, 0)
	latest := e.refreshAt
	if !o.NoRefreshJitter {
		latest = newEntryJitter(creds, sf.Arrived, o, 1).refreshAt
	}
	e.refreshAt = min(max(sf.RefreshAt.UnixNano(), e.refreshAt), latest)
	return e
}

// cacheKey is the key of the Cache's provider (see cacheKeyer), so that a Cache can be the
// source of an AssumeRole whose credentials are shared.
func (c *Cache) cacheKey(ctx context.Context) (string, error) {
	return sourceKey(ctx, c.provider.get())
}
