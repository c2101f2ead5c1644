package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/redact"
)

// watch lists every opts.Watch until ctx ends (SIGINT, SIGTERM) or opts.WatchCount listings
// have run. A failed listing is reported and the next one runs on time, as a long-running
// process would carry on; the exit status is that of the last listing.
func (a *app) watch(ctx context.Context, opts *options, c *s3Client) int {
	after := a.after
	if after == nil {
		after = time.After
	}
	code := exitOK
	for n := 1; opts.WatchCount == 0 || n <= opts.WatchCount; n++ {
		a.logf("listing %d%s", n, countSuffix(opts.WatchCount))
		code = a.list(ctx, opts, c)
		if ctx.Err() != nil || (opts.WatchCount > 0 && n == opts.WatchCount) {
			break
		}
		select {
		case <-ctx.Done():
		case <-after(opts.Watch):
		}
		if ctx.Err() != nil {
			break
		}
	}
	if ctx.Err() != nil {
		a.logf("interrupted; stopping")
	}
	return code
}

func countSuffix(total int) string {
	if total == 0 {
		return " (until interrupted)"
	}
	return fmt.Sprintf(" of %d", total)
}

// describeRefresh is the log line for one credential refresh (never a secret).
func describeRefresh(ev credentials.RefreshEvent, now time.Time) string {
	var b strings.Builder
	kind := "credentials fetched"
	if ev.Background {
		kind = "credentials refreshed ahead of expiry, in the background"
	}
	if ev.Err != nil {
		kind = "credential refresh failed"
		if ev.Background {
			kind = "background credential refresh failed"
		}
	}
	b.WriteString(kind)
	fmt.Fprintf(&b, " (%s)", ev.Duration.Round(time.Millisecond))
	if ev.Err != nil {
		fmt.Fprintf(&b, ": %v", ev.Err)
		if !ev.BackoffUntil.IsZero() {
			fmt.Fprintf(&b, "; next try after %s", ev.BackoffUntil.Sub(now).Round(time.Second))
		}
		if ev.AccessKeyID != "" {
			fmt.Fprintf(&b, "; still serving %s", redact.AccessKeyID(ev.AccessKeyID, "the access key ID", "the secret access key"))
			if ev.ServingExpired {
				b.WriteString(" (expired)")
			}
		}
		return b.String()
	}
	fmt.Fprintf(&b, ": %s", redact.AccessKeyID(ev.AccessKeyID, "the access key ID", "the secret access key"))
	if ev.RoleARN != "" {
		fmt.Fprintf(&b, " %s", ev.RoleARN)
	}
	if ev.Source != "" {
		fmt.Fprintf(&b, " from %s", ev.Source)
	}
	if !ev.Expires.IsZero() {
		fmt.Fprintf(&b, ", expires in %s", ev.Expires.Sub(now).Round(time.Second))
	}
	if !ev.NextRefresh.IsZero() {
		fmt.Fprintf(&b, ", next refresh in %s", ev.NextRefresh.Sub(now).Round(time.Second))
	}
	return b.String()
}
