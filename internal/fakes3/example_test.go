package fakes3_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/irsa-go/irsa/internal/fakes3"
)

// A client signs requests with SigV4; the fake re-signs them with the secret it was told about
// and answers like S3.
func Example() {
	key := fakes3.Credential{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "example-secret", Identity: "arn:aws:iam::111122223333:user/example"}
	srv, err := fakes3.New(fakes3.Options{Credentials: fakes3.StaticCredentials(key)})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	_ = srv.AddBucket(fakes3.Bucket{Name: "demo"})
	_ = srv.PutObjects("demo", fakes3.Object{Key: "a/b.txt", Size: 3}, fakes3.Object{Key: "c.txt", Size: 1})

	for _, secret := range []string{"example-secret", "wrong-secret"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/demo?list-type=2&delimiter=%2F", nil)
		const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
		req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
		creds := aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: secret}
		_ = v4.NewSigner().SignHTTP(context.Background(), creds, req, emptySHA256, "s3", "us-east-1", time.Now())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, strings.Contains(string(body), "<Prefix>a/</Prefix>"), strings.Contains(string(body), "SignatureDoesNotMatch"))
	}
	// Output:
	// 200 true false
	// 403 false true
}
