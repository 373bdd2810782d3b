package updatelog

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/extriage/extriage/parsers"
)

// FuzzParse feeds arbitrary bytes to Parse and Sniff. Neither may panic;
// Parse must end, deliver records in line order with run indices that start
// at 1 and grow by at most one, and never more records than lines; the run
// summary must agree with the records.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*")
	for _, p := range seeds {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	for _, p := range fuzzCorpusSeeds(f) {
		f.Add(p)
	}
	f.Add([]byte("0.000: ====================\n1,5: x\n99999999999.999: y\n\xff\xfe"))
	f.Add([]byte("0.000: Started: 03/04/2010 (D/M/Y) 10:21:07,125 (local)\n0.000: 14/13/2010 10:21:07.1 (local)\n1.000: x (local)\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		(Parser{}).Sniff(data)
		res := parseBytes(t, "fuzz.log", data)
		if res.err != nil {
			if len(res.recs) != 0 {
				t.Fatalf("error %v after %d records", res.err, len(res.recs))
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) + 1
		if len(res.recs) > lines {
			t.Fatalf("%d records from %d lines", len(res.recs), lines)
		}
		prevLine, prevRun := 0, 0
		for _, r := range res.recs {
			run, err := strconv.Atoi(r.Fields["run"])
			if err != nil || r.Line <= prevLine || run < 1 || run < prevRun || run > prevRun+1 {
				t.Fatalf("record at line %d run %q after line %d run %d", r.Line, r.Fields["run"], prevLine, prevRun)
			}
			if r.Level != parsers.LevelNone && r.Level != parsers.LevelError && r.Level != parsers.LevelWarning {
				t.Fatalf("level %q", r.Level)
			}
			prevLine, prevRun = r.Line, run
		}
		if runs := Summarise(res.recs); len(runs) != prevRun {
			t.Fatalf("%d runs summarised, records say %d", len(runs), prevRun)
		}
	})
}

// fuzzCorpusSeeds returns the first 16 KiB of each corpus setup log, so the
// fuzzer also starts from real text of a neighbouring format; none when the
// corpus is absent.
func fuzzCorpusSeeds(f *testing.F) [][]byte {
	dir, err := filepath.Abs(".")
	if err != nil {
		return nil
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
	var out [][]byte
	root := filepath.Join(dir, "..", "shared", "corpus", "exchange-setup")
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".log" {
			return nil
		}
		if data, err := os.ReadFile(p); err == nil {
			if len(data) > 16<<10 {
				data = data[:16<<10]
			}
			out = append(out, data)
		}
		return nil
	})
	return out
}
