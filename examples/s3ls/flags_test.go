package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestUsageErrorsExitWith2(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"an unknown flag", []string{"--recursve"}, "flag provided but not defined: -recursve"},
		{"a flag without its value", []string{"--profile"}, "flag needs an argument: -profile"},
		{"two S3 paths", []string{"s3://a", "s3://b"}, "expected at most one S3 path, got 2: s3://a s3://b"},
		{"a URL that is not s3://", []string{"https://bucket.s3.amazonaws.com/"}, `"https://bucket.s3.amazonaws.com/" is not an S3 path: use s3://BUCKET[/PREFIX]`},
		{"a path without a bucket", []string{"s3:///prefix"}, `"s3:///prefix" has no bucket name`},
		{"a bucket name with a space", []string{"s3://my bucket/"}, `"my bucket" is not a valid bucket name`},
		{"an access point ARN", []string{"s3://arn:aws:s3:us-east-1:123456789012:accesspoint/ap"}, "access point and Outposts ARNs are not supported"},
		{"a prefix longer than any key", []string{"s3://b/" + strings.Repeat("k", 1025)}, "the prefix is 1025 bytes long; S3 keys are at most 1024 bytes"},
		{"a page size of 0", []string{"--page-size", "0", "s3://b"}, "--page-size must be between 1 and 1000, not 0"},
		{"a page size over 1000", []string{"--page-size", "1001", "s3://b"}, "--page-size must be between 1 and 1000, not 1001"},
		{"a page size that is not a number", []string{"--page-size", "many"}, `invalid value "many" for flag -page-size`},
		{"a watch interval that is not a duration", []string{"--watch", "5"}, `invalid value "5" for flag -watch`},
		{"a negative watch interval", []string{"--watch", "-5s"}, "--watch must be a positive duration"},
		{"a zero watch interval", []string{"--watch", "0s"}, "--watch must be a positive duration such as 30s or 5m, not 0s"},
		{"a watch interval that would hammer S3", []string{"--watch", "1ms"}, "--watch 1ms is too short; use at least 100ms"},
		{"a watch count without --watch", []string{"--watch-count", "3"}, "--watch-count needs --watch DURATION"},
		{"a negative watch count", []string{"--watch", "1s", "--watch-count", "-1"}, "--watch-count must be 0 (until interrupted) or more"},
		{"an endpoint URL without a scheme", []string{"--endpoint-url", "s3.example.com"}, `--endpoint-url: "s3.example.com" is not an endpoint URL`},
		{"plain http to a remote endpoint", []string{"--endpoint-url", "http://minio.lan:9000"}, "uses plain http to a host that is not loopback"},
		{"a region that is not a DNS label", []string{"--region", "us-east-1.evil.example"}, `--region "us-east-1.evil.example" is not a region name`},
		{"-demo with a path", []string{"-demo", "s3://b"}, "-demo lists its own demo bucket; it takes no S3 path"},
		{"-demo with --profile", []string{"-demo", "--profile", "prod"}, "-demo makes its own profile, region and endpoints"},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is a usage error", func(t *testing.T) {
			var out, errOut bytes.Buffer
			a := &app{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" },
				resolve: func(context.Context, sessionOptions) (*session, error) {
					t.Fatal("a usage error must not resolve credentials")
					return nil, nil
				}}
			code := a.run(context.Background(), tc.args)
			if code != exitUsage {
				t.Fatalf("exit %d, want 2; stderr %q", code, errOut.String())
			}
			if out.Len() != 0 {
				t.Errorf("stdout %q, want nothing", out.String())
			}
			if !strings.Contains(errOut.String(), tc.want) || !strings.HasSuffix(errOut.String(), "Run 's3ls -h' for usage.\n") {
				t.Errorf("stderr %q, want it to contain %q and point to -h", errOut.String(), tc.want)
			}
		})
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, arg := range []string{"-h", "--help", "-help"} {
		var out, errOut bytes.Buffer
		a := &app{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
		if code := a.run(context.Background(), []string{arg}); code != 0 {
			t.Fatalf("%s: exit %d", arg, code)
		}
		if out.String() != usageText || errOut.Len() != 0 {
			t.Errorf("%s: stdout %d bytes, stderr %q", arg, out.Len(), errOut.String())
		}
	}
	for _, flag := range []string{"--profile", "--region", "--endpoint-url", "--path-style", "--recursive", "--human-readable",
		"--summarize", "--page-size", "--explain", "--debug", "--watch DURATION", "--watch-count", "-demo", "--version", "Exit status"} {
		if !strings.Contains(usageText, flag) {
			t.Errorf("the help does not mention %s", flag)
		}
	}
	for i, line := range strings.Split(usageText, "\n") {
		if len([]rune(line)) > 100 {
			t.Errorf("help line %d is %d columns wide: %q", i+1, len([]rune(line)), line)
		}
	}

	var out bytes.Buffer
	a := &app{stdout: &out, stderr: &out, getenv: func(string) string { return "" }}
	if code := a.run(context.Background(), []string{"--version"}); code != 0 || !strings.HasPrefix(out.String(), "s3ls ") || !strings.Contains(out.String(), "go1.") {
		t.Fatalf("--version: exit %d, %q", code, out.String())
	}
}

func TestArgumentParsing(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want options
	}{
		{"no arguments lists buckets", nil, options{}},
		{"s3:// alone lists buckets", []string{"s3://"}, options{Target: "s3://"}},
		{"flags before and after the path", []string{"--recursive", "s3://b/p/", "--summarize", "--page-size=10"},
			options{Recursive: true, Summarize: true, PageSize: 10, Target: "s3://b/p/", Bucket: "b", Prefix: "p/", pageSizeSet: true}},
		{"-- ends the flags, so a prefix may start with a dash", []string{"--human-readable", "--", "s3://b/--weird"},
			options{HumanReadable: true, Target: "s3://b/--weird", Bucket: "b", Prefix: "--weird"}},
		{"a legacy bucket name with capitals and underscores", []string{"s3://Legacy_Bucket/x"}, options{Target: "s3://Legacy_Bucket/x", Bucket: "Legacy_Bucket", Prefix: "x"}},
		{"--recursive without a bucket lists buckets, as aws s3 ls", []string{"--recursive"}, options{}},
		{"every listing and location flag", []string{"--profile", "p", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:9", "--path-style", "--explain", "--debug", "--watch", "2s", "--watch-count", "3"},
			options{Profile: "p", Region: "eu-west-1", EndpointURL: "http://127.0.0.1:9", PathStyle: true, Explain: true, Debug: true, Watch: 2 * time.Second, WatchCount: 3, watchSet: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseArgs(tc.args)
			if err != nil {
				t.Fatal(err)
			}
			if *got != tc.want {
				t.Errorf("got  %+v\nwant %+v", *got, tc.want)
			}
		})
	}
}
