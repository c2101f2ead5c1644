// Command benchratio runs the irsa and sdk sub-benchmarks of a package in alternating rounds
// and prints, per benchmark and unit, the median of each side and the median and range of the
// per-round ratios irsa/sdk, so that no figure depends on which side ran under which load.
// From the module root:
//
//	go run ./internal/benchratio [-rounds 7] [-cpu 1,2] ./credentials/ BenchmarkCacheRetrieve ...
//
// It builds the package's test binary once; each round then runs it once per side, irsa first
// in odd rounds and sdk first in even ones.
package main

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// sideName splits "BenchmarkX/irsa-2" into "BenchmarkX", "irsa" and "-2".
var sideName = regexp.MustCompile(`^(Benchmark\S*)/(irsa|sdk)(-\d+)?$`)

// parse reads go test -bench output and returns, per side, the value of each "name\tunit" of
// its irsa and sdk lines (name without the side); it skips other lines.
func parse(out string) (map[string]map[string]float64, error) {
	got := map[string]map[string]float64{"irsa": {}, "sdk": {}}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || len(f)%2 != 0 || !sideName.MatchString(f[0]) {
			continue
		}
		m := sideName.FindStringSubmatch(f[0])
		for i := 2; i < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("line %q: %w", line, err)
			}
			got[m[2]][m[1]+m[3]+"\t"+f[i+1]] = v
		}
	}
	return got, nil
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	return (s[(len(s)-1)/2] + s[len(s)/2]) / 2
}

func main() {
	rounds := flag.Int("rounds", 7, "rounds; each runs both sides once")
	cpu := flag.String("cpu", "", "passed on as -test.cpu (default GOMAXPROCS)")
	flag.Parse()
	if flag.NArg() < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchratio [-rounds n] [-cpu list] ./package/ BenchmarkName...")
		os.Exit(2)
	}
	if err := run(*rounds, *cpu, flag.Arg(0), flag.Args()[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchratio:", err)
		os.Exit(1)
	}
}

func run(rounds int, cpu, pkgDir string, benchmarks []string) error {
	bin := filepath.Join(os.TempDir(), fmt.Sprintf("benchratio-%d.test", os.Getpid()))
	defer os.Remove(bin)
	if out, err := exec.Command("go", "test", "-c", "-o", bin, pkgDir).CombinedOutput(); err != nil {
		return fmt.Errorf("go test -c %s: %w\n%s", pkgDir, err, out)
	}
	irsa, sdk, ratio := map[string][]float64{}, map[string][]float64{}, map[string][]float64{} // by name\tunit
	for r := 0; r < rounds; r++ {
		var both []byte
		for _, side := range []string{"irsa", "sdk", "irsa"}[r%2 : r%2+2] {
			cmd := exec.Command(bin, "-test.run", "^$", "-test.bench", "^("+strings.Join(benchmarks, "|")+")$/^"+side+"$",
				"-test.benchmem", "-test.count", "1", "-test.cpu", cpu)
			cmd.Dir = pkgDir // tests read testdata relative to their package
			out, err := cmd.CombinedOutput()
			if err != nil {
				return fmt.Errorf("round %d, %s: %w\n%s", r+1, side, err, out)
			}
			both = append(both, out...)
		}
		got, err := parse(string(both))
		if err != nil {
			return err
		}
		for k, v := range got["irsa"] {
			if s, ok := got["sdk"][k]; ok {
				irsa[k], sdk[k] = append(irsa[k], v), append(sdk[k], s)
				if s > 0 {
					ratio[k] = append(ratio[k], v/s)
				}
			}
		}
		fmt.Fprintf(os.Stderr, "round %d of %d done\n", r+1, rounds)
	}
	fmt.Printf("%-46s %-12s %12s %12s %7s %13s %3s\n", "benchmark", "unit", "irsa", "sdk", "ratio", "min–max", "n")
	for _, k := range slices.Sorted(maps.Keys(irsa)) {
		name, unit, _ := strings.Cut(k, "\t")
		med, spread := "-", "-"
		if rs := slices.Sorted(slices.Values(ratio[k])); len(rs) > 0 {
			med, spread = fmt.Sprintf("%.3f", median(rs)), fmt.Sprintf("%.3f–%.3f", rs[0], rs[len(rs)-1])
		}
		fmt.Printf("%-46s %-12s %12.1f %12.1f %7s %13s %3d\n", name, unit, median(irsa[k]), median(sdk[k]), med, spread, len(irsa[k]))
	}
	return nil
}
