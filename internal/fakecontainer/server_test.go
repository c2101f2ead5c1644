package fakecontainer_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/irsa-go/irsa/credentials"
	"github.com/irsa-go/irsa/internal/fakecontainer"
	"github.com/irsa-go/irsa/internal/leakcheck"
)

var now = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func serve(context.Context) (credentials.Credentials, error) {
	return credentials.Credentials{AccessKeyID: "ASIAFAKE000000000001", SecretAccessKey: "secret", SessionToken: "token",
		Expires: now.Add(time.Hour), AccountID: "111122223333"}, nil
}

func get(t *testing.T, url, token string) (int, map[string]string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var doc map[string]string
	if resp.StatusCode != http.StatusBadGateway {
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%d %s: %v", resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode, doc
}

func TestServerChecksTheTokenAndServesTheAgentsJSON(t *testing.T) {
	leakcheck.Check(t)
	defer http.DefaultClient.CloseIdleConnections()
	s, err := fakecontainer.New(fakecontainer.Options{Credentials: serve, Token: "tok", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || !strings.HasSuffix(s.URL(), "/v1/credentials") {
		t.Errorf("URL %s", s.URL())
	}
	if code, doc := get(t, s.URL(), ""); code != 401 || doc["code"] != "AccessDeniedException" {
		t.Errorf("no token: %d %v", code, doc)
	}
	if code, _ := get(t, s.URL(), "other"); code != 403 {
		t.Errorf("wrong token: %d", code)
	}
	if code, _ := get(t, "http://"+s.Host()+"/elsewhere", "tok"); code != 404 {
		t.Errorf("another path: %d", code)
	}
	code, doc := get(t, s.URL(), "tok")
	want := map[string]string{"AccessKeyId": "ASIAFAKE000000000001", "SecretAccessKey": "secret", "Token": "token", "Expiration": "2030-01-02T04:04:05Z", "AccountId": "111122223333"}
	if code != 200 || len(doc) != len(want) {
		t.Fatalf("%d %v", code, doc)
	}
	for k, v := range want {
		if doc[k] != v {
			t.Errorf("%s = %q, want %q", k, doc[k], v)
		}
	}
	s.SetFaults(fakecontainer.ServerError, fakecontainer.HTML, fakecontainer.MissingFields, fakecontainer.Expired)
	if code, doc := get(t, s.URL(), "tok"); code != 500 || doc["code"] != "InternalError" {
		t.Errorf("ServerError: %d %v", code, doc)
	}
	if code, _ := get(t, s.URL(), "tok"); code != 502 {
		t.Errorf("HTML: %d", code)
	}
	if code, doc := get(t, s.URL(), "tok"); code != 200 || doc["Token"] != "" || doc["Expiration"] != "" || doc["AccessKeyId"] == "" {
		t.Errorf("MissingFields: %d %v", code, doc)
	}
	if code, doc := get(t, s.URL(), "tok"); code != 200 || doc["Expiration"] != "2030-01-02T02:04:05Z" {
		t.Errorf("Expired: %d %v", code, doc)
	}
	if code, _ := get(t, s.URL(), "tok"); code != 200 {
		t.Errorf("after the faults: %d", code)
	}
	got := s.Requests()
	if len(got) != 9 || got[0].Authorization != "none" || got[1].Authorization != "wrong" || got[3].Authorization != "valid" || got[4].Status != 500 {
		t.Errorf("requests: %+v", got)
	}
}

func TestServerRotatesItsTokenFile(t *testing.T) {
	leakcheck.Check(t)
	defer http.DefaultClient.CloseIdleConnections()
	file := filepath.Join(t.TempDir(), "token")
	s, err := fakecontainer.New(fakecontainer.Options{Credentials: serve, TokenFile: file})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	old, _ := os.ReadFile(file)
	if code, _ := get(t, s.URL(), string(old)); code != 200 {
		t.Fatalf("the first token: %d", code)
	}
	tok, err := s.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(file); string(b) != tok || tok == string(old) {
		t.Fatalf("the file holds %q after Rotate returned %q", b, tok)
	}
	if code, _ := get(t, s.URL(), string(old)); code != 403 {
		t.Errorf("the old token after a rotation: %d", code)
	}
	if code, _ := get(t, s.URL(), tok); code != 200 {
		t.Errorf("the new token: %d", code)
	}
}

func TestServerSlowFaultEndsWithTheRequestOrClose(t *testing.T) {
	leakcheck.Check(t)
	s, err := fakecontainer.New(fakecontainer.Options{Credentials: serve})
	if err != nil {
		t.Fatal(err)
	}
	s.SetFaults(fakecontainer.Slow, fakecontainer.Slow)
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	hc := &http.Client{Transport: &http.Transport{}}
	do := func(ctx context.Context) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL(), nil)
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errs <- err
	}
	go do(ctx)
	<-s.Held()
	cancel()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Errorf("the held request ended with %v", err)
	}
	go do(context.Background())
	<-s.Held()
	s.Close() // must not wait for the held request forever
	<-errs
	s.Close()
}

func TestNewRefusesBadOptions(t *testing.T) {
	for _, o := range []fakecontainer.Options{{}, {Credentials: serve, Token: "a", TokenFile: "/tmp/x"}, {Credentials: serve, TokenFile: "/nonexistent/dir/token"}} {
		if s, err := fakecontainer.New(o); err == nil {
			s.Close()
			t.Errorf("New(%+v) succeeded", o)
		}
	}
	s, _ := fakecontainer.New(fakecontainer.Options{Credentials: serve})
	defer s.Close()
	if _, err := s.Rotate(); err == nil {
		t.Error("Rotate without a token file succeeded")
	}
}
