package scan

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/extriage/extriage/fixtures/evtxwriter"
	"github.com/extriage/extriage/parsers"
	_ "github.com/extriage/extriage/parsers/all" // every format of the demo bundle
	"github.com/extriage/extriage/parsers/evtx"
)

// prefilterBundle writes a two-server bundle whose event logs have many
// chunks of ordinary events and, here and there, events the rules report
// (MsiInstaller 11708, MSExchangeCluster 1025, MSExchangeIS 5000, a
// Service Control Manager 7024 for the information store), spread over
// several chunks; one server's logs are in a zip. It returns the bundle's
// folder and the Application log's bytes.
func prefilterBundle(t *testing.T) (string, []byte) {
	t.Helper()
	base := time.Date(2021, 3, 13, 5, 0, 0, 0, time.UTC)
	log := func(channel, host string, special map[int]evtxwriter.Event) []byte {
		var events []evtxwriter.Event
		for i := range 4000 {
			e, ok := special[i]
			if !ok {
				e = evtxwriter.Event{Provider: "MSExchange ADAccess", EventID: 2080, Level: evtxwriter.LevelInformation,
					Data: []string{fmt.Sprintf("topology discovery %d", i), "ok"}}
				if channel == "System" {
					e.Provider, e.EventID = "Microsoft-Windows-Kernel-General", 12
				}
			}
			e.Time, e.Channel, e.Computer = base.Add(time.Duration(i)*time.Second), channel, host
			events = append(events, e)
		}
		b, err := evtxwriter.Bytes(events, nil)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	msi := evtxwriter.Event{Provider: "MsiInstaller", EventID: 11708, Level: evtxwriter.LevelError,
		Data: []string{"Product: Microsoft Exchange Server -- Installation operation failed."}}
	cluster := evtxwriter.Event{Provider: "MSExchangeCluster", EventID: 1025, Qualifiers: 0xC000, Level: evtxwriter.LevelError,
		Data: []string{"EXVS1"}}
	store := evtxwriter.Event{Provider: "MSExchangeIS", EventID: 5000, Qualifiers: 0xC000, Level: evtxwriter.LevelError,
		Data: []string{"0xc8000228"}}
	scm := evtxwriter.Event{Provider: "Service Control Manager", EventID: 7024, Qualifiers: 0xC000, Level: evtxwriter.LevelError,
		Data: []string{"Microsoft Exchange Information Store", "3355443752"}}
	app := log("Application", "EXCH01.contoso.local", map[int]evtxwriter.Event{900: msi, 1900: cluster, 1901: store, 3500: msi})
	sys := log("System", "EXCH01.contoso.local", map[int]evtxwriter.Event{2500: scm})
	app2 := log("Application", "EXCH02.contoso.local", map[int]evtxwriter.Event{1200: store, 3900: msi})
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"bundle/EXCH01/Application.evtx": app,
		"bundle/EXCH01/System.evtx":      sys,
		"bundle/EXCH02-315.zip":          zipOf(t, entry{name: "EventLogs/Application.evtx", data: app2}),
	})
	return filepath.Join(dir, "bundle"), app
}

// scanBoth scans args with and without the pre-filter.
func scanBoth(t *testing.T, args ...string) (with, without *Result) {
	t.Helper()
	files, probs, err := DiscoverWith(args, DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eng := engine(t)
	with = Run(context.Background(), files, probs, eng, Options{Jobs: 2})
	without = Run(context.Background(), files, probs, eng, Options{Jobs: 2, noPrefilter: true})
	return with, without
}

// TestPrefilterChangesNoFinding: a scan in which the EVTX parser passes
// over the chunks no rule can use finds exactly what a scan that reads
// every record finds, with the same inventory (records of skipped chunks
// included), hosts, warnings and verdicts.
func TestPrefilterChangesNoFinding(t *testing.T) {
	bundle, app := prefilterBundle(t)

	// The bundle does exercise the filter: most chunks of the Application
	// log hold none of the engine's words.
	words := engine(t).Keywords(parsers.FormatEVTX)
	chunkOf := map[uint64]int64{} // record ID -> chunk
	skipped := 0
	err := evtx.Parser{}.Parse(context.Background(), parsers.Input{Path: "Application.evtx", R: bytes.NewReader(app), Size: int64(len(app))},
		parsers.Sink{Record: func(r *parsers.Record) bool { chunkOf[r.RecordID] = (r.Offset - 4096) >> 16; return true },
			Prefilter: &parsers.Prefilter{Words: words, Skipped: func(n int) { skipped += n }}})
	if err != nil || len(chunkOf)+skipped != 4000 || skipped < 2000 {
		t.Fatalf("with the engine's words: %d records read, %d skipped, %v; want most of 4000 skipped", len(chunkOf), skipped, err)
	}

	with, without := scanBoth(t, bundle)
	// Findings come from records in several chunks of the Application log.
	chunks := map[int64]bool{}
	appPath := filepath.Join(bundle, "EXCH01", "Application.evtx")
	for _, f := range without.Findings {
		for _, ev := range f.Evidence {
			if c, ok := chunkOf[ev.Record]; ok && ev.Path == appPath {
				chunks[c] = true
			}
		}
	}
	if len(without.Findings) < 3 || len(chunks) < 2 {
		t.Fatalf("the bundle gives %d findings from %d chunks of the Application log; the test needs several of each", len(without.Findings), len(chunks))
	}
	if !reflect.DeepEqual(with.Findings, without.Findings) {
		t.Errorf("findings differ:\nwith the pre-filter    %+v\nwithout the pre-filter %+v", with.Findings, without.Findings)
	}
	for _, cmp := range []struct {
		what      string
		got, want any
	}{
		{"inputs", with.Inputs, without.Inputs},
		{"hosts", with.Hosts, without.Hosts},
		{"warnings", with.Warnings, without.Warnings},
		{"verdicts", with.Bundles, without.Bundles},
		{"summary", with.Summary, without.Summary},
	} {
		if !reflect.DeepEqual(cmp.got, cmp.want) {
			t.Errorf("%s differ:\nwith the pre-filter    %+v\nwithout the pre-filter %+v", cmp.what, cmp.got, cmp.want)
		}
	}
	// Skipped records are counted: every input has all its records.
	for _, p := range []string{
		filepath.Join(bundle, "EXCH01", "Application.evtx"),
		filepath.Join(bundle, "EXCH01", "System.evtx"),
		filepath.Join(bundle, "EXCH02-315.zip") + "!EventLogs/Application.evtx",
	} {
		if in := input(t, with, p); in.Records != 4000 {
			t.Errorf("%s: %d records in the inventory, want 4000", p, in.Records)
		}
	}
}

// TestPrefilterDemoBundle: the demo bundle scans the same with and
// without the pre-filter.
func TestPrefilterDemoBundle(t *testing.T) {
	demo := filepath.Join("..", "fixtures", "bundles", "ex2003-cluster-sp2-failure")
	if _, err := os.Stat(demo); err != nil {
		t.Fatal(err)
	}
	with, without := scanBoth(t, demo)
	if len(without.Findings) == 0 {
		t.Fatal("the demo bundle gives no finding")
	}
	if !reflect.DeepEqual(with, without) {
		t.Errorf("the demo bundle scans differently with the pre-filter:\nwith    %+v\nwithout %+v", with, without)
	}
}
