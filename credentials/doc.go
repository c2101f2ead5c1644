// Package credentials gets AWS credentials from a Kubernetes web identity (IRSA) and keeps them
// fresh, without the AWS SDK's provider chain.
//
// The pieces compose as plain Go values:
//
//	token file ─► WebIdentity ─► STS AssumeRoleWithWebIdentity ─┐
//	                  AssumeRole (signed with another Provider) ─┤─► Cache ─► your signer, or
//	                                       Env, Static, your own ─┘         ForSDK(cache) for aws-sdk-go-v2
//
// A Provider returns Credentials. A Cache wraps any Provider and refreshes ahead of expiry so
// that callers never wait while the credentials they hold are still good; its fresh path is one
// atomic load. It implements AWS's cross-SDK refresh behaviour with two deliberate departures, a
// jittered refresh point and non-recoverable errors held back while valid credentials are
// cached, each with an option that restores AWS's behaviour (see Cache). The STS client behind WebIdentity and AssumeRole is this package's light client
// (Client) by default; an aws-sdk-go-v2 *sts.Client can take its place (see STS).
//
// Credentials never print their secret access key or session token, whichever fmt verb is
// used, and no error of this package contains a secret or a web identity token.
package credentials
