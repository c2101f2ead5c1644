package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/peers"
)

// The end-to-end tests run the built s3ls binary against moto's STS and S3 and compare its
// output, byte for byte, with what the AWS CLI's `aws s3 ls` prints for the same listing.
// Dates are printed in local time, so both run with TZ set to a zone with a half-hour offset.
const e2eTZ = "Asia/Kolkata"

// buildS3ls builds the command into a temporary directory.
func buildS3ls(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "s3ls")
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// awsCLI finds the AWS CLI, or skips (fails, in CI) the test.
func awsCLI(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("aws")
	if err != nil {
		peers.Missing(t, "the AWS CLI (aws) is not on PATH")
	}
	return p
}

type result struct {
	code           int
	stdout, stderr string
}

// runCmd runs a program with exactly env (nothing inherited but PATH), bounded in time.
func runCmd(t *testing.T, env []string, name string, args ...string) result {
	t.Helper()
	r := peers.Run(t, append([]string{"PATH=" + os.Getenv("PATH"), "TZ=" + e2eTZ}, env...), name, args...)
	return result{r.Code, r.Stdout, r.Stderr}
}

// motoS3 writes to moto's S3 with static credentials, signed with aws-sdk-go-v2's signer.
type motoS3 struct {
	url    string
	client *http.Client
}

func (m *motoS3) put(ctx context.Context, path string, body []byte) error {
	u := m.url + path
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	creds := aws.Credentials{AccessKeyID: "testing", SecretAccessKey: "testing"}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hash, "s3", "us-east-1", time.Now(),
		func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }); err != nil {
		return err
	}
	resp, err := m.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("PUT %s: %s", u, resp.Status)
	}
	return nil
}

// putObjects uploads objects with a few requests in flight.
func (m *motoS3) putObjects(t *testing.T, bucket string, objects map[string]int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := m.put(ctx, "/"+bucket, nil); err != nil {
		t.Fatal(err)
	}
	keys := make(chan string)
	errs := make(chan error, len(objects))
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range keys {
				path := "/" + bucket + "/" + (&url.URL{Path: k}).EscapedPath()
				errs <- m.put(ctx, path, bytes.Repeat([]byte("x"), objects[k]))
			}
		}()
	}
	for k := range objects {
		keys <- k
	}
	close(keys)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestEndToEndAgainstMotoMatchesTheAWSCLI(t *testing.T) {
	moto := peers.StartMoto(t)
	awsBin := awsCLI(t)
	bin := buildS3ls(t)
	home := t.TempDir()

	// A bucket the web identity role's account (moto's default, 123456789012) owns.
	s3 := &motoS3{url: moto.URL, client: &http.Client{Timeout: 30 * time.Second}}
	t.Cleanup(s3.client.CloseIdleConnections)
	objects := map[string]int{
		"README.md":                      1,
		"dir/":                           0,
		"dir/a.txt":                      1023,
		"dir/b.bin":                      1536,
		"dir/sub/c.txt":                  2,
		"dirt.txt":                       3,
		"mixed case/Key With Spaces.TXT": 10,
		"plus+and%percent&amp":           4,
		"ünïcödé/ファイル.txt":               1048576 + 1,
		"deep/1/2/3/4/leaf":              0,
	}
	for i := 0; i < 1100; i++ {
		objects[fmt.Sprintf("many/%04d.log", i)] = i % 50
	}
	s3.putObjects(t, "e2e-listing", objects)
	// Keys that would drive a terminal: piped, s3ls prints them byte for byte as aws s3 ls does
	// (escaping them is for a terminal only; see terminalName). A key holding a newline is left to
	// the in-process tests: moto answers 404 to its PUT.
	s3.putObjects(t, "e2e-hostile", map[string]int{
		"\x1b[31mred\x1b[0m.txt":                                1,
		"\x1b]0;title\x07title.txt":                             2,
		"\x1b]8;;mailto:x@evil.example\x1b\\link\x1b]8;;\x1b\\": 3,
		"invoice\u202Efdp.exe":                                  4,
		"harmless.txt\rEVIL":                                    5,
		"c1\u009b31m.txt":                                       7,
		"del\x7f.txt":                                           8,
		"tab\there.txt":                                         9,
		"dir\x1b[1m/inner.txt":                                  10,
		"é-漢字.txt":                                              11,
	})

	// The web identity token, as the kubelet writes it.
	iss := fakeoidc.Start(t, fakeoidc.Options{})
	token, err := iss.Mint(fakeoidc.TokenOptions{Namespace: "e2e", ServiceAccount: "lister"})
	if err != nil {
		t.Fatal(err)
	}

	// Only what the EKS pod identity webhook injects, plus the endpoints of moto.
	irsaEnv := []string{
		"AWS_ROLE_ARN=arn:aws:iam::123456789012:role/s3ls-e2e",
		"AWS_WEB_IDENTITY_TOKEN_FILE=" + iss.TokenFile(),
		"AWS_REGION=us-east-1",
		"AWS_STS_REGIONAL_ENDPOINTS=regional",
		"AWS_ENDPOINT_URL_STS=" + moto.URL,
		"AWS_ENDPOINT_URL_S3=" + moto.URL,
		"HOME=" + home,
		"AWS_EC2_METADATA_DISABLED=true",
	}
	cliEnv := []string{
		"AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_DEFAULT_REGION=us-east-1",
		"HOME=" + home, "AWS_EC2_METADATA_DISABLED=true",
	}

	cases := []struct {
		name string
		args []string
	}{
		{"buckets", nil},
		{"the bucket's top level", []string{"s3://e2e-listing"}},
		{"a prefix with a slash", []string{"s3://e2e-listing/dir/"}},
		{"a prefix without a slash", []string{"s3://e2e-listing/dir"}},
		{"1100 keys over two pages", []string{"s3://e2e-listing/many/"}},
		{"1100 keys in pages of 100, summarized", []string{"s3://e2e-listing/many/", "--page-size", "100", "--summarize"}},
		{"everything, recursive, human-readable, summarized", []string{"s3://e2e-listing", "--recursive", "--human-readable", "--summarize"}},
		{"a prefix that matches nothing", []string{"s3://e2e-listing/none-such"}},
		{"keys with spaces and non-ASCII, recursive", []string{"s3://e2e-listing/ünïcödé/", "--recursive"}},
		{"keys holding terminal escapes, piped", []string{"s3://e2e-hostile", "--summarize"}},
		{"keys holding terminal escapes, piped, recursive", []string{"s3://e2e-hostile", "--recursive"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := runCmd(t, cliEnv, awsBin, append([]string{"s3", "ls", "--endpoint-url", moto.URL}, tc.args...)...)
			got := runCmd(t, irsaEnv, bin, tc.args...)
			if got.code != want.code {
				t.Errorf("s3ls exit %d, aws s3 ls exit %d\ns3ls stderr:\n%s\naws stderr:\n%s", got.code, want.code, got.stderr, want.stderr)
			}
			if got.stdout != want.stdout {
				t.Errorf("s3ls and aws s3 ls differ\n%s", lineDiff(got.stdout, want.stdout))
			}
			if got.stderr != "" {
				t.Errorf("s3ls stderr:\n%s", got.stderr)
			}
			if strings.HasPrefix(tc.name, "keys holding terminal escapes") && !strings.Contains(got.stdout, "\x1b[31mred\x1b[0m.txt\n") {
				t.Errorf("the hostile keys are not in the listing, raw:\n%q", got.stdout)
			}
			if tc.name == "1100 keys over two pages" && strings.Count(got.stdout, "\n") != 1100 {
				t.Errorf("%d lines, want 1100", strings.Count(got.stdout, "\n"))
			}
		})
	}

	t.Run("debug shows web identity credentials and no token", func(t *testing.T) {
		got := runCmd(t, irsaEnv, bin, "--debug", "--explain", "s3://e2e-listing/dir/")
		if got.code != 0 {
			t.Fatalf("exit %d\n%s", got.code, got.stderr)
		}
		for _, want := range []string{"from web-identity", "arn:aws:sts::123456789012:assumed-role/s3ls-e2e/", "AWS_WEB_IDENTITY_TOKEN_FILE",
			"GET " + moto.URL + "/e2e-listing?delimiter=%2F&encoding-type=url&list-type=2&prefix=dir%2F -> 200"} {
			if !strings.Contains(got.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, got.stderr)
			}
		}
		if strings.Contains(got.stderr, token) || strings.Contains(got.stdout, token) {
			t.Errorf("the web identity token was printed")
		}
	})

	t.Run("a missing bucket fails with S3's code, as aws s3 ls does", func(t *testing.T) {
		want := runCmd(t, cliEnv, awsBin, "s3", "ls", "--endpoint-url", moto.URL, "s3://no-such-bucket-e2e")
		got := runCmd(t, irsaEnv, bin, "s3://no-such-bucket-e2e")
		// Both fail and name S3's code; s3ls exits 1 where aws s3 ls exits 255.
		if got.code != exitError || want.code != 255 || !strings.Contains(got.stderr, "NoSuchBucket (HTTP 404)") ||
			!strings.Contains(want.stderr, "NoSuchBucket") || got.stdout != "" {
			t.Fatalf("s3ls exit %d, aws s3 ls exit %d (want %d and 255)\ns3ls stderr:\n%s\naws stderr:\n%s", got.code, want.code, exitError, got.stderr, want.stderr)
		}
	})

	t.Run("a cross-account role profile", func(t *testing.T) {
		config := filepath.Join(home, "config")
		err := os.WriteFile(config, []byte(fmt.Sprintf(`[profile pod]
role_arn = arn:aws:iam::123456789012:role/s3ls-e2e
web_identity_token_file = %s

[profile cross]
role_arn = arn:aws:iam::210987654321:role/cross-reader
source_profile = pod
role_session_name = s3ls-e2e-cross
`, iss.TokenFile())), 0o600)
		if err != nil {
			t.Fatal(err)
		}
		// Neither tool gets keys: both resolve web identity, then AssumeRole into account
		// 210987654321, whose buckets moto keeps apart from the first account's.
		profileEnv := []string{
			"AWS_CONFIG_FILE=" + config, "AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1", "AWS_STS_REGIONAL_ENDPOINTS=regional",
			"AWS_ENDPOINT_URL_STS=" + moto.URL, "AWS_ENDPOINT_URL_S3=" + moto.URL, "HOME=" + home, "AWS_EC2_METADATA_DISABLED=true",
		}
		for _, args := range [][]string{{"s3", "mb", "s3://cross-account-bucket"}, {"s3", "cp", config, "s3://cross-account-bucket/configs/pod.ini"}} {
			if r := runCmd(t, profileEnv, awsBin, append([]string{"--profile", "cross"}, args...)...); r.code != 0 {
				t.Fatalf("aws %v: exit %d\n%s", args, r.code, r.stderr)
			}
		}
		for _, args := range [][]string{nil, {"s3://cross-account-bucket", "--recursive", "--summarize"}} {
			want := runCmd(t, profileEnv, awsBin, append([]string{"--profile", "cross", "s3", "ls"}, args...)...)
			got := runCmd(t, profileEnv, bin, append([]string{"--profile", "cross"}, args...)...)
			if got.code != 0 || want.code != 0 || got.stdout != want.stdout {
				t.Errorf("s3ls %v: exit %d (aws %d)\n%s\ns3ls stderr:\n%s", args, got.code, want.code, lineDiff(got.stdout, want.stdout), got.stderr)
			}
		}
		got := runCmd(t, append(profileEnv, "AWS_PROFILE=cross"), bin, "--explain")
		if got.code != 0 || !strings.Contains(got.stdout, " cross-account-bucket\n") || strings.Contains(got.stdout, "e2e-listing") {
			t.Errorf("the cross-account listing shows the wrong account's buckets:\n%s\n%s", got.stdout, got.stderr)
		}
		for _, want := range []string{"AssumeRoleWithWebIdentity arn:aws:iam::123456789012:role/s3ls-e2e", "AssumeRole arn:aws:iam::210987654321:role/cross-reader"} {
			if !strings.Contains(got.stderr, want) {
				t.Errorf("--explain lacks %q:\n%s", want, got.stderr)
			}
		}
	})
}

// lineDiff shows the first lines where got and want differ.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var b strings.Builder
	fmt.Fprintf(&b, "s3ls printed %d lines, aws %d\n", len(g)-1, len(w)-1)
	shown := 0
	for i := 0; i < max(len(g), len(w)) && shown < 8; i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			fmt.Fprintf(&b, "line %d:\n  s3ls: %q\n  aws:  %q\n", i+1, gl, wl)
			shown++
		}
	}
	return b.String()
}
