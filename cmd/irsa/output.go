package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/redact"
)

// processOutput is the AWS CLI's credential_process document, Version 1, with the field names
// botocore's ProcessProvider reads. SessionToken, Expiration and AccountId are optional there.
type processOutput struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken,omitempty"`
	Expiration      string `json:"Expiration,omitempty"`
	AccountID       string `json:"AccountId,omitempty"`
}

func (a *app) credentialProcess(ctx context.Context, args []string) int {
	var sel selection
	fs := a.flags("credential-process", "[--profile P] [--region R] [--no-cache] [--cache-dir D]", &sel)
	cacheFlags(fs, &sel)
	if code, ok := parse(fs, args, 0); !ok {
		return code
	}
	creds, _, err := a.retrieve(ctx, sel)
	if err != nil {
		return a.fail("credential-process", err)
	}
	out := processOutput{Version: 1, AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey,
		SessionToken: creds.SessionToken, Expiration: expiration(creds), AccountID: cmp.Or(creds.AccountID, accountOf(creds.RoleARN))}
	b, err := json.Marshal(out)
	if err != nil {
		return a.fail("credential-process", err)
	}
	fmt.Fprintf(a.stdout, "%s\n", b)
	return exitOK
}

// expiration is when creds expire in RFC 3339 (UTC, whole seconds), or "" when they never do.
func expiration(creds credentials.Credentials) string {
	if !creds.CanExpire() {
		return ""
	}
	return creds.Expires.UTC().Format(time.RFC3339)
}

// accountOf returns the account ID of an ARN ("arn:aws:sts::111122223333:assumed-role/r/s"), or "".
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}

// variable is one environment variable irsa sets.
type variable struct{ name, value string }

// variables are the environment variables that hand creds and region to an AWS tool, in the
// order they are printed. A session token or an expiry the credentials lack is left out.
func variables(creds credentials.Credentials, region string) []variable {
	vs := []variable{{"AWS_ACCESS_KEY_ID", creds.AccessKeyID}, {"AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey}}
	if creds.SessionToken != "" {
		vs = append(vs, variable{"AWS_SESSION_TOKEN", creds.SessionToken})
	}
	if region != "" {
		vs = append(vs, variable{"AWS_REGION", region}, variable{"AWS_DEFAULT_REGION", region})
	}
	if exp := expiration(creds); exp != "" {
		vs = append(vs, variable{"AWS_CREDENTIAL_EXPIRATION", exp})
	}
	return vs
}

// envFormats write variables for eval in a POSIX shell, as a JSON object, or as a .env file.
var envFormats = map[string]func(w io.Writer, vs []variable) error{
	"sh":     writeSh,
	"json":   writeJSON,
	"dotenv": writeDotenv,
}

func (a *app) env(ctx context.Context, args []string) int {
	var sel selection
	fs := a.flags("env", "[--format sh|json|dotenv] [--profile P] [--region R] [--no-cache] [--cache-dir D]", &sel)
	cacheFlags(fs, &sel)
	format := fs.String("format", "sh", "output format: sh (for eval), json or dotenv")
	if code, ok := parse(fs, args, 0); !ok {
		return code
	}
	write, ok := envFormats[*format]
	if !ok {
		fmt.Fprintf(a.stderr, "irsa env: unknown format %q: want sh, json or dotenv\n", *format)
		fs.Usage()
		return exitUsage
	}
	creds, region, err := a.retrieve(ctx, sel)
	if err != nil {
		return a.fail("env", err)
	}
	if err := write(a.stdout, variables(creds, region)); err != nil {
		return a.fail("env", err)
	}
	if creds.CanExpire() {
		fmt.Fprintf(a.stderr, "irsa env: warning: these credentials expire at %s and will not be refreshed; run the program with irsa exec, or get new ones before then\n",
			expiration(creds))
	}
	return exitOK
}

// shQuote quotes s for a POSIX shell: in single quotes, where only ' itself needs care.
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// writeSh writes export lines; without a session token it unsets the shell's, which would
// otherwise be sent with the new keys.
func writeSh(w io.Writer, vs []variable) error {
	var b strings.Builder
	token := false
	for _, v := range vs {
		fmt.Fprintf(&b, "export %s=%s\n", v.name, shQuote(v.value))
		token = token || v.name == "AWS_SESSION_TOKEN"
	}
	if !token {
		b.WriteString("unset AWS_SESSION_TOKEN AWS_SECURITY_TOKEN\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeDotenv writes NAME='value' lines, quoted as for sh, so that the file is both a .env file
// and something `set -a; . ./file` reads. (A value AWS issues holds no quote, so readers of .env
// files that do not understand '\” read those values right too.)
func writeDotenv(w io.Writer, vs []variable) error {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "%s=%s\n", v.name, shQuote(v.value))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeJSON writes one object of the variables, in their order.
func writeJSON(w io.Writer, vs []variable) error {
	var b strings.Builder
	b.WriteString("{")
	for i, v := range vs {
		name, _ := json.Marshal(v.name)
		value, err := json.Marshal(v.value)
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\n  %s: %s", name, value)
	}
	b.WriteString("\n}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// errText is an error's text on one line, clipped: for log lines, doctor's findings and the
// endpoint's health answer. Errors of chain and credentials never hold a secret.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return redact.Clip(strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; "), maxErrorText)
}
