package evtx

import (
	"bytes"
	"context"
	"os"
	"path"
	"syscall"
	"testing"

	gevtx "github.com/0xrawsec/golang-evtx/evtx"

	"github.com/extriage/extriage/parsers"
)

// benchFiles are large corpus files on which golang-evtx's FastEvents does
// not panic, so both can be compared: a Security log (3561 records of event
// 4625, 21 named values each) and a System log (1601 records).
var benchFiles = []string{
	"evtx/DeepBlueCLI/evtx/smb-password-guessing-security.evtx",
	"evtx/python-evtx/tests/data/system.evtx",
}

func benchData(b *testing.B, rel string) []byte {
	b.Helper()
	data, err := os.ReadFile(corpusPath(b, rel))
	if err != nil {
		b.Skipf("corpus file missing: %v", err)
	}
	return data
}

// BenchmarkParse measures this package on each of benchFiles, held in
// memory, with GOMAXPROCS workers: records/s (wall clock), CPU time per
// record (all threads; steadier than wall time on a shared machine) and
// allocations. The sub-benchmarks choose the BinXML reader for template
// definitions: golang-evtx first (the default) or ours first.
func BenchmarkParse(b *testing.B) {
	for _, rel := range benchFiles {
		data := benchData(b, rel)
		in := parsers.Input{Path: rel, R: bytes.NewReader(data), Size: int64(len(data))}
		for _, bc := range []struct {
			name string
			p    Parser
		}{
			{"golang-evtx-templates", Parser{}},
			{"own-templates", Parser{readers: ownFirst}},
		} {
			b.Run(path.Base(rel)+"/"+bc.name, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				total := 0
				cpu0 := cpuTime()
				for b.Loop() {
					n := 0
					err := bc.p.Parse(context.Background(), in, parsers.Sink{
						Record: func(*parsers.Record) bool { n++; return true },
					})
					if err != nil || n == 0 {
						b.Fatalf("parse: %d records, %v", n, err)
					}
					total += n
				}
				b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "records/s")
				b.ReportMetric(float64(cpuTime()-cpu0)/float64(total), "cpu-ns/record")
			})
		}
	}
}

// BenchmarkGolangEvtxFastEvents measures golang-evtx v1.2.9's own
// File.FastEvents on the same files, for comparison (counting the events,
// as the golang-evtx notes did). Only files on which it does not panic are
// used: its panics cannot be recovered.
func BenchmarkGolangEvtxFastEvents(b *testing.B) {
	for _, rel := range benchFiles {
		data := benchData(b, rel)
		b.Run(path.Base(rel), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			total := 0
			cpu0 := cpuTime()
			for b.Loop() {
				f, err := gevtx.New(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for range f.FastEvents() {
					n++
				}
				if n == 0 {
					b.Fatal("no events")
				}
				total += n
			}
			b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(total), "cpu-ns/record")
		})
	}
}

// cpuTime returns the CPU time (user and system, all threads) the process
// has used, in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
