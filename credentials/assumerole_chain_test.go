package credentials

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/fakeoidc"
	"github.com/irsa-go/irsa/internal/fakests"
	"github.com/irsa-go/irsa/internal/leakcheck"
	"github.com/irsa-go/irsa/stsxml"
)

const (
	roleB = "arn:aws:iam::222233334444:role/deployer"
	roleC = "arn:aws:iam::333344445555:role/auditor"
)

// chainEnv is the seeds' cross-account setup: a pod's web identity role in account A
// (111122223333), a role in account B that trusts it, and a role in account C that trusts B.
func chainEnv(t *testing.T, now func() time.Time) *fakests.Env {
	t.Helper()
	env := fakests.StartEnv(t, fakests.EnvOptions{Now: now})
	for _, r := range []fakests.Role{
		{ARN: roleB, TrustPolicy: fakests.AssumeRoleTrustPolicy(env.RoleARN, ""), MaxSessionDuration: 12 * time.Hour},
		{ARN: roleC, TrustPolicy: fakests.AssumeRoleTrustPolicy(roleB, "")},
	} {
		if err := env.STS.AddRole(r); err != nil {
			t.Fatal(err)
		}
	}
	return env
}

func TestAssumeRoleChainsEndToEnd(t *testing.T) {
	for _, kind := range stsClientKinds {
		t.Run(kind.name, func(t *testing.T) {
			t.Run("A to B composed by hand: each hop behind its own Cache", func(t *testing.T) {
				leakcheck.Check(t)
				env := chainEnv(t, nil)
				client := kind.make(t, env.STS.URL())
				w, err := NewWebIdentity(WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Client: client, Getenv: noEnv})
				if err != nil {
					t.Fatal(err)
				}
				a := newTestCache(t, CacheOptions{Provider: w})
				defer a.Close()
				ar, err := NewAssumeRole(AssumeRoleOptions{Source: a, RoleARN: roleB, SessionName: "deploy", Client: client})
				if err != nil {
					t.Fatal(err)
				}
				b := newTestCache(t, CacheOptions{Provider: ar})
				defer b.Close()
				c, err := b.Retrieve(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if c.Source != sourceAssumeRole || c.RoleARN != "arn:aws:sts::222233334444:assumed-role/deployer/deploy" {
					t.Errorf("credentials = %v", c)
				}
				calls := env.STS.Calls()
				if len(calls) != 2 || calls[1].Operation != "AssumeRole" || calls[1].Caller != "arn:aws:sts::111122223333:assumed-role/irsa-app/default.app.app-0" {
					t.Errorf("calls = %v", calls)
				}
			})

			t.Run("A to B to C with NewRoleChain", func(t *testing.T) {
				leakcheck.Check(t)
				env := chainEnv(t, nil)
				client := kind.make(t, env.STS.URL())
				w, err := NewWebIdentity(WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Client: client, Getenv: noEnv})
				if err != nil {
					t.Fatal(err)
				}
				chain, err := NewRoleChain(RoleChainOptions{Source: w, Roles: []AssumeRoleOptions{
					{RoleARN: roleB, SessionName: "hop-b", Client: client},
					{RoleARN: roleC, SessionName: "hop-c", Client: client},
				}})
				if err != nil {
					t.Fatal(err)
				}
				defer chain.Close()
				c, err := chain.Retrieve(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if c.RoleARN != "arn:aws:sts::333344445555:assumed-role/auditor/hop-c" {
					t.Errorf("credentials = %v", c)
				}
				var got []string
				for _, call := range env.STS.Calls() {
					got = append(got, call.Operation+" "+call.RoleARN+" by "+call.Caller)
				}
				want := []string{
					"AssumeRoleWithWebIdentity " + env.RoleARN + " by system:serviceaccount:default:app",
					"AssumeRole " + roleB + " by arn:aws:sts::111122223333:assumed-role/irsa-app/default.app.app-0",
					"AssumeRole " + roleC + " by arn:aws:sts::222233334444:assumed-role/deployer/hop-b",
				}
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
				hops := chain.Hops()
				if len(hops) != 3 || hops[0].Status().Source != sourceWebIdentity || hops[1].Status().RoleARN != "arn:aws:sts::222233334444:assumed-role/deployer/hop-b" {
					t.Errorf("hops = %d, %+v", len(hops), hops[1].Status())
				}
			})

			t.Run("a chained hop asking for two hours gets one instead of STS's refusal", func(t *testing.T) {
				leakcheck.Check(t)
				env := chainEnv(t, nil)
				client := kind.make(t, env.STS.URL())
				w, err := NewWebIdentity(WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Client: client, Getenv: noEnv})
				if err != nil {
					t.Fatal(err)
				}
				chain, err := NewRoleChain(RoleChainOptions{Source: w, Roles: []AssumeRoleOptions{{RoleARN: roleB, Duration: 2 * time.Hour, Client: client}}})
				if err != nil {
					t.Fatal(err)
				}
				defer chain.Close()
				if _, err := chain.Retrieve(context.Background()); err != nil {
					t.Fatal(err)
				}
				if calls := env.STS.Calls(); calls[1].DurationSeconds != 3600 || calls[1].Code != "" {
					t.Errorf("calls = %v", calls)
				}
			})

			t.Run("B not trusting A is an AccessDenied naming B and A's session", func(t *testing.T) {
				leakcheck.Check(t)
				env := chainEnv(t, nil)
				client := kind.make(t, env.STS.URL())
				w, err := NewWebIdentity(WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Client: client, Getenv: noEnv})
				if err != nil {
					t.Fatal(err)
				}
				chain, err := NewRoleChain(RoleChainOptions{Source: w, Roles: []AssumeRoleOptions{{RoleARN: roleC, Client: client}}}) // C trusts B only
				if err != nil {
					t.Fatal(err)
				}
				defer chain.Close()
				_, err = chain.Retrieve(context.Background())
				var are *AssumeRoleError
				if !errors.As(err, &are) || are.RoleARN != roleC || are.SourceRoleARN != "arn:aws:sts::111122223333:assumed-role/irsa-app/default.app.app-0" ||
					!strings.HasPrefix(are.SourceAccessKeyID, "ASIA") || !IsNonRecoverable(err) {
					t.Fatalf("err = %v", err)
				}
				for _, want := range []string{"credentials: assume role " + roleC + " as arn:aws:sts::111122223333:assumed-role/irsa-app/default.app.app-0 (access key ASIA", "AccessDenied", "must allow sts:AssumeRole"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q\ndoes not contain %q", err, want)
					}
				}
			})

			t.Run("long-term keys with an external ID, tags and a two-hour session", func(t *testing.T) {
				leakcheck.Check(t)
				env := chainEnv(t, nil)
				const user = "arn:aws:iam::111122223333:user/ci"
				if err := env.STS.AddUser("AKIACIUSER0000000001", "ci-secret-key-0123456789", user); err != nil {
					t.Fatal(err)
				}
				if err := env.STS.AddRole(fakests.Role{ARN: roleB, TrustPolicy: fakests.AssumeRoleTrustPolicy(user, "ext-42"), MaxSessionDuration: 12 * time.Hour}); err != nil {
					t.Fatal(err)
				}
				client := kind.make(t, env.STS.URL())
				src := Static{Value: Credentials{AccessKeyID: "AKIACIUSER0000000001", SecretAccessKey: "ci-secret-key-0123456789"}}
				a, err := NewAssumeRole(AssumeRoleOptions{Source: src, RoleARN: roleB, Client: client, Duration: 2 * time.Hour,
					Tags: map[string]string{"team": "ci"}, TransitiveTagKeys: []string{"team"}, SourceIdentity: "ci-bot"})
				if err != nil {
					t.Fatal(err)
				}
				_, err = a.Retrieve(context.Background())
				if err == nil || !strings.Contains(err.Error(), "as access key AKIACIUSER0000000001") || !strings.Contains(err.Error(), "set ExternalID") {
					t.Fatalf("without the external ID: err = %v", err)
				}
				a, err = NewAssumeRole(AssumeRoleOptions{Source: src, RoleARN: roleB, Client: client, Duration: 2 * time.Hour, ExternalID: "ext-42",
					Tags: map[string]string{"team": "ci"}, TransitiveTagKeys: []string{"team"}, SourceIdentity: "ci-bot"})
				if err != nil {
					t.Fatal(err)
				}
				c, err := a.Retrieve(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if d := time.Until(c.Expires); d < 119*time.Minute || d > 121*time.Minute {
					t.Errorf("credentials last %v, want 2h (long-term keys are not a role session)", d)
				}
				calls := env.STS.Calls()
				last := calls[len(calls)-1]
				if last.DurationSeconds != 7200 || !last.ExternalID || last.SourceIdentity != "ci-bot" || last.Caller != user {
					t.Errorf("call = %v", last)
				}
			})
		})
	}
}

// TestAssumeRoleChainRefreshesEachHopOnItsOwn runs an A → B → C chain for six hours of injected time,
// asking for credentials every minute, and counts the STS calls per hop. Each hop is refreshed
// by its own Cache when its own credentials near expiry, using the cached credentials of the hop
// below: a hop is never called more often than the hop above it, and a long-lived hop is not
// called again just because a short-lived hop above it refreshed (aws-sdk-go-v2 and the Rust SDK
// re-run the whole chain, so there A is called as often as C).
func TestAssumeRoleChainRefreshesEachHopOnItsOwn(t *testing.T) {
	seeded := rand.New(rand.NewPCG(1, 2))
	var mu sync.Mutex
	jitters := []struct {
		name string
		rand func() float64
	}{
		{"refresh points at the start of the advisory window", func() float64 { return 0 }},
		{"refresh points in the middle of the jitter range", func() float64 { return 0.5 }},
		{"refresh points at the end of the jitter range", func() float64 { return 0.999 }},
		{"refresh points drawn at random", func() float64 { mu.Lock(); defer mu.Unlock(); return seeded.Float64() }},
	}
	scenarios := []struct {
		name      string
		durations [3]time.Duration // A, B, C
		max       [3]int           // most calls per hop in 6 h
	}{
		// One-hour sessions are refreshed 15 min (minus jitter) ahead: every 45-59 min.
		{"one-hour sessions at every hop", [3]time.Duration{time.Hour, time.Hour, time.Hour}, [3]int{9, 9, 9}},
		// A 12-hour web identity session outlives the test; B refreshes hourly, C every 10-14
		// minutes (15-minute sessions refreshed 5 min ahead).
		{"twelve-hour A, one-hour B, fifteen-minute C", [3]time.Duration{12 * time.Hour, time.Hour, 15 * time.Minute}, [3]int{1, 9, 37}},
	}
	for _, sc := range scenarios {
		for _, j := range jitters {
			t.Run(sc.name+", "+j.name, func(t *testing.T) {
				n := testRoleChainRefreshes(t, j.rand, sc.durations)
				for i, name := range []string{"A", "B", "C"} {
					if n[i] > sc.max[i] {
						t.Errorf("hop %s made %d STS calls, want at most %d", name, n[i], sc.max[i])
					}
				}
				if n[0] > n[1] || n[1] > n[2] {
					t.Errorf("calls A %d, B %d, C %d: a hop was called more often than the one above it", n[0], n[1], n[2])
				}
			})
		}
	}
}

// testRoleChainRefreshes runs the chain for six hours and returns the STS calls per hop.
func testRoleChainRefreshes(t *testing.T, jitter func() float64, d [3]time.Duration) [3]int {
	leakcheck.Check(t)
	clock := fakeoidc.NewClock(time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC))
	env := fakests.StartEnv(t, fakests.EnvOptions{Now: clock.Now, MaxSessionDuration: 12 * time.Hour})
	for _, r := range []fakests.Role{
		{ARN: roleB, TrustPolicy: fakests.AssumeRoleTrustPolicy(env.RoleARN, "")},
		{ARN: roleC, TrustPolicy: fakests.AssumeRoleTrustPolicy(roleB, "")},
	} {
		if err := env.STS.AddRole(r); err != nil {
			t.Fatal(err)
		}
	}
	client, err := NewClient(ClientOptions{Endpoint: Endpoint{URL: env.STS.URL(), SigningRegion: "us-east-1", Custom: true}, Now: clock.Now, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseIdleConnections()
	w, err := NewWebIdentity(WebIdentityOptions{RoleARN: env.RoleARN, TokenFile: env.TokenFile, Client: client, Getenv: noEnv, Now: clock.Now, Duration: d[0]})
	if err != nil {
		t.Fatal(err)
	}
	chain, err := NewRoleChain(RoleChainOptions{
		Source: w,
		Roles: []AssumeRoleOptions{
			{RoleARN: roleB, SessionName: "hop-b", Client: client, Now: clock.Now, Duration: d[1]},
			{RoleARN: roleC, SessionName: "hop-c", Client: client, Now: clock.Now, Duration: d[2]},
		},
		Cache: CacheOptions{Now: clock.Now, Rand: jitter},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer chain.Close()
	hops := chain.Hops()
	settle := func() { // wait (in real time, bounded) for background refreshes to finish
		deadline := time.Now().Add(5 * time.Second)
		for _, h := range hops {
			for h.Status().Refreshing {
				if time.Now().After(deadline) {
					t.Fatal("a background refresh did not finish within 5s")
				}
				time.Sleep(time.Millisecond)
			}
		}
	}
	const span = 6 * time.Hour
	for elapsed := time.Duration(0); elapsed <= span; elapsed += time.Minute {
		c, err := chain.Retrieve(context.Background())
		if err != nil {
			t.Fatalf("at +%v: %v", elapsed, err)
		}
		if c.Expired(clock.Now()) {
			t.Fatalf("at +%v: expired credentials served", elapsed)
		}
		settle()
		a, b, top := hops[0].Status(), hops[1].Status(), hops[2].Status()
		if b.Expires.After(a.Expires) || top.Expires.After(b.Expires) {
			t.Fatalf("at +%v: expiries A %v, B %v, C %v: a hop outlives the one below", elapsed, a.Expires, b.Expires, top.Expires)
		}
		clock.Advance(time.Minute)
	}
	for _, call := range env.STS.Calls() {
		if call.Code != "" {
			t.Errorf("failed call: %v", call)
		}
	}
	n := [3]int{env.STS.CountRole(env.RoleARN), env.STS.CountRole(roleB), env.STS.CountRole(roleC)}
	t.Logf("STS calls over %v: A %d, B %d, C %d", span, n[0], n[1], n[2])
	return n
}

func TestAssumeRoleChainConfiguration(t *testing.T) {
	s := &scriptedSTS{}
	if _, err := NewRoleChain(RoleChainOptions{Source: nil, Roles: []AssumeRoleOptions{{RoleARN: roleB, Client: s}}}); err == nil || !strings.Contains(err.Error(), "Source is required") {
		t.Errorf("nil source: %v", err)
	}
	if _, err := NewRoleChain(RoleChainOptions{Source: staticSource()}); err == nil || !strings.Contains(err.Error(), "at least one role") {
		t.Errorf("no roles: %v", err)
	}
	_, err := NewRoleChain(RoleChainOptions{Source: staticSource(), Roles: []AssumeRoleOptions{{RoleARN: roleB, Client: s, Source: staticSource()}}})
	if err == nil || !strings.Contains(err.Error(), "Roles[0].Source must be empty") {
		t.Errorf("hop with a source: %v", err)
	}
	_, err = NewRoleChain(RoleChainOptions{Source: staticSource(), Roles: []AssumeRoleOptions{{RoleARN: roleB, Client: s}, {RoleARN: "nope", Client: s}}})
	var are *AssumeRoleError
	if !errors.As(err, &are) || !strings.Contains(err.Error(), `role "nope" is not an ARN`) || !IsNonRecoverable(err) {
		t.Errorf("bad second hop: %v", err)
	}
	// A Cache given as the source stays the caller's: Close leaves it working.
	src := newTestCache(t, CacheOptions{Provider: staticSource()})
	defer src.Close()
	chain, err := NewRoleChain(RoleChainOptions{Source: src, Roles: []AssumeRoleOptions{{RoleARN: roleB, Client: &scriptedSTS{role: okRole(time.Now)}}}})
	if err != nil {
		t.Fatal(err)
	}
	if chain.Hops()[0] != src {
		t.Error("the given Cache is not the first hop")
	}
	if _, err := chain.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	chain.Close()
	chain.Close()
	if _, err := src.Retrieve(context.Background()); err != nil {
		t.Errorf("the caller's Cache was closed: %v", err)
	}
	_ = fmt.Sprint
	_ = stsxml.Error{}
}

// RoleChain.Close returns what its Caches' Close return: here the source's Cache abandons a
// provider that ignores its context.
func TestRoleChainCloseReturnsAHopsError(t *testing.T) {
	leakcheck.Check(t)
	unblock, called := make(chan struct{}), make(chan struct{})
	src := ProviderFunc(func(context.Context) (Credentials, error) {
		close(called)
		<-unblock // ignores its context
		return Credentials{}, errors.New("unblocked")
	})
	chain, err := NewRoleChain(RoleChainOptions{Source: src, Roles: []AssumeRoleOptions{{RoleARN: roleB, Client: &scriptedSTS{role: okRole(time.Now)}}}})
	if err != nil {
		t.Fatal(err)
	}
	defer close(unblock) // the provider's goroutine ends, and the Cache's with it
	chain.Hops()[0].closeWait = 50 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-called; cancel() }()
	if _, err := chain.Retrieve(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Retrieve: %v, want context.Canceled", err)
	}
	if err := chain.Close(); err == nil || !strings.Contains(err.Error(), "abandoned") {
		t.Errorf("Close: %v, want the source Cache's error", err)
	}
}
