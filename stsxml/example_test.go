package stsxml_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/stsxml"
)

func ExampleDecodeAssumeRoleWithWebIdentity() {
	// What an HTTP client would hand over: resp.StatusCode and resp.Body.
	body := strings.NewReader(`<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
      <SecretAccessKey>example-secret</SecretAccessKey>
      <SessionToken>example-token</SessionToken>
      <Expiration>2030-01-02T03:04:05.250+01:00</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::111122223333:assumed-role/app/session</Arn>
      <AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>4c1a2b3d-0000-4000-8000-000000000001</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`)

	out, err := stsxml.DecodeAssumeRoleWithWebIdentity(http.StatusOK, body)
	if err != nil {
		fmt.Println(err)
		return
	}
	requestID, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	fmt.Println(*out.Credentials.AccessKeyId)
	fmt.Println(out.Credentials.Expiration)
	fmt.Println(*out.AssumedRoleUser.Arn)
	fmt.Println(requestID)
	// Output:
	// ASIAEXAMPLE
	// 2030-01-02 02:04:05.25 +0000 UTC
	// arn:aws:sts::111122223333:assumed-role/app/session
	// 4c1a2b3d-0000-4000-8000-000000000001
}

func ExampleDecodeError() {
	body := strings.NewReader(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>InvalidIdentityToken</Code>
    <Message>Incorrect token audience</Message>
  </Error>
  <RequestId>4c1a2b3d-0000-4000-8000-000000000002</RequestId>
</ErrorResponse>`)

	err := stsxml.DecodeError(http.StatusBadRequest, body)
	fmt.Println(err)

	// Code written against aws-sdk-go-v2's errors keeps working.
	var invalid *types.InvalidIdentityTokenException
	fmt.Println(errors.As(err, &invalid), *invalid.Message)

	// Retrying will not help; a credentials cache sees that too.
	var stsErr *stsxml.Error
	errors.As(err, &stsErr)
	fmt.Println(stsErr.Retryable(), credentials.IsNonRecoverable(err))
	// Output:
	// STS HTTP 400 InvalidIdentityToken: Incorrect token audience (request ID 4c1a2b3d-0000-4000-8000-000000000002)
	// true Incorrect token audience
	// false true
}

func ExampleFormatError() {
	// A proxy answered instead of STS.
	_, err := stsxml.DecodeAssumeRoleWithWebIdentity(http.StatusBadGateway,
		strings.NewReader("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"))
	fmt.Println(err)

	var formatErr *stsxml.FormatError
	fmt.Println(errors.As(err, &formatErr), formatErr.Retryable())
	// Output:
	// STS HTTP 502 response is not a valid ErrorResponse: the body is an HTML page, not XML; body begins "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
	// true true
}
