package evtx

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"sync"
	"syscall"
	"testing"
	"time"

	gevtx "github.com/0xrawsec/golang-evtx/evtx"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/fixtures/evtxwriter"
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
// definitions: ours first (the default) or golang-evtx's first.
func BenchmarkParse(b *testing.B) {
	for _, rel := range benchFiles {
		data := benchData(b, rel)
		in := parsers.Input{Path: rel, R: bytes.NewReader(data), Size: int64(len(data))}
		for _, bc := range []struct {
			name string
			p    Parser
		}{
			{"own-templates", Parser{}},
			{"golang-evtx-templates", Parser{readers: golangFirst}},
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

// generated is an Application log like the ones `make bench` generates:
// classic sources with two insertion strings, a manifest provider with
// named values, and now and then an MsiInstaller failure (about 8 MiB).
var generated = sync.OnceValues(func() ([]byte, error) {
	base := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	words := []string{"mailbox", "database", "store", "transport", "queue", "connector", "replication", "service"}
	var events []evtxwriter.Event
	for i := range 24000 {
		e := evtxwriter.Event{Provider: "MSExchange ADAccess", EventID: 2080, Level: evtxwriter.LevelInformation,
			Time: base.Add(time.Duration(i) * time.Second), Channel: "Application", Computer: "EXCH01.contoso.local",
			Data: []string{fmt.Sprintf("%s %s %s", words[i%8], words[i*7%8], words[i*3%8]), fmt.Sprint(i * 37 % 100000)}}
		switch {
		case i%3 == 1:
			e.Provider, e.ProviderGUID, e.EventID = "MSExchange Front End HTTP Proxy", "{5d2f3f44-6ae6-4e4b-a8b2-2e9c3a3a6b21}", 1003
			e.DataNames = []string{"Server", "Latency", "Protocol"}
			e.Data = []string{"EXCH02.contoso.local", fmt.Sprint(i % 977), "mapi"}
		case i%5000 == 7:
			e.Provider, e.EventID, e.Level = "MsiInstaller", 11708, evtxwriter.LevelError
			e.Data = []string{"Product: Microsoft Exchange Server -- Installation operation failed."}
		}
		events = append(events, e)
	}
	return evtxwriter.Bytes(events, nil)
})

func generatedLog(b *testing.B) []byte {
	b.Helper()
	data, err := generated()
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkParseGenerated measures a full parse of the generated log (no
// corpus needed): records/s, CPU per record and allocations.
func BenchmarkParseGenerated(b *testing.B) {
	data := generatedLog(b)
	in := parsers.Input{Path: "Application.evtx", R: bytes.NewReader(data), Size: int64(len(data))}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	total := 0
	cpu0 := cpuTime()
	for b.Loop() {
		n := 0
		if err := (Parser{}).Parse(context.Background(), in, parsers.Sink{
			Record: func(*parsers.Record) bool { n++; return true },
		}); err != nil || n == 0 {
			b.Fatalf("parse: %d records, %v", n, err)
		}
		total += n
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(total), "cpu-ns/record")
}

// catalogWords are the words the rule catalog's engine gives the EVTX
// pre-filter.
func catalogWords(b testing.TB) []string {
	rules, err := detectors.Catalog()
	if err != nil {
		b.Fatal(err)
	}
	return detectors.NewEngine(rules, detectors.English).Keywords(parsers.FormatEVTX)
}

// BenchmarkPrefilterMatch measures the pre-filter's search of one chunk
// for the catalog's words, on chunks that hold none of them (the whole
// chunk is searched): the cost of a chunk the scan passes over, beside its
// read and its SHA-256.
func BenchmarkPrefilterMatch(b *testing.B) {
	data := generatedLog(b)
	m := newMatcher(catalogWords(b))
	var chunks [][]byte
	var scratch []byte
	for off := fileHeaderSize; off+chunkSize <= len(data); off += chunkSize {
		if c := data[off : off+chunkSize]; !m.match(c, &scratch) {
			chunks = append(chunks, c)
		}
	}
	if len(chunks) == 0 {
		b.Fatal("every chunk holds a word")
	}
	b.SetBytes(chunkSize)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if m.match(chunks[i%len(chunks)], &scratch) {
			b.Fatal("match")
		}
		i++
	}
}

// BenchmarkParsePrefiltered measures Parse of the generated log with the
// catalog's pre-filter, as a scan runs it: most chunks are passed over.
func BenchmarkParsePrefiltered(b *testing.B) {
	data := generatedLog(b)
	words := catalogWords(b)
	in := parsers.Input{Path: "Application.evtx", R: bytes.NewReader(data), Size: int64(len(data))}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	read, skipped := 0, 0
	for b.Loop() {
		if err := (Parser{}).Parse(context.Background(), in, parsers.Sink{
			Record:    func(*parsers.Record) bool { read++; return true },
			Prefilter: &parsers.Prefilter{Words: words, Skipped: func(n int) { skipped += n }},
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(read+skipped)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(100*float64(skipped)/float64(read+skipped), "%skipped")
}
