// Command benchscan runs the built extriage binary on the bench bundle (see
// bench/genbundle) and prints how long the scan took and the most memory
// the process held (peak resident set size, from the kernel's account of
// the child). It fails when the peak passes -max-rss or the scan fails.
//
// Usage:
//
//	go run ./bench/benchscan [-bin bin/extriage] [-max-rss 150] [-jobs 0] BUNDLE
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

func main() {
	bin := flag.String("bin", "bin/extriage", "the extriage binary to measure")
	maxRSS := flag.Float64("max-rss", 150, "the most peak memory allowed, in MiB")
	jobs := flag.Int("jobs", 0, "--jobs for the scan (0: the number of CPUs)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: benchscan [-bin bin/extriage] [-max-rss MiB] BUNDLE")
		os.Exit(2)
	}
	bundle := flag.Arg(0)
	out := filepath.Join(filepath.Dir(filepath.Clean(bundle)), "result.json")
	cmd := exec.Command(*bin, "scan", "--format", "json", "--progress", "never", "--fail-on", "none",
		"--jobs", fmt.Sprint(*jobs), "-o", out, bundle)
	cmd.Stderr = os.Stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchscan: %s failed: %v\n", *bin, err)
		os.Exit(1)
	}
	rss, ok := peakRSS(cmd.ProcessState)
	var doc struct {
		Inputs []struct {
			Bytes   int64 `json:"bytes"`
			Records int64 `json:"records"`
			Archive bool  `json:"archive"`
			Failed  bool  `json:"failed"`
		} `json:"inputs"`
		Findings []json.RawMessage `json:"findings"`
		Warnings []string          `json:"warnings"`
	}
	data, err := os.ReadFile(out)
	if err == nil {
		err = json.Unmarshal(data, &doc)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchscan: reading %s: %v\n", out, err)
		os.Exit(1)
	}
	var bytes, records int64
	logs := 0
	for _, in := range doc.Inputs {
		if !in.Archive && !in.Failed {
			bytes += in.Bytes
			records += in.Records
			logs++
		}
	}
	fmt.Printf("bench: extriage scan of %.2f GiB of logs (%d logs, %d records, %d findings, %d warnings)\n",
		float64(bytes)/(1<<30), logs, records, len(doc.Findings), len(doc.Warnings))
	fmt.Printf("bench: time %.1f s (%.0f MiB/s)\n", elapsed.Seconds(), float64(bytes)/(1<<20)/elapsed.Seconds())
	if !ok {
		fmt.Println("bench: peak RSS: not measurable on this system")
		return
	}
	verdict := "ok"
	if rss > *maxRSS {
		verdict = "OVER THE TARGET"
	}
	fmt.Printf("bench: peak RSS %.1f MiB (target < %.0f MiB): %s\n", rss, *maxRSS, verdict)
	if rss > *maxRSS {
		os.Exit(1)
	}
}
