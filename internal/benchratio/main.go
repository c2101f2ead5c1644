// Command benchratio runs the irsa and sdk sub-benchmarks of a package in alternating rounds
// and prints, per benchmark and unit, the median of each side and the median and range of the
// per-round ratios irsa/sdk, so that no figure depends on which side ran under which load.
// From the module root:
//
//	go run ./internal/benchratio [-rounds 7] [-cpu 1,2] [-benchtime 1s] ./credentials/ BenchmarkCacheRetrieve ...
//
// It builds the package's test binary once; each round then runs it once per side with
// -test.count 1, irsa first in odd rounds and sdk first in even ones. It touches no network
// beyond what the benchmarks themselves do on 127.0.0.1.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// result is one benchmark line: the name without the side, the side, and a value per unit.
type result struct {
	name, side string
	metrics    map[string]float64
}

// sideName splits "BenchmarkX/irsa-2" into "BenchmarkX", "irsa" and "-2".
var sideName = regexp.MustCompile(`^(Benchmark\S*)/(irsa|sdk)(-\d+)?$`)

// parse reads go test -bench output and returns its irsa and sdk lines; it skips other lines.
func parse(r io.Reader) ([]result, error) {
	var out []result
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || len(f)%2 != 0 || !sideName.MatchString(f[0]) {
			continue
		}
		m := sideName.FindStringSubmatch(f[0])
		res := result{name: m[1] + m[3], side: m[2], metrics: map[string]float64{}}
		for i := 2; i < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("line %q: %w", sc.Text(), err)
			}
			res.metrics[f[i+1]] = v
		}
		out = append(out, res)
	}
	return out, sc.Err()
}

// sorted returns a sorted copy of xs.
func sorted(xs []float64) []float64 { return slices.Sorted(slices.Values(xs)) }

func median(xs []float64) float64 {
	s := sorted(xs)
	return (s[(len(s)-1)/2] + s[len(s)/2]) / 2
}

// series holds, for one benchmark and unit, each side's value and their ratio, one per round.
type series struct{ irsa, sdk, ratio []float64 }

func main() {
	rounds := flag.Int("rounds", 7, "rounds; each runs both sides once")
	cpu := flag.String("cpu", strconv.Itoa(runtime.GOMAXPROCS(0)), "passed on as -test.cpu")
	benchtime := flag.String("benchtime", "1s", "passed on as -test.benchtime")
	flag.Parse()
	if flag.NArg() < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchratio [flags] ./package/ BenchmarkName...")
		os.Exit(2)
	}
	if err := run(*rounds, *cpu, *benchtime, flag.Arg(0), flag.Args()[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchratio:", err)
		os.Exit(1)
	}
}

func run(rounds int, cpu, benchtime, pkgDir string, benchmarks []string) error {
	bin := filepath.Join(os.TempDir(), fmt.Sprintf("benchratio-%d.test", os.Getpid()))
	defer os.Remove(bin)
	if out, err := exec.Command("go", "test", "-c", "-o", bin, pkgDir).CombinedOutput(); err != nil {
		return fmt.Errorf("go test -c %s: %w\n%s", pkgDir, err, out)
	}
	all := map[string]*series{} // by benchmark name, tab, unit
	for r := 0; r < rounds; r++ {
		order := []string{"irsa", "sdk", "irsa"}[r%2 : r%2+2] // irsa first, then sdk first, ...
		var irsa []result
		sdk := map[string]map[string]float64{} // benchmark → unit → value
		for _, side := range order {
			args := []string{"-test.run", "^$", "-test.bench", "^(" + strings.Join(benchmarks, "|") + ")$/^" + side + "$",
				"-test.benchmem", "-test.count", "1", "-test.benchtime", benchtime, "-test.cpu", cpu}
			cmd := exec.Command(bin, args...)
			cmd.Dir = pkgDir // tests read testdata relative to their package
			out, err := cmd.CombinedOutput()
			if err != nil {
				return fmt.Errorf("round %d, %s: %w\n%s", r+1, side, err, out)
			}
			results, err := parse(strings.NewReader(string(out)))
			if err != nil {
				return err
			}
			for _, res := range results {
				if res.side == "sdk" {
					sdk[res.name] = res.metrics
				} else {
					irsa = append(irsa, res)
				}
			}
		}
		for _, res := range irsa {
			for unit, v := range res.metrics {
				s, ok := sdk[res.name][unit]
				if !ok {
					continue
				}
				sr := all[res.name+"\t"+unit]
				if sr == nil {
					sr = &series{}
					all[res.name+"\t"+unit] = sr
				}
				sr.irsa, sr.sdk = append(sr.irsa, v), append(sr.sdk, s)
				if s > 0 {
					sr.ratio = append(sr.ratio, v/s)
				}
			}
		}
		fmt.Fprintf(os.Stderr, "round %d of %d done\n", r+1, rounds)
	}
	fmt.Printf("%-46s %-12s %12s %12s %7s %13s %3s\n", "benchmark", "unit", "irsa", "sdk", "ratio", "min–max", "n")
	for _, k := range slices.Sorted(maps.Keys(all)) {
		sr := all[k]
		name, unit, _ := strings.Cut(k, "\t")
		ratio, spread := "-", "-"
		if rs := sorted(sr.ratio); len(rs) > 0 {
			ratio, spread = fmt.Sprintf("%.3f", median(rs)), fmt.Sprintf("%.3f–%.3f", rs[0], rs[len(rs)-1])
		}
		fmt.Printf("%-46s %-12s %12.1f %12.1f %7s %13s %3d\n", name, unit, median(sr.irsa), median(sr.sdk), ratio, spread, len(sr.irsa))
	}
	return nil
}
