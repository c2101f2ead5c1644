// Command s3ls lists S3 buckets and objects exactly as `aws s3 ls` prints them, with credentials
// from the irsa library: it is the library's end-to-end example and the proof that it works
// against a real S3.
//
//	s3ls                                   # your buckets
//	s3ls s3://bucket/prefix/ --recursive --human-readable --summarize
//	s3ls --profile cross --explain s3://bucket
//	go run ./examples/s3ls -demo           # the whole flow offline, on 127.0.0.1
//
// The flow is the library's:
//
//	chain.Resolve(ctx, chain.Options{...})    env + ~/.aws files, as the AWS CLI resolves them
//	  → credentials.Cache                     refreshed ahead of expiry, in the background
//	  → aws/signer/v4 SignHTTP                every request, with the session token
//	  → net/http GET ListBuckets / ListObjectsV2 (continuation tokens, streamed page by page)
//
// Output matches the AWS CLI v1 (1.45) byte for byte — dates in local time, sizes right-aligned
// in 10 columns, "PRE prefix/" lines, --human-readable units, --summarize totals, exit status 1
// when a prefix matches nothing — which the end-to-end test checks by running both against moto.
// On a terminal, names that hold control characters, bidi controls or bytes that are not UTF-8
// are shown escaped, as one $'…' word (see terminalName); piped or redirected, they are not.
// A failure exits 1 with the reason on stderr (aws s3 ls exits 255), a usage error 2.
//
// The S3 endpoint is --endpoint-url, else what the AWS CLI reads from the environment and the
// profile (chain.Result.ServiceEndpointURL: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, endpoint_url
// in the s3 block of the profile's [services] section, the profile's endpoint_url; none of them
// when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or ignore_configured_endpoint_urls is true), else the
// region's endpoint in its
// partition as botocore 1.43 builds it (s3.amazonaws.com for us-east-1 unless
// AWS_S3_US_EAST_1_REGIONAL_ENDPOINT=regional; AWS_USE_FIPS_ENDPOINT and
// AWS_USE_DUALSTACK_ENDPOINT are honoured). Buckets are addressed virtual-hosted style where
// the name allows it, path style for custom endpoints, names with dots (over https), upper
// case or underscores, and with --path-style. On default endpoints, a bucket that S3 says is in
// another region (PermanentRedirect, AuthorizationHeaderMalformed) is listed from that region,
// as the AWS CLI does; with a custom endpoint the error says which --region to use instead.
// Plain http is refused except to loopback hosts,
// since every request carries the session token. Without a configured region S3 uses us-east-1,
// as the AWS CLI does.
//
// S3's XML errors become one line with S3's code, message and request ID, plus a line saying
// what to do; AccessDenied names the identity that signed (access key ID, role ARN, source),
// never a secret. When S3 refuses temporary credentials as expired or unknown, s3ls invalidates
// them in the Cache and retries once with fresh ones; throttling, 5xx and network errors are
// retried up to 3 attempts. Anything a server echoes back is scrubbed of the secret key and
// session token before it can be printed. Exit status: 0 success, 1 error, 2 usage error.
//
// --watch DURATION lists every DURATION and logs each credential refresh from the Cache's
// OnRefresh hook, which shows refresh-ahead at work in a long-running process; it stops on
// SIGINT or SIGTERM, or after --watch-count listings.
//
// -demo starts internal/fakeoidc, internal/fakests and internal/fakes3 on 127.0.0.1, mints a
// projected service-account token, resolves credentials through chain with an EKS pod's
// environment (web identity) and then a cross-account AssumeRole profile, and lists a demo
// bucket with each, printing every step. It reads nothing from the real environment or ~/.aws.
package main
