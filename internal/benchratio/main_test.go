package main

import (
	"strings"
	"testing"
)

func TestParseReadsBothSidesAndSkipsOtherLines(t *testing.T) {
	out := `goos: linux
cpu: Intel(R) Xeon(R) Processor
BenchmarkCacheRetrieve/irsa              	100000000	        10.80 ns/op	       0 B/op	       0 allocs/op
BenchmarkCacheRetrieve/sdk-2             	 44000000	        27.10 ns/op	       0 B/op	       0 allocs/op
BenchmarkAssumeRoleChainRefresh/sdk-2  	     200	   3059021 ns/op	         2.000 sts-calls/op	  126738 B/op	    1322 allocs/op
BenchmarkOther-2                         	     200	   3059021 ns/op
PASS
ok  	github.com/irsa-go/irsa/credentials	2.286s
`
	got, err := parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d results, want 3: %+v", len(got), got)
	}
	for i, want := range []struct {
		name, side, unit string
		v                float64
	}{
		{"BenchmarkCacheRetrieve", "irsa", "ns/op", 10.8},
		{"BenchmarkCacheRetrieve-2", "sdk", "ns/op", 27.1},
		{"BenchmarkAssumeRoleChainRefresh-2", "sdk", "sts-calls/op", 2},
	} {
		if got[i].name != want.name || got[i].side != want.side || got[i].metrics[want.unit] != want.v {
			t.Errorf("result %d = %+v, want %s %s %s=%v", i, got[i], want.name, want.side, want.unit, want.v)
		}
	}
	if got[2].metrics["allocs/op"] != 1322 {
		t.Errorf("allocs/op = %v, want 1322", got[2].metrics["allocs/op"])
	}
}

func TestMedian(t *testing.T) {
	if got := median([]float64{3, 1, 2}); got != 2 {
		t.Errorf("odd: %v", got)
	}
	if got := median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("even: %v", got)
	}
}
