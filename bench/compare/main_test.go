package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/extriage/extriage/fixtures/evtxwriter"
	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/evtx"
)

// TestEVTXSubset: the slice of a log that evtx_dump.py reads is a valid
// EVTX file (its header counts its chunks, with a right checksum) holding
// the first records of the log, as many as evtxSubset and evtxRecords say.
func TestEVTXSubset(t *testing.T) {
	var events []evtxwriter.Event
	for i := range 3000 {
		events = append(events, evtxwriter.Event{Provider: "MSExchange ADAccess", EventID: 2080, Level: evtxwriter.LevelInformation,
			Time: time.Date(2021, 3, 1, 0, 0, i, 0, time.UTC), Channel: "Application", Computer: "EXCH01",
			Data: []string{fmt.Sprintf("topology discovery %d", i)}})
	}
	data, err := evtxwriter.Bytes(events, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "Application.evtx"), filepath.Join(dir, "subset.evtx")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if n, err := evtxRecords(src); err != nil || n != 3000 {
		t.Fatalf("evtxRecords = %d, %v; want 3000", n, err)
	}
	n, err := evtxSubset(src, dst, 500)
	if err != nil || n < 500 || n >= 3000 {
		t.Fatalf("evtxSubset = %d, %v; want at least 500 of the 3000 records", n, err)
	}
	if m, err := evtxRecords(dst); err != nil || m != n {
		t.Fatalf("the subset holds %d records by its chunk headers (%v), evtxSubset says %d", m, err, n)
	}
	f, err := os.Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	var got []*parsers.Record
	var warns []parsers.Warning
	err = evtx.Parser{}.Parse(context.Background(), parsers.Input{Path: dst, R: f, Size: fi.Size()}, parsers.Sink{
		Record: func(r *parsers.Record) bool { got = append(got, r); return true },
		Warn:   func(w parsers.Warning) { warns = append(warns, w) },
	})
	if err != nil || len(warns) != 0 || int64(len(got)) != n || got[0].RecordID != 1 || got[len(got)-1].RecordID != uint64(n) {
		t.Fatalf("reading the subset: %d records, warnings %v, %v", len(got), warns, err)
	}
}
