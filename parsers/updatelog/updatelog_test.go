package updatelog

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/internal/testkit"

	"github.com/extriage/extriage/parsers"
)

// result is what one Parse call produced.
type result struct {
	recs  []*parsers.Record
	warns []parsers.Warning
	err   error
}

func parseBytes(t testing.TB, name string, data []byte) result {
	t.Helper()
	r := testkit.ParseBytes(Parser{}, name, data)
	return result{r.Recs, r.Warns, r.Err}
}

func parseFile(t testing.TB, path string) result {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseBytes(t, path, data)
}

// recAt returns the record that starts at line n.
func recAt(t *testing.T, recs []*parsers.Record, n int) *parsers.Record {
	t.Helper()
	for _, r := range recs {
		if r.Line == n {
			return r
		}
	}
	t.Fatalf("no record starts at line %d", n)
	return nil
}

type wantRec struct {
	line    int
	msg     string
	elapsed string
	run     string
	level   parsers.Level
	fields  map[string]string
}

// header is where a run's dated header is and the time it gives elapsed 0.
type header struct {
	line int
	at   time.Time
}

func TestParse(t *testing.T) {
	tests := []struct {
		file     string
		count    int
		recs     []wantRec
		runs     int
		runCheck func(t *testing.T, runs []Run)
		// started gives, per run, the line of its "Started: ... (local)"
		// header and the wall-clock time at elapsed 0: from that line
		// on, the run's lines carry local times. Runs not listed have
		// elapsed seconds only.
		started map[string]header
	}{
		{
			file:    "KB979309.log",
			count:   9,
			started: map[string]header{"1": {2, time.Date(2010, 4, 14, 10, 21, 7, 125e6, time.UTC)}},
			recs: []wantRec{
				{line: 1, msg: strings.Repeat("=", 72), elapsed: "0.000", run: "1"},
				{line: 6, msg: "[PatchFilesFromResponseBlob] returning STATUS_READY_TO_INSTALL", elapsed: "1.297", run: "1"},
				{line: 7, msg: "KB979309 installation did not complete.", elapsed: "1.313", run: "1", level: parsers.LevelError},
				{line: 8, msg: "Update.exe extended error code = 0xf201", elapsed: "1.313", run: "1", level: parsers.LevelError,
					fields: map[string]string{"extended_error": "0xf201"}},
				{line: 9, elapsed: "1.313", run: "1", level: parsers.LevelError},
			},
			runs: 1,
			runCheck: func(t *testing.T, runs []Run) {
				r := runs[0]
				if !r.Failed || !r.DidNotComplete || r.Package != "KB979309" || r.ExtendedError != "0xf201" ||
					r.ExtendedErrorLine != 8 || r.Masked != "0x643" || r.FirstFailureLine != 7 || r.FirstLine != 1 || r.LastLine != 9 || r.Elapsed != "1.313" {
					t.Errorf("run = %+v", r)
				}
			},
		},
		{
			file: "svcpack.log",
			started: map[string]header{"1": {2, time.Date(2005, 6, 1, 9, 0, 0, 0, time.UTC)},
				"2": {12, time.Date(2005, 6, 2, 8, 0, 0, 0, time.UTC)}},
			count: 17,
			recs: []wantRec{
				{line: 3, msg: `FileInUse:: Added to Filelist: C:\Program Files\Exchsrvr\bin\store.exe`, elapsed: "12.345", run: "1",
					level: parsers.LevelWarning, fields: map[string]string{"file_in_use": `C:\Program Files\Exchsrvr\bin\store.exe`}},
				{line: 4, msg: "DoInstallation:MyInstallCatalogFiles  failed:STR_CATALOG_INSTALL_FAILED", run: "1", level: parsers.LevelError},
				{line: 5, run: "1", level: parsers.LevelError},
				{line: 6, run: "1", level: parsers.LevelNone},
				{line: 7, msg: "Message displayed to the user: Failed to install catalog files.", level: parsers.LevelNone},
				{line: 9, elapsed: "1448.406", run: "1", level: parsers.LevelError},
				// the separator at 0.000 opens run 2
				{line: 11, elapsed: "0.000", run: "2"},
				// a wrapped message: the continuation is joined, the trailing blank line dropped
				{line: 13, msg: "Message displayed to the user: Setup could not replace a file\nthat is in use; it will be replaced when the computer restarts.", elapsed: "3.500", run: "2"},
				{line: 16, run: "2", level: parsers.LevelWarning},
				{line: 19, msg: "Update.exe extended error code = 0x0", run: "2", level: parsers.LevelNone,
					fields: map[string]string{"extended_error": "0x0"}},
			},
			runs: 2,
			runCheck: func(t *testing.T, runs []Run) {
				a, b := runs[0], runs[1]
				if !a.Failed || a.FirstFailureLine != 4 || a.ExtendedError != "0xf01e" || a.Masked != "0x643" || a.FilesInUseCount != 1 || a.LastLine != 10 || a.RebootRequired {
					t.Errorf("run 1 = %+v", a)
				}
				if b.Failed || b.ExtendedError != "0x0" || b.FirstLine != 11 || b.LastLine != 19 || !b.RebootRequired || b.RebootLine != 18 {
					t.Errorf("run 2 = %+v", b)
				}
				want := []FileInUse{{`C:\WINDOWS\system32\inetsrv\w3svc.dll`, 16}, {`C:\WINDOWS\system32\msv1_0.dll`, 17}}
				if len(b.FilesInUse) != 2 || b.FilesInUse[0] != want[0] || b.FilesInUse[1] != want[1] {
					t.Errorf("run 2 files in use = %v, want %v", b.FilesInUse, want)
				}
			},
		},
		{
			file:  "KB_utf16.log",
			count: 5,
			recs: []wantRec{
				{line: 1, msg: "Update.exe started", elapsed: "1.000", run: "1"},
				{line: 2, msg: `FileInUse:: Added to Filelist: C:\Program Files\Exchsrvr\bin\mad.exe`, run: "1", level: parsers.LevelWarning},
				{line: 3, msg: "Update.exe failed 1603.", run: "1", level: parsers.LevelError},
				// elapsed time goes backwards: a new run
				{line: 4, elapsed: "0.500", run: "2"},
				{line: 5, elapsed: "4.250", run: "2", level: parsers.LevelNone},
			},
			runs: 2,
			runCheck: func(t *testing.T, runs []Run) {
				if !runs[0].Failed || runs[0].FilesInUseCount != 1 || runs[1].Failed || runs[1].ExtendedError != "0x0" {
					t.Errorf("runs = %+v", runs)
				}
			},
		},
		{
			file:  "KB_cp1250.log",
			count: 5,
			recs: []wantRec{
				{line: 2, msg: "Komunikat wyświetlony użytkownikowi: Nie można zastąpić pliku, który jest używany.", elapsed: "1.100"},
				{line: 3, level: parsers.LevelWarning, fields: map[string]string{"file_in_use": `C:\Program Files\Exchsrvr\bin\zażółć.dll`}},
				{line: 4, level: parsers.LevelError},
			},
			runs: 1,
			runCheck: func(t *testing.T, runs []Run) {
				r := runs[0]
				if len(r.FilesInUse) != 1 || r.FilesInUse[0].Path != `C:\Program Files\Exchsrvr\bin\zażółć.dll` || r.Package != "KB831464" || r.ExtendedError != "0xf201" {
					t.Errorf("run = %+v", r)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			res := parseFile(t, path)
			if res.err != nil {
				t.Fatal(res.err)
			}
			if len(res.warns) != 0 {
				t.Errorf("warnings: %v", res.warns)
			}
			if len(res.recs) != tt.count {
				t.Errorf("%d records, want %d", len(res.recs), tt.count)
			}
			for _, r := range res.recs {
				wantTime, wantQ := time.Time{}, parsers.TimeElapsed
				if h, ok := tt.started[r.Fields["run"]]; ok && r.Line >= h.line {
					ms := elapsedMillis(r.Fields["elapsed"])
					wantTime, wantQ = h.at.Add(time.Duration(ms)*time.Millisecond), parsers.TimeNoZone
				}
				if r.Path != path || r.Format != parsers.FormatUpdateLog || r.Offset != -1 || !r.Time.Equal(wantTime) || r.TimeQ != wantQ {
					t.Errorf("line %d: path %q format %q offset %d time %v timeq %q, want time %v %q", r.Line, r.Path, r.Format, r.Offset, r.Time, r.TimeQ, wantTime, wantQ)
				}
			}
			for _, w := range tt.recs {
				r := recAt(t, res.recs, w.line)
				if w.msg != "" && r.Message != w.msg {
					t.Errorf("line %d: message %q, want %q", w.line, r.Message, w.msg)
				}
				if w.elapsed != "" && r.Fields["elapsed"] != w.elapsed {
					t.Errorf("line %d: elapsed %q, want %q", w.line, r.Fields["elapsed"], w.elapsed)
				}
				if w.run != "" && r.Fields["run"] != w.run {
					t.Errorf("line %d: run %q, want %q", w.line, r.Fields["run"], w.run)
				}
				if r.Level != w.level {
					t.Errorf("line %d: level %q, want %q", w.line, r.Level, w.level)
				}
				for k, v := range w.fields {
					if r.Fields[k] != v {
						t.Errorf("line %d: Fields[%q] = %q, want %q", w.line, k, r.Fields[k], v)
					}
				}
			}
			runs := Summarise(res.recs)
			if len(runs) != tt.runs {
				t.Fatalf("%d runs, want %d: %+v", len(runs), tt.runs, runs)
			}
			for i, r := range runs {
				if r.Index != i+1 || r.Path != path {
					t.Errorf("run %d: index %d path %q", i+1, r.Index, r.Path)
				}
			}
			tt.runCheck(t, runs)
		})
	}
}

func TestIsFailure(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"Update.exe extended error code = 0xf01e", true},
		{"Update.exe extended error code = 0x0", false},
		{"Update.exe extended error code = 0x000", false},
		{"KB979309 installation did not complete.", true},
		{"Update.exe failed 1603.", true},
		{"Update.exe return code was masked to 0x643 for MSI custom action compliance.", true},
		{"Update.exe return code was masked to 0x0 for MSI custom action compliance.", false},
		{"DoInstallation:MyInstallCatalogFiles  failed:STR_CATALOG_INSTALL_FAILED", true},
		{"DoInstallation: Failed to unregistering spuninst.exe for recovery.", true},
		{"DoInstallation: installing files", false},
		{"MyCopyFiles failed:STR_FILE_COPY_FAILED", true},
		{"DoRegistryUpdates failed", true},
		{"DeRegistering the Uninstall Program -> Windows Server 2003 Service Pack, 0", false},
		{"Message displayed to the user: Failed to install catalog files.", false},
	}
	for _, tt := range tests {
		if got := IsFailure(tt.text); got != tt.want {
			t.Errorf("IsFailure(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestContinuationAndOddLines covers text before the first prefixed line,
// bare prefixes, blank lines and the empty file.
func TestContinuationAndOddLines(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		msgs  []string
		lines []int
		runs  []string
		timeq []parsers.TimeQuality
	}{
		// no prefixed line at all: not an update.exe log
		{"empty", "", nil, nil, nil, nil},
		{"blank lines only", "\n\r\n  \n", nil, nil, nil, nil},
		{"prose only", "hello\nworld\n", nil, nil, nil, nil},
		{"preamble", "garbage header\nmore\n0.000: first\n", []string{"garbage header\nmore", "first"}, []int{1, 3}, []string{"1", "1"},
			[]parsers.TimeQuality{parsers.TimeNone, parsers.TimeElapsed}},
		{"bare prefix then text", "1.000:\nthe text\n\n2.000: next", []string{"the text", "next"}, []int{1, 4}, []string{"1", "1"}, nil},
		{"blank inside continuation kept", "1.000: a\nb\n\nc\n\n\n", []string{"a\nb\n\nc"}, []int{1}, []string{"1"}, nil},
		{"no space after colon is not a prefix", "1.000: a\n2.000:b\n", []string{"a\n2.000:b"}, []int{1}, []string{"1"}, nil},
		{"equal elapsed is the same run", "5.000: a\n5.000: b\n", []string{"a", "b"}, []int{1, 2}, []string{"1", "1"}, nil},
		{"separator not at zero stays in run", "5.000: a\n6.000: ========================\n7.000: b\n", nil, []int{1, 2, 3}, []string{"1", "1", "1"}, nil},
		{"two separators open one run", "0.000: ========================\n0.000: ========================\n0.000: a\n0.000: ========================\n",
			nil, []int{1, 2, 3, 4}, []string{"1", "1", "1", "2"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseBytes(t, "x.log", []byte(tt.in))
			if tt.lines == nil {
				if res.err == nil || !strings.Contains(res.err.Error(), "x.log") || len(res.recs) != 0 {
					t.Fatalf("err %v, %d records; want an error naming the file and no record", res.err, len(res.recs))
				}
				return
			}
			if res.err != nil {
				t.Fatal(res.err)
			}
			if len(res.recs) != len(tt.lines) {
				t.Fatalf("%d records, want %d", len(res.recs), len(tt.lines))
			}
			for i, r := range res.recs {
				if tt.msgs != nil && r.Message != tt.msgs[i] {
					t.Errorf("record %d: message %q, want %q", i, r.Message, tt.msgs[i])
				}
				if r.Line != tt.lines[i] || r.Fields["run"] != tt.runs[i] {
					t.Errorf("record %d: line %d run %q, want %d %q", i, r.Line, r.Fields["run"], tt.lines[i], tt.runs[i])
				}
				if tt.timeq != nil && r.TimeQ != tt.timeq[i] {
					t.Errorf("record %d: timeq %q, want %q", i, r.TimeQ, tt.timeq[i])
				}
			}
		})
	}
}

func TestLongLine(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("1.000: before\r\n2.000: FileInUse:: Added to Filelist: C:\\")
	b.Write(bytes.Repeat([]byte("a"), 3<<20))
	b.WriteString("\r\n3.000: Update.exe failed 1603.\r\n")
	res := parseBytes(t, "long.log", b.Bytes())
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.recs) != 3 {
		t.Fatalf("%d records, want 3", len(res.recs))
	}
	if res.recs[2].Line != 3 || res.recs[2].Level != parsers.LevelError || res.recs[2].Fields["run"] != "1" {
		t.Errorf("record after the long line: %+v", res.recs[2])
	}
	if n := len(res.recs[1].Message); n > 1<<20 || n < 1<<19 {
		t.Errorf("long record kept %d bytes", n)
	}
	if len(res.warns) != 1 || res.warns[0].Line != 2 || res.warns[0].Path != "long.log" || !strings.Contains(res.warns[0].Msg, "longer than") {
		t.Errorf("warnings = %v, want one for line 2", res.warns)
	}
}

func TestLongContinuation(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("1.000: start\n")
	line := strings.Repeat("x", 1000) + "\n"
	for b.Len() < 3*maxMessage {
		b.WriteString(line)
	}
	b.WriteString("2.000: end\n")
	res := parseBytes(t, "cont.log", b.Bytes())
	if len(res.recs) != 2 || len(res.recs[0].Message) > maxMessage || res.recs[1].Message != "end" {
		t.Fatalf("got %d records", len(res.recs))
	}
	if len(res.warns) != 1 || res.warns[0].Line <= 1 || !strings.Contains(res.warns[0].Msg, "line 1 ") {
		t.Errorf("warnings = %v", res.warns)
	}
}

func TestStopEarly(t *testing.T) {
	data, err := os.ReadFile("testdata/svcpack.log")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = Parser{}.Parse(context.Background(), parsers.Input{Path: "s", R: bytes.NewReader(data), Size: int64(len(data))},
		parsers.Sink{Record: func(*parsers.Record) bool { n++; return n < 3 }, Warn: func(parsers.Warning) {}})
	if err != nil || n != 3 {
		t.Errorf("err %v, %d records delivered, want 3", err, n)
	}
}

func TestCancel(t *testing.T) {
	var b bytes.Buffer
	for i := 0; i < 5000; i++ {
		b.WriteString("1.000: line\n")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Parser{}.Parse(ctx, parsers.Input{Path: "c", R: bytes.NewReader(b.Bytes()), Size: int64(b.Len())},
		parsers.Sink{Record: func(*parsers.Record) bool { return true }, Warn: func(parsers.Warning) {}})
	if err != context.Canceled {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestSniff(t *testing.T) {
	msi := "=== Verbose logging started: 12/3/2015  13:14:36  Build type: SHIP UNICODE 5.00.10011.00  Calling process: c:\\x\\Setup.exe ===\r\n" +
		"MSI (c) (54:94) [11:57:26:758]: User policy value 'DisableRollback' is 0\r\n" +
		"MSI (s) (54!70) [11:57:26:738]: Product: x -- There is a problem with this Windows Installer package.\r\n" +
		"Action ended 11:57:26: InstallExecute. Return value 3.\r\n"
	export := "Event Type:\tError\r\nEvent Source:\tMSExchangeCluster\r\nEvent Category:\tServices\r\nEvent ID:\t2146\r\nDate:\t\t7/31/2001\r\nTime:\t\t5:33:28 AM\r\n"
	setup2000 := "[13:43:33] Entering CAtomServices::ScStopAtomServices\r\n[13:43:33]  CService::ScGetStatus (f:\\titanium\\admin\\src\\libs\\exsetup\\service.cxx:722)\r\n           Error code 0XC0070424 (1060): x\r\n"
	tests := []struct {
		name string
		head []byte
		min  int
		max  int
	}{
		{"KB979309", readHead(t, "testdata/KB979309.log"), 90, 100},
		{"svcpack", readHead(t, "testdata/svcpack.log"), 90, 100},
		{"utf16", readHead(t, "testdata/KB_utf16.log"), 80, 100},
		{"cp1250", readHead(t, "testdata/KB_cp1250.log"), 80, 100},
		{"prefix lines only", []byte("1.000: a\n2.000: b\n3.000: c\n"), 60, 85},
		{"one token line", []byte("1,313: Update.exe extended error code = 0xf201\n"), 50, 100},
		{"msi", []byte(msi), 0, 0},
		{"event export", []byte(export), 0, 0},
		{"setup progress", []byte(setup2000), 0, 0},
		{"empty", nil, 0, 0},
		{"document quoting lines", []byte("# Notes\nThe log said:\n\n940.344: DoInstallation:MyInstallCatalogFiles  failed:STR_CATALOG_INSTALL_FAILED\n" +
			"1448.406: Update.exe extended error code = 0xf01e\n1,297: [PatchFilesFromResponseBlob] returning STATUS_READY_TO_INSTALL\n" +
			"Then we restarted.\nIt failed again.\nWe called support.\nThey said: reinstall.\nSo we did.\nNow it works.\n"), 0, 49},
		{"numbers in prose", []byte("The value was 1.000: ok\nsomething else\nmore prose\nand more\n"), 0, 0},
	}
	for _, tt := range tests {
		if got := (Parser{}).Sniff(tt.head); got < tt.min || got > tt.max {
			t.Errorf("%s: Sniff = %d, want %d..%d", tt.name, got, tt.min, tt.max)
		}
	}
}

// TestSniffCorpus checks that no real ExchangeSetup.log is taken for an
// update.exe log.
func TestSniffCorpus(t *testing.T) {
	for _, path := range corpusFiles(t) {
		if got := (Parser{}).Sniff(readHead(t, path)); got >= parsers.SniffThreshold {
			t.Errorf("%s: Sniff = %d, want below %d", path, got, parsers.SniffThreshold)
		}
	}
}

func TestRegistered(t *testing.T) {
	if p := parsers.Lookup(parsers.FormatUpdateLog); p == nil {
		t.Fatal("updatelog parser not registered")
	}
	if p := parsers.Detect(readHead(t, "testdata/svcpack.log")); p == nil || p.Format() != parsers.FormatUpdateLog {
		t.Errorf("Detect(svcpack.log) = %v", p)
	}
}

func TestTrackerIgnoresOtherFormats(t *testing.T) {
	var tr Tracker
	tr.Add(nil)
	tr.Add(&parsers.Record{Format: parsers.FormatSetupLog, Message: "Update.exe failed 1603.", Fields: map[string]string{"run": "1"}})
	if len(tr.Runs()) != 0 {
		t.Errorf("runs = %+v", tr.Runs())
	}
	// a record without a run index counts for run 1
	tr.Add(&parsers.Record{Format: parsers.FormatUpdateLog, Line: 7, Message: "Update.exe failed 1603."})
	if r := tr.Runs(); len(r) != 1 || !r[0].Failed || r[0].FirstFailureLine != 7 {
		t.Errorf("runs = %+v", r)
	}
}

func readHead(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > parsers.SniffSize {
		data = data[:parsers.SniffSize]
	}
	return data
}

// corpusDir finds ../shared/corpus beside the repository root (the
// directory holding go.mod).
func corpusDir(t testing.TB) string {
	t.Helper()
	return testkit.Corpus(t)
}

// corpusFiles lists the setup logs of the corpus.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	root := filepath.Join(corpusDir(t), "exchange-setup")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".log") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no .log files in the corpus")
	}
	return files
}

// BenchmarkParse parses a 10,000-line update.exe log and summarises it.
func BenchmarkParse(b *testing.B) {
	var buf bytes.Buffer
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&buf, "%d.%03d: FileInUse:: Added to Filelist: C:\\WINDOWS\\system32\\file%d.dll\r\n", i/10, i%1000, i)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		res := parseBytes(b, "bench.log", data)
		if res.err != nil || len(Summarise(res.recs)) == 0 {
			b.Fatal(res.err)
		}
	}
}

// TestHeaderGivesWallClock: a run's "(local)" header line turns its
// elapsed seconds into local times, from that line on; a new run starts
// without one until its own header.
func TestHeaderGivesWallClock(t *testing.T) {
	log := "0.000: ====\r\n0.016: 2006/03/14 23:02:41.250 (local)\r\n12.484: Update.exe extended error code = 0xf201\r\n" +
		"0.000: ====\r\n1.000: no header in this run\r\n"
	res := testkit.ParseBytes(Parser{}, "KB1.log", []byte(log))
	if res.Err != nil || len(res.Recs) != 5 {
		t.Fatalf("err %v, %d records", res.Err, len(res.Recs))
	}
	want := time.Date(2006, 3, 14, 23, 2, 53, 718e6, time.UTC) // 23:02:41.250 - 0.016 + 12.484
	if r := res.Recs[2]; !r.Time.Equal(want) || r.TimeQ != parsers.TimeNoZone {
		t.Errorf("line 3: %v %q, want %v no-zone", r.Time, r.TimeQ, want)
	}
	if r := res.Recs[0]; !r.Time.IsZero() || r.TimeQ != parsers.TimeElapsed {
		t.Errorf("line 1, before the header: %v %q", r.Time, r.TimeQ)
	}
	if r := res.Recs[4]; !r.Time.IsZero() || r.TimeQ != parsers.TimeElapsed || r.Fields["run"] != "2" {
		t.Errorf("second run: %v %q run %s", r.Time, r.TimeQ, r.Fields["run"])
	}
}

// TestRunKeepsLineTimes: a run summary keeps the time each line it names
// has in the log (failure, extended error, restart, last line), so that
// evidence built from the summary carries it; a run without a dated
// header keeps elapsed-only stamps.
func TestRunKeepsLineTimes(t *testing.T) {
	log := "0.000: ====\r\n0.016: 2006/03/14 23:02:41.250 (local)\r\n5.016: Update.exe returned exit code 3010\r\n" +
		"12.016: KB1 installation did not complete.\r\n13.016: Update.exe extended error code = 0xf201\r\n" +
		"14.016: Update.exe return code was masked to 0x643 for MSI custom action compliance.\r\n" +
		"0.000: ====\r\n1.000: Update.exe extended error code = 0x0\r\n"
	runs := Summarise(testkit.ParseBytes(Parser{}, "KB1.log", []byte(log)).Recs)
	if len(runs) != 2 {
		t.Fatalf("%d runs", len(runs))
	}
	at := func(sec int) Stamp {
		return Stamp{Time: time.Date(2006, 3, 14, 23, 2, 41+sec, 250e6, time.UTC), Q: parsers.TimeNoZone}
	}
	r := runs[0]
	for _, c := range []struct {
		name      string
		line      int
		got       Stamp
		wantLine  int
		wantStamp Stamp
	}{
		{"restart", r.RebootLine, r.RebootAt, 3, at(5)},
		{"failure", r.FirstFailureLine, r.FirstFailureAt, 4, at(12)},
		{"extended error", r.ExtendedErrorLine, r.ExtendedErrorAt, 5, at(13)},
		{"last line", r.LastLine, r.End, 6, at(14)},
	} {
		if c.line != c.wantLine || !c.got.Time.Equal(c.wantStamp.Time) || c.got.Q != c.wantStamp.Q {
			t.Errorf("%s: line %d at %+v, want line %d at %+v", c.name, c.line, c.got, c.wantLine, c.wantStamp)
		}
	}
	if r := runs[1]; r.LastLine != 8 || !r.End.Time.IsZero() || r.End.Q != parsers.TimeElapsed || r.ExtendedErrorAt.Q != parsers.TimeElapsed {
		t.Errorf("run without a header: %+v", r)
	}
}

// TestHeaderForms: every form of the "(local)" run header dates the run:
// the bare year-first form, the "Started: ... (Y/M/D)" form with either
// decimal separator, a marker naming another order, and a year-last date
// without marker read in the order the file's headers show (with a
// warning while it is assumed). A header that cannot be read is named in
// a warning, and its run keeps elapsed seconds.
func TestHeaderForms(t *testing.T) {
	at := func(mo time.Month, d, h, mi, s, ms int) time.Time {
		return time.Date(2010, mo, d, h, mi, s, ms*1e6, time.UTC)
	}
	tests := []struct {
		name   string
		header string
		want   time.Time // zero: not dated
		warn   string    // a warning must contain this; "" for none
	}{
		{"bare", "2010/04/14 10:21:07.125 (local)", at(4, 14, 10, 21, 7, 125), ""},
		{"started dot", "Started: 2010/04/14 (Y/M/D) 10:21:07.125 (local)", at(4, 14, 10, 21, 7, 125), ""},
		{"started comma", "Started: 2010/04/14 (Y/M/D) 10:21:07,125 (local)", at(4, 14, 10, 21, 7, 125), ""},
		{"marker D/M/Y", "Started: 03/04/2010 (D/M/Y) 10:21:07,125 (local)", at(4, 3, 10, 21, 7, 125), ""},
		{"marker M/D/Y", "Started: 03/04/2010 (M/D/Y) 10:21:07.125 (local)", at(3, 4, 10, 21, 7, 125), ""},
		{"year last, telling", "14/04/2010 10:21:07.125 (local)", at(4, 14, 10, 21, 7, 125), ""},
		{"year last, ambiguous", "03/04/2010 10:21:07.125 (local)", at(3, 4, 10, 21, 7, 125), "date order is ambiguous"},
		{"dotted", "03.04.2010 10:21:07,125 (local)", at(4, 3, 10, 21, 7, 125), ""},
		{"no such day", "Started: 2010/02/30 (Y/M/D) 10:21:07.125 (local)", time.Time{}, "not readable"},
		{"bad marker", "Started: 2010/04/14 (Y/Y/D) 10:21:07.125 (local)", time.Time{}, "not readable"},
		{"unknown shape", "Started: April 14 2010 10:21:07 (local)", time.Time{}, "not readable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := "0.000: ====\r\n0.000: " + tt.header + "\r\n1.500: Update.exe extended error code = 0xf201\r\n"
			res := testkit.ParseBytes(Parser{}, "KB1.log", []byte(log))
			if res.Err != nil || len(res.Recs) != 3 {
				t.Fatalf("err %v, %d records", res.Err, len(res.Recs))
			}
			r := res.Recs[2]
			if tt.want.IsZero() {
				if !r.Time.IsZero() || r.TimeQ != parsers.TimeElapsed {
					t.Errorf("line 3: %v %q, want elapsed only", r.Time, r.TimeQ)
				}
			} else if want := tt.want.Add(1500 * time.Millisecond); !r.Time.Equal(want) || r.TimeQ != parsers.TimeNoZone {
				t.Errorf("line 3: %v %q, want %v no-zone", r.Time, r.TimeQ, want)
			}
			switch {
			case tt.warn == "" && len(res.Warns) != 0:
				t.Errorf("warnings: %v", res.Warns)
			case tt.warn != "" && (len(res.Warns) != 1 || !strings.Contains(res.Warns[0].Msg, tt.warn) || res.Warns[0].Line != 2 || res.Warns[0].Path != "KB1.log"):
				t.Errorf("warnings %v, want one at KB1.log line 2 saying %q", res.Warns, tt.warn)
			}
		})
	}
}

// TestHeaderOrderFromLaterRun: an ambiguous year-last header is read in the
// order a later run's header shows, without a warning; when the look-ahead
// stops before that header, the order is assumed and the warning says how
// far the file was read.
func TestHeaderOrderFromLaterRun(t *testing.T) {
	log := "0.000: ====\r\n0.000: 03/04/2010 10:00:00.000 (local)\r\n2.000: x\r\n" +
		"0.000: ====\r\n0.000: 14/04/2010 09:00:00.000 (local)\r\n1.000: y\r\n"
	res := testkit.ParseBytes(Parser{}, "KB1.log", []byte(log))
	if len(res.Warns) != 0 || len(res.Recs) != 6 {
		t.Fatalf("%d records, warnings %v", len(res.Recs), res.Warns)
	}
	if r, want := res.Recs[2], time.Date(2010, 4, 3, 10, 0, 2, 0, time.UTC); !r.Time.Equal(want) {
		t.Errorf("line 3: %v, want %v (day first, as line 5 shows)", r.Time, want)
	}
	if r, want := res.Recs[5], time.Date(2010, 4, 14, 9, 0, 1, 0, time.UTC); !r.Time.Equal(want) {
		t.Errorf("line 6: %v, want %v", r.Time, want)
	}

	defer func(n int) { maxOrderLines = n }(maxOrderLines)
	maxOrderLines = 3
	res = testkit.ParseBytes(Parser{}, "KB1.log", []byte(log))
	if r, want := res.Recs[2], time.Date(2010, 3, 4, 10, 0, 2, 0, time.UTC); !r.Time.Equal(want) {
		t.Errorf("cut look-ahead, line 3: %v, want %v (month first, assumed)", r.Time, want)
	}
	if len(res.Warns) != 2 || !strings.Contains(res.Warns[0].Msg, "in its first 3 lines") || res.Warns[0].Line != 2 ||
		!strings.Contains(res.Warns[1].Msg, "may be wrong") || res.Warns[1].Line != 5 {
		t.Errorf("warnings %v", res.Warns)
	}
}
