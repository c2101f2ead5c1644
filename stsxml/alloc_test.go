package stsxml

import (
	"bytes"
	"os"
	"testing"
)

// TestDecodeAllocations keeps the refresh path lean: decoding a whole response allocates the
// output block, one string holding every value, and the request ID metadata; nothing per element.
func TestDecodeAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under -race")
	}
	doc, err := os.ReadFile("testdata/moto-assumerolewithwebidentity.xml")
	if err != nil {
		t.Fatal(err)
	}
	r := bytes.NewReader(doc)
	allocs := testing.AllocsPerRun(200, func() {
		r.Reset(doc)
		if _, err := DecodeAssumeRoleWithWebIdentity(200, r); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%v allocations per decode", allocs)
	if allocs > 5 {
		t.Errorf("decoding allocates %v times, want at most 5", allocs)
	}
}
