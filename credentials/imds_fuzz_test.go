package credentials

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzIMDS feeds any endpoint and mode to NewIMDS, and any role listing and credentials document
// to Retrieve: no panic, errors that are short, valid UTF-8 on one line, and never repeat the
// secrets of the document.
func FuzzIMDS(f *testing.F) {
	f.Add("http://127.0.0.1", "IPv4", "node-role", goodDoc)
	f.Add("http://[::1]:80/x/", "ipv6", "../x", `{"Code":"Failure","Message":"no"}`)
	f.Add("ftp://u:p@h?q#f", "dual", "", "<html>")
	f.Add("http://h:0", "", "r\nq", `{"AccessKeyId":1}`)
	srvRole, srvDoc := "", ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPut:
			_, _ = w.Write([]byte("tok"))
		case strings.HasSuffix(r.URL.Path, "/security-credentials/"):
			_, _ = w.Write([]byte(srvRole))
		default:
			_, _ = w.Write([]byte(srvDoc))
		}
	}))
	defer srv.Close()
	f.Fuzz(func(t *testing.T, endpoint, mode, role, doc string) {
		check := func(err error) {
			if err == nil {
				return
			}
			s := err.Error()
			if len(s) > 3000 || !utf8.ValidString(s) || strings.ContainsAny(s, "\n\r") || strings.Contains(s, hostileSecret) || strings.Contains(s, hostileToken) {
				t.Fatalf("error %q", s)
			}
		}
		_, err := NewIMDS(IMDSOptions{Endpoint: endpoint, EndpointMode: mode})
		check(err)
		srvRole, srvDoc = role, doc // one Retrieve at a time: the fuzzer runs a worker's calls in sequence
		p, err := NewIMDS(IMDSOptions{Endpoint: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Retrieve(context.Background())
		check(err)
	})
}
