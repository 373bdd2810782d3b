package setuplog

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/extriage/extriage/parsers"
)

// FuzzParse feeds arbitrary bytes to Sniff and Parse. Neither may panic.
// Parse must end and deliver records in line order, all of one generation,
// with run indices that start at 1 and grow by at most one; never more
// records than lines; suppressed errors only on error records; and, for
// time-only stamps anchored on ModTime, the last stamped record on
// ModTime's date (ModTime is noon: no time of day is more than twelve
// hours past it, which would put the line on the day before).
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*")
	for _, p := range seeds {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	if dir := fuzzCorpusRoot(); dir != "" {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(p) != ".log" {
				return nil
			}
			if data, err := os.ReadFile(p); err == nil {
				if len(data) > 16<<10 {
					data = data[:16<<10]
				}
				f.Add(data)
			}
			return nil
		})
	}
	f.Add([]byte("[23:00:00] Entering A::B\n[00:00:00]\n  Error code 0XC1037B44 (31556): x\n[00:00:01] === IGNORING PREVIOUS ERRORS ===\n"))
	f.Add([]byte("[2/29/2021 12:00:00 AM] [0] Starting Microsoft Exchange 2007 Setup\n[1/1/1 1:1:1] [9] x\n"))
	mod := time.Date(2005, 6, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		(Parser{}).Sniff(data)
		res := parseBytes(t, "fuzz.log", data, mod)
		if res.err != nil {
			if len(res.recs) != 0 {
				t.Fatalf("error %v after %d records", res.err, len(res.recs))
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		if len(res.recs) > lines {
			t.Fatalf("%d records from %d lines", len(res.recs), lines)
		}
		prevLine, prevRun := 0, 0
		gen := ""
		var lastNoDate *parsers.Record
		for _, r := range res.recs {
			run, err := strconv.Atoi(r.Fields["run"])
			if err != nil || r.Line <= prevLine || run < 1 || run < prevRun || run > prevRun+1 {
				t.Fatalf("record at line %d run %q after line %d run %d", r.Line, r.Fields["run"], prevLine, prevRun)
			}
			prevLine, prevRun = r.Line, run
			if gen == "" {
				gen = r.Fields["generation"]
			}
			if r.Fields["generation"] != gen || (gen != Gen55 && gen != Gen2000 && gen != Gen2007) {
				t.Fatalf("line %d: generation %q after %q", r.Line, r.Fields["generation"], gen)
			}
			if r.Fields["ignored"] != "" && (r.Fields["error_code"] == "" || r.Level == parsers.LevelError) {
				t.Fatalf("line %d: ignored without an error code, or still an error", r.Line)
			}
			if r.TimeQ == parsers.TimeNoDate {
				lastNoDate = r
			}
			if (r.TimeQ == parsers.TimeNone) != r.Time.IsZero() {
				t.Fatalf("line %d: time %v with quality %q", r.Line, r.Time, r.TimeQ)
			}
		}
		if lastNoDate != nil {
			y, m, d := lastNoDate.Time.Date()
			if y != 2005 || m != 6 || d != 1 {
				t.Fatalf("last stamped line %d on %v, want ModTime's date", lastNoDate.Line, lastNoDate.Time)
			}
		}
		for _, r := range parseBytes(t, "fuzz.log", data, time.Time{}).recs {
			if (r.TimeQ == parsers.TimeNone) != r.Time.IsZero() {
				t.Fatalf("no ModTime: line %d: time %v with quality %q", r.Line, r.Time, r.TimeQ)
			}
		}
		runs := Summarise(res.recs)
		if len(runs) != prevRun {
			t.Fatalf("%d runs summarised, records say %d", len(runs), prevRun)
		}
		Select(runs)
	})
}

// fuzzCorpusRoot returns the corpus folder of setup logs, "" when absent.
func fuzzCorpusRoot() string {
	dir, err := filepath.Abs(".")
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	root := filepath.Join(dir, "..", "shared", "corpus", "exchange-setup")
	if _, err := os.Stat(root); err != nil {
		return ""
	}
	return root
}
