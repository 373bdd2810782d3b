package evt

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/extriage/extriage/fixtures/evtwriter"
	"github.com/extriage/extriage/parsers"
)

// fuzzSeeds are writer files of every kind, and the corpus .evt files when
// they are there.
func fuzzSeeds(t testing.TB) [][]byte {
	events := sampleEvents(12)
	split := splitSize(t, sampleEvents(40), evtwriter.Options{})
	zeroed := sampleEvents(4)
	zeroed[1].ZeroFrom = 90
	var seeds [][]byte
	for _, c := range []struct {
		ev  []evtwriter.Event
		opt evtwriter.Options
	}{
		{events, evtwriter.Options{}},
		{nil, evtwriter.Options{}},
		{events, evtwriter.Options{MaxSize: 8192, Garbage: true}},
		{sampleEvents(40), evtwriter.Options{MaxSize: split}},
		{sampleEvents(40), evtwriter.Options{MaxSize: split, Dirty: true, StaleAfter: 20}},
		{sampleEvents(40), evtwriter.Options{MaxSize: split, Dirty: true, NoEOF: true}},
		{events, evtwriter.Options{Dirty: true, NoEOF: true, MaxSize: 8192}},
		{events, evtwriter.Options{TruncateAt: 700}},
		{zeroed, evtwriter.Options{}},
	} {
		b, _, err := evtwriter.Build(c.ev, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	if dir, err := os.Getwd(); err == nil {
		for d := dir; filepath.Dir(d) != d; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				m, _ := filepath.Glob(filepath.Join(d, "..", "shared", "corpus", "evtx", "dissect.eventlog", "tests", "_data", "*.evt"))
				for _, p := range m {
					if b, err := os.ReadFile(p); err == nil {
						seeds = append(seeds, b)
					}
				}
				break
			}
		}
	}
	return seeds
}

// FuzzParse feeds arbitrary bytes to the parser: it must not panic, must
// end, must not report more records than fit once around the ring (no
// record read twice), and every record and warning must name the file.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkParseInvariants(t, b)
	})
}

func checkParseInvariants(t *testing.T, b []byte) {
	const path = "fuzz/AppEvent.Evt"
	n := 0
	err := Parser{}.Parse(context.Background(), parsers.Input{Path: path, R: bytes.NewReader(b), Size: int64(len(b))}, parsers.Sink{
		Record: func(r *parsers.Record) bool {
			n++
			if r.Path != path || r.Format != parsers.FormatEVT || r.Channel != "Application" {
				t.Fatalf("record %+v", r)
			}
			if r.Offset < 0x30 || r.Offset >= int64(len(b)) {
				t.Fatalf("record offset 0x%x outside the file (%d bytes)", r.Offset, len(b))
			}
			return true
		},
		Warn: func(w parsers.Warning) {
			if w.Path != path || w.Msg == "" {
				t.Fatalf("warning %+v", w)
			}
		},
	})
	switch {
	case len(b) >= 0x30 && bytes.Equal(b[4:8], []byte("LfLe")) && b[0] == 0x30 && b[1] == 0 && b[2] == 0 && b[3] == 0:
		if err != nil {
			t.Fatalf("EVT header but error %v", err)
		}
	case len(b) >= 0x30 && wholeRecordIn(b[:min(len(b), parsers.SniffSize)]):
		// A damaged header: records are recovered by scanning.
		if err != nil {
			t.Fatalf("damaged header, a whole record in the head, but error %v", err)
		}
	case err == nil:
		t.Fatal("no EVT header and no record but no error")
	}
	if max := (len(b)-0x30)/0x38 + 1; n > max {
		t.Fatalf("%d records from %d bytes (at most %d fit)", n, len(b), max)
	}
}
