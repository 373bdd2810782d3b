package evtx

import (
	"bytes"
	stdlog "log"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	ulog "github.com/0xrawsec/golang-utils/log"

	"github.com/extriage/extriage/parsers"
)

// manifest reads corpus/evtx/MANIFEST.tsv: path -> evtxexport record count.
func manifest(t *testing.T) map[string]int {
	t.Helper()
	b, err := os.ReadFile(corpusPath(t, "evtx/MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	cols := strings.Split(lines[0], "\t")
	col := -1
	for i, c := range cols {
		if c == "evtxexport records" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("MANIFEST.tsv has no \"evtxexport records\" column: %q", cols)
	}
	m := make(map[string]int)
	for _, line := range lines[1:] {
		f := strings.Split(line, "\t")
		if len(f) <= col {
			continue
		}
		n, err := strconv.Atoi(f[col])
		if err != nil {
			t.Fatalf("MANIFEST.tsv: bad count in %q", line)
		}
		m[f[0]] = n
	}
	return m
}

// corpusFiles lists every .evtx file under corpus/evtx, relative to it.
func corpusFiles(t *testing.T) []string {
	t.Helper()
	root := corpusPath(t, "evtx")
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".evtx") {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 100 {
		t.Fatalf("only %d .evtx files under %s", len(files), root)
	}
	return files
}

// TestCorpus parses every .evtx file of the corpus: no panic, no hang, every
// warning names its file, and at least as many records as evtxexport reads
// (MANIFEST.tsv records evtxexport's counts).
func TestCorpus(t *testing.T) {
	want := manifest(t)
	files := corpusFiles(t)
	root := corpusPath(t, "evtx")
	var mu sync.Mutex
	total, totalWant := 0, 0
	for _, rel := range files {
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(root, filepath.FromSlash(rel))
			res := parseFile(t, Parser{Workers: 2}, path)
			for _, w := range res.warns {
				if w.Path != path || w.Msg == "" {
					t.Errorf("warning does not name the file: %+v", w)
				}
			}
			for _, r := range res.recs {
				if r.Path != path || r.Format != parsers.FormatEVTX || r.Offset <= 0 {
					t.Fatalf("bad record: %+v", r)
				}
			}
			n, ok := want[rel]
			if !ok {
				t.Logf("%s is not in MANIFEST.tsv: read %d records", rel, len(res.recs))
				return
			}
			mu.Lock()
			total += len(res.recs)
			totalWant += n
			mu.Unlock()
			if len(res.recs) < n {
				t.Errorf("%s: read %d records, evtxexport reads %d (warnings: %v, error: %v)", rel, len(res.recs), n, res.warns, res.err)
			}
		})
	}
	t.Cleanup(func() {
		t.Logf("%d files: %d records read, evtxexport reads %d", len(files), total, totalWant)
	})
}

// TestReadersAgree checks our BinXML element reader against golang-evtx's
// over the whole corpus. The default reads template definitions with our
// reader and falls back to golang-evtx's; parsing with our reader alone
// must give exactly the same records, and golang-evtx alone must give the
// same records wherever it can read them (fewer where it fails).
func TestReadersAgree(t *testing.T) {
	root := corpusPath(t, "evtx")
	own, gol, def := 0, 0, 0
	for _, rel := range corpusFiles(t) {
		path := filepath.Join(root, filepath.FromSlash(rel))
		d := parseFile(t, Parser{Workers: 1}, path)
		o := parseFile(t, Parser{Workers: 1, readers: ownOnly}, path)
		g := parseFile(t, Parser{Workers: 1, readers: golangOnly}, path)
		def, own, gol = def+len(d.recs), own+len(o.recs), gol+len(g.recs)
		if len(d.recs) != len(o.recs) {
			t.Errorf("%s: %d records by default, %d with our reader alone", rel, len(d.recs), len(o.recs))
			continue
		}
		for i := range d.recs {
			if !reflect.DeepEqual(d.recs[i], o.recs[i]) {
				t.Errorf("%s record %d:\n default      %+v\n our reader   %+v", rel, d.recs[i].RecordID, d.recs[i], o.recs[i])
				break
			}
		}
		byOffset := make(map[int64]*parsers.Record, len(d.recs))
		for _, r := range d.recs {
			byOffset[r.Offset] = r
		}
		for _, r := range g.recs {
			if !reflect.DeepEqual(byOffset[r.Offset], r) {
				t.Errorf("%s record %d:\n default      %+v\n golang-evtx  %+v", rel, r.RecordID, byOffset[r.Offset], r)
				break
			}
		}
	}
	t.Logf("records: %d by default, %d with our reader alone, %d with golang-evtx alone", def, own, gol)
}

// TestQuietLogging: golang-evtx's log lines (golang-utils/log, some of them
// printed whatever the level) never reach the standard logger's output,
// while other log lines still do.
func TestQuietLogging(t *testing.T) {
	f, ok := stdlog.Writer().(*utilsLogFilter)
	if !ok {
		t.Fatalf("the standard logger writes to %T, not through the filter", stdlog.Writer())
	}
	var buf bytes.Buffer
	old := f.next
	f.next = &buf
	defer func() { f.next = old }()

	ulog.Error("golang-evtx error")
	ulog.DontPanicf("%s", "golang-evtx panic report")
	ulog.Critical("critical")
	// Files on which golang-evtx logs: nested BinXML, damaged chunks.
	parseFile(t, Parser{}, corpusPath(t, "evtx/evtx-rs/samples/E_ShadowCopy6_windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx"))
	parseFile(t, Parser{}, corpusPath(t, "evtx-damaged/corrupt_binxml_rec1.evtx"))
	if buf.Len() != 0 {
		t.Errorf("golang-utils log output leaked: %q", buf.String())
	}
	stdlog.Print("a line of our own")
	if !strings.Contains(buf.String(), "a line of our own") {
		t.Errorf("other log lines are dropped: %q", buf.String())
	}
}
