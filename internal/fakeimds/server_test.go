package fakeimds

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/internal/leakcheck"
)

type client struct {
	t   *testing.T
	s   *Server
	hc  *http.Client
	ctx context.Context
}

func (c client) do(method, path string, header ...string) (int, string) {
	c.t.Helper()
	req, err := http.NewRequestWithContext(c.ctx, method, c.s.URL()+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func start(t *testing.T, o Options) client {
	leakcheck.Check(t)
	s := New(o)
	tr := &http.Transport{}
	t.Cleanup(func() { tr.CloseIdleConnections(); s.Close() })
	return client{t: t, s: s, hc: &http.Client{Transport: tr, Timeout: 10 * time.Second}, ctx: context.Background()}
}

const ttl = "X-aws-ec2-metadata-token-ttl-seconds"

func TestIMDSv2Flow(t *testing.T) {
	c := start(t, Options{V1Disabled: true})
	if !strings.HasPrefix(c.s.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %s is not on 127.0.0.1", c.s.URL())
	}
	status, tok := c.do("PUT", TokenPath, ttl, "21600")
	if status != 200 || tok == "" {
		t.Fatalf("token: %d %q", status, tok)
	}
	if status, _ := c.do("GET", RolePath); status != 401 {
		t.Errorf("listing without a token with IMDSv1 disabled: %d, want 401", status)
	}
	status, role := c.do("GET", RolePath, "X-aws-ec2-metadata-token", tok)
	if status != 200 || role != "node-role" {
		t.Fatalf("listing: %d %q", status, role)
	}
	status, body := c.do("GET", RolePath+role, "X-aws-ec2-metadata-token", tok)
	var doc map[string]string
	if status != 200 || json.Unmarshal([]byte(body), &doc) != nil || doc["Code"] != "Success" || doc["AccessKeyId"] != "ASIAFAKEIMDS00000001" {
		t.Fatalf("credentials: %d %s", status, body)
	}
	if status, _ := c.do("GET", RolePath+"other", "X-aws-ec2-metadata-token", tok); status != 404 {
		t.Errorf("another role: %d, want 404", status)
	}
	c.s.ExpireTokens()
	if status, _ := c.do("GET", RolePath, "X-aws-ec2-metadata-token", tok); status != 401 {
		t.Errorf("an expired token: %d, want 401", status)
	}
	reqs := c.s.Requests()
	if len(reqs) != 6 || reqs[0].Method != "PUT" || reqs[0].TTL != "21600" || !reqs[2].Token || reqs[1].Token || reqs[1].Status != 401 {
		t.Errorf("requests: %+v", reqs)
	}
	if c.s.Count("PUT") != 1 || c.s.Count("GET") != 5 {
		t.Errorf("counts: PUT %d GET %d", c.s.Count("PUT"), c.s.Count("GET"))
	}
}

func TestTokenRequestChecks(t *testing.T) {
	c := start(t, Options{})
	for _, tc := range []struct {
		name, method string
		header       []string
		want         int
	}{
		{"no TTL header", "PUT", nil, 400},
		{"a TTL that is not a number", "PUT", []string{ttl, "six hours"}, 400},
		{"a TTL of 0", "PUT", []string{ttl, "0"}, 400},
		{"a TTL above six hours", "PUT", []string{ttl, "21601"}, 400},
		{"a GET", "GET", []string{ttl, "60"}, 405},
		{"through a proxy", "PUT", []string{ttl, "60", "X-Forwarded-For", "10.0.0.1"}, 403},
	} {
		if status, _ := c.do(tc.method, TokenPath, tc.header...); status != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, status, tc.want)
		}
	}
	if status, role := c.do("GET", RolePath); status != 200 || role != "node-role" {
		t.Errorf("IMDSv1 listing: %d %q", status, role)
	}
}

func TestTokenStatus(t *testing.T) {
	for _, code := range []int{400, 403, 404, 405} {
		c := start(t, Options{TokenStatus: code})
		if status, _ := c.do("PUT", TokenPath, ttl, "60"); status != code {
			t.Errorf("TokenStatus %d: answered %d", code, status)
		}
	}
}

func TestFaults(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := start(t, Options{Now: func() time.Time { return now }})
	get := func(path string) (int, string) { return c.do("GET", path) }
	check := func(name string, ok bool, status int, body string) {
		t.Helper()
		if !ok {
			t.Errorf("%s: %d %s", name, status, body)
		}
	}
	c.s.SetFault(ServerError)
	status, body := get(RolePath)
	check("ServerError", status == 500 && strings.Contains(body, "<html>"), status, body)
	c.s.SetFault(NoRole)
	status, body = get(RolePath)
	check("NoRole", status == 404, status, body)
	c.s.SetFault(HTML)
	status, body = get(RolePath + "node-role")
	check("HTML", status == 200 && strings.HasPrefix(body, "<!DOCTYPE html>"), status, body)
	c.s.SetFault(MissingFields)
	status, body = get(RolePath + "node-role")
	check("MissingFields", status == 200 && !strings.Contains(body, "SecretAccessKey") && !strings.Contains(body, `"Token"`), status, body)
	c.s.SetFault(Expired)
	status, body = get(RolePath + "node-role")
	check("Expired", strings.Contains(body, `"Expiration": "2026-01-02T02:04:05Z"`), status, body)
	c.s.SetFault(ErrorCode)
	status, body = get(RolePath + "node-role")
	check("ErrorCode", strings.Contains(body, "AssumeRoleUnauthorizedAccess") && !strings.Contains(body, "AccessKeyId"), status, body)
	c.s.SetFault(NoFault)
	status, body = get(RolePath + "node-role")
	check("NoFault", strings.Contains(body, `"Expiration": "2026-01-02T09:04:05Z"`), status, body)
}

func TestSlowIsBoundedByTheClientsContext(t *testing.T) {
	c := start(t, Options{})
	c.s.SetFault(Slow)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	c.ctx = ctx
	status, body := c.do("GET", RolePath)
	if status != 0 || !strings.Contains(body, "deadline exceeded") {
		t.Fatalf("a slow answer: %d %q, want the client's deadline", status, body)
	}
	if reqs := c.s.Requests(); len(reqs) != 1 || reqs[0].Status != 0 {
		t.Errorf("requests %+v", reqs)
	}
}

func TestCloseReleasesHeldRequests(t *testing.T) {
	c := start(t, Options{})
	c.s.SetFault(Slow)
	done := make(chan int)
	go func() {
		status, _ := c.do("GET", RolePath)
		done <- status
	}()
	for len(c.s.Requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	c.s.Close()
	c.s.Close() // idempotent
	if status := <-done; status != 0 {
		t.Errorf("a held request was answered %d after Close, want no answer", status)
	}
}
