// Package stsxml reads the XML documents of AWS STS's Query protocol for
// AssumeRoleWithWebIdentity, AssumeRole and GetCallerIdentity, and STS error documents, with
// encoding/xml. It is pure: bytes in, aws-sdk-go-v2 values out, no network.
//
//	out, err := stsxml.DecodeAssumeRoleWithWebIdentity(resp.StatusCode, resp.Body)
//	// 2xx: out is an *sts.AssumeRoleWithWebIdentityOutput with complete Credentials.
//	// otherwise err is a *stsxml.Error (STS said no), a *stsxml.FormatError (the body is not
//	// an STS document), or a wrapped read error.
//
// Decoders accept what real servers send: elements in any order, comments anywhere, unknown
// elements (skipped), any namespace or none, element names in any letter case (as aws-sdk-go-v2
// does), Expiration with or without fractional seconds and with "Z" or an offset (returned in
// UTC), optional elements missing. Values are trimmed of surrounding whitespace, and
// AccessKeyId, SecretAccessKey and SessionToken lose all whitespace (AWS's documented AssumeRole
// example line-wraps the session token). An empty element counts as absent; if one repeats,
// the last wins. A success document's request ID goes in the output's ResultMetadata, where
// awsmiddleware.GetRequestIDMetadata finds it.
//
// Error documents may be STS's ErrorResponse, in STS's namespace, AWS's front-end fault
// namespace (http://webservices.amazon.com/AWSFault/2005-15-09) or none, with the Error inside
// an Errors element (as moto writes IAM authentication errors) or not, or a bare <Error> root
// with the request ID inside it (as S3-compatible servers send). A 2xx response whose body is an
// error document is a *Error too.
//
// A *FormatError is returned for a body that is empty, not XML (a proxy's HTML page, plain text,
// JSON), truncated, malformed (encoding/xml, strict), MaxBodySize bytes or longer, rooted in the
// wrong element, missing a required element (AccessKeyId, SecretAccessKey, SessionToken,
// Expiration; Arn for GetCallerIdentity; Code in an error document), with an Expiration that is
// not an RFC 3339 date-time or is the zero time (which credential caches read as "never
// expires"), or a PackedPolicySize that is not a 32-bit integer; also for a DOCTYPE with an
// internal subset (entity definitions), an element inside a value, and nesting deeper than 32
// levels. Only XML's five predefined entities are known, and nothing is ever fetched.
//
// No error from this package ever contains a secret access key or a session token from the
// body, in its text or in any field, with %v, %+v or %#v: see FormatError.Excerpt and
// Error.Message.
package stsxml
