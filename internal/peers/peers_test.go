package peers

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestStartMotoAnswersOnLoopback(t *testing.T) {
	m := StartMoto(t)
	if !strings.HasPrefix(m.URL, "http://127.0.0.1:") {
		t.Fatalf("moto URL %q is not loopback", m.URL)
	}
	resp, err := http.Get(m.URL + "/moto-api/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("moto-api status %d", resp.StatusCode)
	}
}
