package main

import "testing"

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
	got, err := parse(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got["irsa"]) + len(got["sdk"]); n != 3+3+4 {
		t.Fatalf("got %d values, want 10 (3 lines, 3+3+4 units): %v", n, got)
	}
	for _, want := range []struct {
		side, key string
		v         float64
	}{
		{"irsa", "BenchmarkCacheRetrieve\tns/op", 10.8},
		{"sdk", "BenchmarkCacheRetrieve-2\tns/op", 27.1},
		{"sdk", "BenchmarkAssumeRoleChainRefresh-2\tsts-calls/op", 2},
		{"sdk", "BenchmarkAssumeRoleChainRefresh-2\tallocs/op", 1322},
	} {
		if v, ok := got[want.side][want.key]; !ok || v != want.v {
			t.Errorf("%s %q = %v, %v, want %v", want.side, want.key, v, ok, want.v)
		}
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
