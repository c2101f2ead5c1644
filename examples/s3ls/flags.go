package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/irsa-go/irsa/internal/redact"
)

// options are the parsed command line.
type options struct {
	Profile       string
	Region        string
	EndpointURL   string
	PathStyle     bool
	Recursive     bool
	HumanReadable bool
	Summarize     bool
	PageSize      int
	Explain       bool
	Watch         time.Duration
	WatchCount    int
	Debug         bool
	Version       bool
	Demo          bool
	Help          bool

	// Target is the positional argument ("s3://bucket/prefix"); Bucket and Prefix are parsed
	// from it. An empty Bucket lists buckets.
	Target string
	Bucket string
	Prefix string

	pageSizeSet bool
	watchSet    bool // --watch was given (0 is then an error, not "no watch")
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

const usageText = `s3ls lists S3 buckets and objects like "aws s3 ls", with credentials resolved by the irsa
library from the same environment variables and ~/.aws files as the AWS CLI, including an EKS
pod's web identity (IRSA) and cross-account role profiles. Credentials are cached and refreshed
before they expire.

Usage:
  s3ls [flags]                         list your buckets
  s3ls [flags] s3://BUCKET[/PREFIX]    list the objects and prefixes under PREFIX
  s3ls -demo                           run the whole flow offline, against in-process fakes

Listing (as aws s3 ls):
  --recursive           list every object under PREFIX, with full key names
  --human-readable      show sizes as 1 Byte, 12 Bytes, 1.5 KiB, 3.0 MiB, ...
  --summarize           end with "Total Objects: N" and "Total Size: N"
  --page-size N         ask for N keys per request, 1 to 1000 (default 1000)

  On a terminal, a name holding control characters (terminal escapes, CR, newlines), bidi
  controls or bytes that are not UTF-8 is shown as one $'…' word with escapes, as GNU ls shows
  it; piped or redirected, the output is that of aws s3 ls, byte for byte.

Where and as whom:
  --profile NAME        use this profile from ~/.aws/config and ~/.aws/credentials
                        (default: $AWS_DEFAULT_PROFILE, $AWS_PROFILE, else "default")
  --region REGION       the region for S3 and STS (default: $AWS_REGION, $AWS_DEFAULT_REGION,
                        the profile's region; S3 falls back to us-east-1)
  --endpoint-url URL    the S3 endpoint (default: $AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL, the
                        profile's [services] s3 endpoint_url, its endpoint_url, else the
                        region's S3 endpoint). Plain http is accepted only for loopback hosts.
  --path-style          address buckets as https://HOST/BUCKET instead of https://BUCKET.HOST
                        (automatic for custom endpoints and bucket names that need it)

Diagnostics:
  --explain             print to stderr where the credentials come from, the STS and S3
                        endpoints, then list
  --debug               log each request (method, URL, status, request ID, identity) to stderr;
                        secrets and tokens are never logged
  --watch DURATION      list again every DURATION (such as 30s or 5m), logging each credential
                        refresh, until interrupted (Ctrl-C) or --watch-count listings
  --watch-count N       with --watch, stop after N listings (default 0: until interrupted)
  -demo                 start a fake OIDC issuer, STS and S3 on 127.0.0.1, resolve credentials
                        through web identity and a cross-account role, and list a demo bucket;
                        needs no AWS account and no network
  --version             print the version and exit
  -h, --help            print this help and exit

Exit status: 0 on success; 1 when the command fails (no credentials, S3 refused, network),
with the reason on stderr, or when PREFIX matches nothing (as aws s3 ls, silently); 2 for a
usage error. aws s3 ls exits 255, not 1, when it fails.

Examples:
  s3ls
  s3ls s3://my-bucket/logs/ --recursive --human-readable --summarize
  AWS_PROFILE=prod-readonly s3ls --explain s3://prod-data/
  s3ls --endpoint-url http://127.0.0.1:9000 s3://local-bucket
  go run ./examples/s3ls -demo
`

// parseArgs parses the command line. Flags may come before or after the S3 path; "--" ends
// the flags. Errors are *usageError, or flag.ErrHelp for -h/--help.
func parseArgs(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("s3ls", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&o.Profile, "profile", "", "")
	fs.StringVar(&o.Region, "region", "", "")
	fs.StringVar(&o.EndpointURL, "endpoint-url", "", "")
	fs.BoolVar(&o.PathStyle, "path-style", false, "")
	fs.BoolVar(&o.Recursive, "recursive", false, "")
	fs.BoolVar(&o.HumanReadable, "human-readable", false, "")
	fs.BoolVar(&o.Summarize, "summarize", false, "")
	fs.IntVar(&o.PageSize, "page-size", 0, "")
	fs.BoolVar(&o.Explain, "explain", false, "")
	fs.DurationVar(&o.Watch, "watch", 0, "")
	fs.IntVar(&o.WatchCount, "watch-count", 0, "")
	fs.BoolVar(&o.Debug, "debug", false, "")
	fs.BoolVar(&o.Version, "version", false, "")
	fs.BoolVar(&o.Demo, "demo", false, "")

	var positional []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{msg: err.Error()}
		}
		remaining := fs.Args()
		if len(remaining) == 0 {
			break
		}
		if consumed := len(rest) - len(remaining); consumed > 0 && rest[consumed-1] == "--" {
			positional = append(positional, remaining...)
			break
		}
		positional = append(positional, remaining[0])
		rest = remaining[1:]
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "page-size":
			o.pageSizeSet = true
		case "watch":
			o.watchSet = true
		}
	})
	if err := o.validate(positional); err != nil {
		return nil, err
	}
	return o, nil
}

// validate checks the flags together, in one place.
func (o *options) validate(positional []string) error {
	switch {
	case len(positional) > 1:
		return usagef("expected at most one S3 path, got %d: %s", len(positional), strings.Join(positional, " "))
	case o.pageSizeSet && (o.PageSize < 1 || o.PageSize > 1000):
		return usagef("--page-size must be between 1 and 1000, not %d", o.PageSize)
	case o.Watch < 0 || (o.watchSet && o.Watch == 0):
		return usagef("--watch must be a positive duration such as 30s or 5m, not %s", o.Watch)
	case o.Watch > 0 && o.Watch < 100*time.Millisecond:
		return usagef("--watch %s is too short; use at least 100ms", o.Watch)
	case o.WatchCount < 0:
		return usagef("--watch-count must be 0 (until interrupted) or more, not %d", o.WatchCount)
	case o.WatchCount > 0 && o.Watch == 0:
		return usagef("--watch-count needs --watch DURATION")
	case o.Demo && len(positional) > 0:
		return usagef("-demo lists its own demo bucket; it takes no S3 path (got %s)", positional[0])
	case o.Demo && (o.Profile != "" || o.EndpointURL != "" || o.Region != ""):
		return usagef("-demo makes its own profile, region and endpoints; --profile, --region and --endpoint-url cannot be combined with it")
	}
	if o.EndpointURL != "" {
		if _, err := parseCustomEndpoint(o.EndpointURL); err != nil {
			return usagef("--endpoint-url: %v", err)
		}
	}
	if o.Region != "" && !validRegion(o.Region) {
		return usagef("--region %q is not a region name such as us-east-1 or eu-west-2", redact.Clip(o.Region, 40))
	}
	if len(positional) == 1 {
		o.Target = positional[0]
		bucket, prefix, err := parseS3URI(o.Target)
		if err != nil {
			return err
		}
		o.Bucket, o.Prefix = bucket, prefix
	}
	if o.Recursive && o.Bucket == "" && !o.Demo {
		// aws s3 ls --recursive with no bucket lists buckets; so do we.
		o.Recursive = false
	}
	return nil
}

// parseS3URI splits "s3://bucket/prefix" (or "bucket/prefix", as aws s3 ls also accepts) into
// bucket and key prefix. "s3://" and "" mean no bucket.
func parseS3URI(s string) (bucket, prefix string, err error) {
	path := strings.TrimPrefix(s, "s3://")
	if strings.Contains(s, "://") && !strings.HasPrefix(s, "s3://") {
		return "", "", usagef("%q is not an S3 path: use s3://BUCKET[/PREFIX]", redact.Clip(s, 80))
	}
	bucket, prefix, _ = strings.Cut(path, "/")
	if bucket == "" {
		if prefix != "" {
			return "", "", usagef("%q has no bucket name: use s3://BUCKET[/PREFIX]", redact.Clip(s, 80))
		}
		return "", "", nil
	}
	if strings.HasPrefix(bucket, "arn:") {
		return "", "", usagef("%q: access point and Outposts ARNs are not supported by s3ls; use a bucket name", redact.Clip(s, 80))
	}
	if !validBucketName(bucket) {
		return "", "", usagef("%q is not a valid bucket name: bucket names have 1 to 255 letters, digits, '.', '-' or '_'", redact.Clip(bucket, 80))
	}
	if len(prefix) > 1024 {
		return "", "", usagef("the prefix is %d bytes long; S3 keys are at most 1024 bytes", len(prefix))
	}
	return bucket, prefix, nil
}
