// Package stsxml reads the XML documents of AWS STS's Query protocol for
// AssumeRoleWithWebIdentity, AssumeRole and GetCallerIdentity, and STS error documents. It is
// pure: bytes in, aws-sdk-go-v2 values out, no network. It reads with encoding/xml: a document
// is decoded about once an hour, next to a network call of tens of milliseconds.
//
// A client that has sent a request hands the response status and body to a decoder:
//
//	out, err := stsxml.DecodeAssumeRoleWithWebIdentity(resp.StatusCode, resp.Body)
//	// 2xx: out is an *sts.AssumeRoleWithWebIdentityOutput with complete Credentials.
//	// otherwise err is a *stsxml.Error (STS said no), a *stsxml.FormatError (the body is not
//	// an STS document), or a wrapped read error.
//
// # What is accepted
//
// Decoders accept what real servers send: elements in any order, whitespace and comments
// anywhere, unknown elements (skipped at any depth), any namespace or none, element names in
// any letter case (as aws-sdk-go-v2 does), Expiration with or without fractional seconds and
// with "Z" or an offset (returned in UTC), and any optional element missing. Values are trimmed
// of surrounding whitespace; AccessKeyId, SecretAccessKey and SessionToken lose all whitespace,
// since AWS's documented AssumeRole example line-wraps the session token. An element present
// but empty counts as absent. If an element repeats, the last one wins. The request ID of a
// success document is stored in the output's ResultMetadata, where
// awsmiddleware.GetRequestIDMetadata finds it, as the SDK does.
//
// Error documents may be STS's ErrorResponse (request ID a child of the root), the same root in
// AWS's front-end fault namespace (http://webservices.amazon.com/AWSFault/2005-15-09), an
// ErrorResponse whose Error sits in an Errors element (as moto writes IAM authentication
// errors), or a bare <Error> root with the request ID inside it, as S3 and S3-compatible servers
// send. A 2xx response whose body is an error document is returned as a *Error too.
//
// # What is refused
//
// A *FormatError is returned for a body that is empty, not XML (a proxy's HTML page, plain text,
// JSON), truncated, malformed (encoding/xml in strict mode), MaxBodySize bytes or longer (read
// no further than that), rooted in the wrong element, missing AccessKeyId, SecretAccessKey,
// SessionToken or Expiration (or Arn for GetCallerIdentity), or carrying an Expiration that is
// not an RFC 3339 date-time or is the zero time (which credential caches read as "never
// expires"), or a PackedPolicySize that is not a 32-bit integer. An error document without a
// Code is refused the same way, as are a DOCTYPE with an internal subset (entity definitions),
// an element inside a value, and nesting deeper than 32 levels. Entities other than XML's five
// are errors; nothing is ever fetched.
//
// # Secrets
//
// No error from this package ever contains a secret access key or a session token from the
// body, in its text or in any field (so %v, %+v and %#v are safe too). A FormatError's Excerpt
// shows markup without attributes, stops before the first element whose name suggests a secret
// (SecretAccessKey, SessionToken, anything with "secret", "token", "key", "password",
// "credential" or "signature" in it), and hides every run of characters shaped like a key or
// token; its Reason is built from fixed text, element names and, for Expiration and
// PackedPolicySize, short values made only of date and number characters. Servers echo request
// values in validation messages, so an *Error's Message has anything shaped like a JWT or a
// long base64 token replaced with "[redacted]".
//
// # Errors
//
// *Error implements smithy.APIError and matches the aws-sdk-go-v2 exception types with
// errors.As (for example *types.InvalidIdentityTokenException), or *smithy.GenericAPIError for
// a code the SDK has no type for, so code written against the SDK keeps working. Its
// NonRecoverable and Retryable methods classify the STS codes for a credentials cache and a
// retrying client.
package stsxml
