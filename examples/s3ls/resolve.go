package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/irsa-go/irsa/chain"
	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/redact"
)

// resolveWithChain resolves credentials, region and STS endpoint as the AWS CLI would, with
// chain.Resolve: the environment, then the profile's settings in ~/.aws/config and
// ~/.aws/credentials (web identity, role_arn with source_profile or credential_source, static
// keys). The credentials come behind a credentials.Cache whose refresh hook is opts.OnRefresh.
func resolveWithChain(ctx context.Context, opts sessionOptions) (*session, error) {
	res, err := chain.Resolve(ctx, chain.Options{
		Profile:    opts.Profile,
		Region:     opts.Region,
		Getenv:     opts.Getenv,
		HTTPClient: opts.HTTPClient,
		Now:        opts.Now,
		Cache:      credentials.CacheOptions{OnRefresh: opts.OnRefresh},
	})
	if err != nil {
		if opts.Profile != "" {
			return nil, namedByFlag(err)
		}
		return nil, err
	}
	s3URL, s3From, err := res.ServiceEndpointURL("s3")
	if err != nil {
		_ = res.Close()
		return nil, err
	}
	s := &session{
		S3EndpointURL:       s3URL,
		S3EndpointSource:    s3From,
		S3EndpointFromChain: true,
		Credentials:         res.Provider,
		Invalidate:          res.Provider.Invalidate,
		Region:              res.Region,
		RootCAs:             res.RootCAs,
		Explanation:         explanationText(res.Explanation, opts.Profile != ""),
		Close:               res.Close,
	}
	if res.Explanation.STS.Used {
		s.STSEndpoint = res.STSEndpoint.URL
	}
	return s, nil
}

// explanationText is chain's explanation as s3ls shows it: a profile chosen with --profile is
// named by the flag the user typed, not by the chain option s3ls filled from it.
func explanationText(exp *chain.Explanation, profileFlag bool) string {
	if !profileFlag {
		return exp.String()
	}
	e := *exp
	e.ProfileFrom = "--profile"
	return e.String()
}

// flagError is one of chain's errors told in s3ls's words.
type flagError struct {
	msg string
	err error
}

func (e *flagError) Error() string { return e.msg }
func (e *flagError) Unwrap() error { return e.err }

// namedByFlag rewords the chain errors that say where the profile name came from, for a profile
// chosen with --profile; other errors are returned as they are.
func namedByFlag(err error) error {
	var notFound *chain.ProfileNotFoundError
	if errors.As(err, &notFound) {
		msg := fmt.Sprintf("profile %q (from --profile) not found in %s", redact.Clip(notFound.Profile, 200), strings.Join(notFound.Files, " or "))
		if notFound.Hint != "" {
			msg += "; " + notFound.Hint
		}
		return &flagError{msg: msg, err: err}
	}
	var none *chain.NoCredentialsError
	if errors.As(err, &none) {
		e := *none.Explanation
		e.Err = nil // the message says it first
		return &flagError{msg: "no credentials found in any source the AWS CLI would use\n" + explanationText(&e, true), err: err}
	}
	return err
}
