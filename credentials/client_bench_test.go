package credentials

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/irsa-go/irsa/internal/benchenv"
)

// cannedTransport answers every request with the same STS document, in memory: it reads the
// request body as a real transport would send it, and dials nothing.
type cannedTransport struct{ body string }

func (c cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{
		Status: "200 OK", StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"text/xml"}, "X-Amzn-Requestid": {wireRequestID}},
		Body:          io.NopCloser(strings.NewReader(c.body)),
		ContentLength: int64(len(c.body)), Request: r,
	}, nil
}

// BenchmarkAssumeRoleWithWebIdentity compares one AssumeRoleWithWebIdentity call through the
// light Client ("irsa") and through aws-sdk-go-v2's *sts.Client with its default retryer ("sdk"),
// both over the same in-memory transport answering a canned document for us-west-2's regional
// endpoint. For figures, run the two sides in alternating rounds (see the README):
//
//	go run ./internal/benchratio ./credentials/ BenchmarkAssumeRoleWithWebIdentity
func BenchmarkAssumeRoleWithWebIdentity(b *testing.B) {
	benchenv.Neutral(b)
	rt := cannedTransport{body: wireSuccess("AssumeRoleWithWebIdentity").body}
	in := webInput()
	ctx := context.Background()
	b.Run("irsa", func(b *testing.B) {
		c, err := NewClient(ClientOptions{
			Endpoint:   Endpoint{URL: "https://sts.us-west-2.amazonaws.com", SigningRegion: "us-west-2"},
			HTTPClient: &http.Client{Transport: rt},
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			out, err := c.AssumeRoleWithWebIdentity(ctx, in)
			if err != nil || out.Credentials == nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sdk", func(b *testing.B) {
		c := sts.New(sts.Options{Region: "us-west-2", HTTPClient: &http.Client{Transport: rt}, Credentials: aws.AnonymousCredentials{}})
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			out, err := c.AssumeRoleWithWebIdentity(ctx, in)
			if err != nil || out.Credentials == nil {
				b.Fatal(err)
			}
		}
	})
}
