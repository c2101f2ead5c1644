package stsxml

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/irsa-go/irsa/internal/benchenv"
)

// cannedResponse is the same response object each side of the benchmark is handed.
func cannedResponse(doc []byte) *http.Response {
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(doc))}
}

// sdkDeserializer extracts aws-sdk-go-v2's own AssumeRoleWithWebIdentity response deserializer
// from an *sts.Client's middleware stack, so that the benchmark times that alone.
func sdkDeserializer(b *testing.B) middleware.DeserializeMiddleware {
	var deser middleware.DeserializeMiddleware
	client := sts.New(sts.Options{Region: "us-east-1", HTTPClient: &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
		return cannedResponse([]byte(webIdentityDoc)), nil
	})}})
	_, err := client.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String("arn:aws:iam::111122223333:role/r"), RoleSessionName: aws.String("s"), WebIdentityToken: aws.String("t"),
	}, func(o *sts.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			m, ok := s.Deserialize.Get("OperationDeserializer")
			if ok {
				deser = m
			}
			return nil
		})
	})
	if err != nil || deser == nil {
		b.Fatalf("could not get the SDK's deserializer: %v", err)
	}
	return deser
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// BenchmarkDecodeAssumeRoleWithWebIdentity decodes moto's AssumeRoleWithWebIdentity response:
// irsa with this package, sdk with aws-sdk-go-v2's deserializer for the same operation. It is a
// figure, not a goal: a refresh decodes one document an hour, next to a network call. For
// figures, run the two sides in alternating rounds (see the README):
//
//	go run ./internal/benchratio ./stsxml/ BenchmarkDecodeAssumeRoleWithWebIdentity
func BenchmarkDecodeAssumeRoleWithWebIdentity(b *testing.B) {
	benchenv.Neutral(b)
	doc, err := os.ReadFile("testdata/moto-assumerolewithwebidentity.xml")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("irsa", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			resp := cannedResponse(doc)
			out, err := DecodeAssumeRoleWithWebIdentity(resp.StatusCode, resp.Body)
			if err != nil || out.Credentials.SessionToken == nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sdk", func(b *testing.B) {
		deser := sdkDeserializer(b)
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			next := middleware.DeserializeHandlerFunc(func(context.Context, middleware.DeserializeInput) (middleware.DeserializeOutput, middleware.Metadata, error) {
				return middleware.DeserializeOutput{RawResponse: &smithyhttp.Response{Response: cannedResponse(doc)}}, middleware.Metadata{}, nil
			})
			out, _, err := deser.HandleDeserialize(ctx, middleware.DeserializeInput{}, next)
			if err != nil || out.Result.(*sts.AssumeRoleWithWebIdentityOutput).Credentials.SessionToken == nil {
				b.Fatal(err)
			}
		}
	})
}
