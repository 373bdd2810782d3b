package setuplog

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the machine's zoneinfo
	"unicode/utf16"

	"github.com/extriage/extriage/parsers"
)

type result struct {
	recs  []*parsers.Record
	warns []parsers.Warning
	err   error
}

func parseInput(t testing.TB, in parsers.Input) result {
	t.Helper()
	var res result
	res.err = Parser{}.Parse(context.Background(), in, parsers.Sink{
		Record: func(r *parsers.Record) bool { res.recs = append(res.recs, r); return true },
		Warn:   func(w parsers.Warning) { res.warns = append(res.warns, w) },
	})
	return res
}

func parseBytes(t testing.TB, name string, data []byte, mod time.Time) result {
	t.Helper()
	return parseInput(t, parsers.Input{Path: name, R: bytes.NewReader(data), Size: int64(len(data)), ModTime: mod})
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

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

// wantRec is what a test expects of the record starting at one line; empty
// values are not checked, except level, which is always checked.
type wantRec struct {
	line   int
	msg    string
	time   string // RFC 3339, "" not checked
	timeq  parsers.TimeQuality
	level  parsers.Level
	fields map[string]string
	absent []string // Fields keys that must not be set
}

func checkRecs(t *testing.T, recs []*parsers.Record, want []wantRec) {
	t.Helper()
	for _, w := range want {
		r := recAt(t, recs, w.line)
		if w.msg != "" && r.Message != w.msg {
			t.Errorf("line %d: message %q, want %q", w.line, r.Message, w.msg)
		}
		if w.time != "" {
			if got := r.Time.Format(time.RFC3339Nano); got != w.time {
				t.Errorf("line %d: time %s, want %s", w.line, got, w.time)
			}
		}
		if w.timeq != "" && r.TimeQ != w.timeq {
			t.Errorf("line %d: timeq %q, want %q", w.line, r.TimeQ, w.timeq)
		}
		if r.Level != w.level {
			t.Errorf("line %d: level %q, want %q", w.line, r.Level, w.level)
		}
		for k, v := range w.fields {
			if r.Fields[k] != v {
				t.Errorf("line %d: Fields[%q] = %q, want %q", w.line, k, r.Fields[k], v)
			}
		}
		for _, k := range w.absent {
			if v, ok := r.Fields[k]; ok {
				t.Errorf("line %d: Fields[%q] = %q, want it unset", w.line, k, v)
			}
		}
	}
}

var modTime = time.Date(2004, 4, 8, 10, 0, 0, 0, time.UTC)

func TestParseTestdata(t *testing.T) {
	tests := []struct {
		file     string
		lines    []int // the first line of every record, in order
		recs     []wantRec
		runs     int
		runCheck func(t *testing.T, runs []Run)
		warns    []string // the warnings expected
	}{
		{
			file:  "ExchangeSetup_2016_two_runs.log",
			lines: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34},
			recs: []wantRec{
				{line: 2, msg: "Starting Microsoft Exchange Server 2016 Setup", time: "2021-03-11T15:43:05.0718Z", timeq: parsers.TimeNoZone,
					fields: map[string]string{"run": "1", "depth": "0", "generation": "2007"}},
				// a trailing blank line is not part of the message
				{line: 9, msg: "File copy complete.  Setup will now collect additional information needed for installation.", fields: map[string]string{"run": "1"}},
				{line: 13, level: parsers.LevelWarning, fields: map[string]string{"depth": "2"}},
				{line: 14, level: parsers.LevelError, fields: map[string]string{"depth": "1"},
					msg: "[ERROR] The following error was generated when \"$error.Clear();\n          Start-SetupService -ServiceName MSExchangeServiceHost\n        \" was run: \"System.ComponentModel.Win32Exception: The service cannot be started, either because it is disabled or because it has no enabled devices associated with it\n   at System.ServiceProcess.ServiceController.Start(String[] args)\"."},
				{line: 19, level: parsers.LevelError, fields: map[string]string{"error_reference": "BridgeheadRoleSetterComponent___115c1108e99e4560bd2c03c0fec99908"}},
				{line: 20, level: parsers.LevelNone, absent: []string{"error_reference"}},
				// the closing banner of run 1 stays in run 1, the opening banner of run 2 goes with run 2
				{line: 23, fields: map[string]string{"run": "1"}},
				{line: 24, fields: map[string]string{"run": "2"}, time: "2021-03-12T09:00:00.001Z"},
				{line: 25, fields: map[string]string{"run": "2"}},
				{line: 34, fields: map[string]string{"run": "2"}},
			},
			runs: 2,
			runCheck: func(t *testing.T, runs []Run) {
				a, b := runs[0], runs[1]
				if a.StartLine != 2 || a.FirstLine != 1 || a.LastLine != 23 || a.Product != "Exchange Server 2016" || a.Mode != "Upgrade" ||
					a.SetupBuild != "15.1.2106.2" || a.LocalBuild != "15.1.1713.5" || a.User != `SOLO\Han` ||
					a.Outcome != OutcomeFailed || a.OutcomeLine != 21 || a.EndLine != 22 || a.FirstErrorLine != 14 ||
					a.FirstError != `[ERROR] The following error was generated when "$error.Clear();` ||
					a.ErrorReference != "BridgeheadRoleSetterComponent___115c1108e99e4560bd2c03c0fec99908" || a.ErrorReferenceLine != 19 ||
					a.Params["iacceptexchangeserverlicenseterms"] != "" || len(a.Params) != 2 || a.Records != 19 ||
					a.Start != time.Date(2021, 3, 11, 15, 43, 5, 71800000, time.UTC) || a.StartQ != parsers.TimeNoZone {
					t.Errorf("run 1 = %+v", a)
				}
				if b.StartLine != 25 || b.FirstLine != 24 || b.User != `SOLO\Leia` || b.LocalBuild != "15.1.2106.2" ||
					b.Outcome != OutcomeSucceeded || b.OutcomeLine != 32 || b.FirstErrorLine != 0 || b.ErrorReference != "" {
					t.Errorf("run 2 = %+v", b)
				}
			},
		},
		{
			file:  "ExchangeSetup_2007_utf16.log",
			lines: []int{1, 2, 3, 4, 7, 8, 9, 10},
			// The 2007 stamps are the culture's short date, and none
			// of this file's has a day above 12.
			warns: []string{`testdata/ExchangeSetup_2007_utf16.log:1: date order is ambiguous: "8/3/2007" may be day or month first and no date in the file has a day above 12; dates are read month first (M/D/YYYY), as the 2007 setup logs of English Windows write them`},
			recs: []wantRec{
				{line: 1, time: "2007-08-03T16:46:12Z", timeq: parsers.TimeNoZone, fields: map[string]string{"run": "1", "generation": "2007", "depth": "0"}},
				{line: 4, msg: "Executing: \n          $error.Clear();\n          install-ExchangeSchema", fields: map[string]string{"depth": "1"}},
				{line: 7, time: "2007-08-03T00:05:01Z", level: parsers.LevelWarning},
				{line: 8, time: "2007-08-03T12:30:00Z", level: parsers.LevelWarning},
			},
			runs: 1,
			runCheck: func(t *testing.T, runs []Run) {
				r := runs[0]
				if r.Product != "Exchange 2007" || r.Mode != "Install" || r.SetupBuild != "8.0.685.24" || r.Outcome != OutcomeSucceeded || r.OutcomeLine != 9 || r.StartLine != 1 {
					t.Errorf("run = %+v", r)
				}
			},
		},
		{
			file:  "ExchangeSetup_2019_cp1250.log",
			lines: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
			recs: []wantRec{
				{line: 3, msg: `Logged on user: FIRMA\Łukasz.Żółkiewski.`},
				{line: 7, msg: "Failed [Rule:RebootPending] [Message:Zmiana wymaga ponownego uruchomienia komputera.]"},
				{line: 8, level: parsers.LevelError},
			},
			runs: 1,
			runCheck: func(t *testing.T, runs []Run) {
				r := runs[0]
				if r.User != `FIRMA\Łukasz.Żółkiewski` || r.Params["sourcedir"] != `D:\Instalki\Źródła` || r.Mode != "Upgrade" ||
					r.SetupBuild != "15.2.986.5" || r.LocalBuild != "15.2.922.7" || r.Outcome != OutcomeFailed || r.OutcomeLine != 9 || r.FirstErrorLine != 0 {
					t.Errorf("run = %+v", r)
				}
			},
		},
		{
			file:  "Exchange Server Setup Progress.log",
			lines: []int{1, 2, 3, 4, 6, 8, 11, 12, 14, 15, 16, 19, 21, 22, 23, 24, 26},
			recs: []wantRec{
				{line: 1, time: "2004-04-07T23:58:10Z", timeq: parsers.TimeNoDate, fields: map[string]string{"run": "1", "generation": "2000", "depth": "0"}, absent: []string{"scope"}},
				{line: 3, msg: "Entering CAtomServices::ScStopAtomServices", fields: map[string]string{"scope": "CAtomServices::ScStopAtomServices"}},
				// errors an IGNORING block suppresses
				{line: 4, level: parsers.LevelNone, fields: map[string]string{"error_code": "0XC0070424", "ignored": "true", "depth": "1", "scope": "CAtomServices::ScStopAtomServices"},
					msg: "CService::ScGetStatus (f:\\titanium\\admin\\src\\libs\\exsetup\\service.cxx:722)\n           Error code 0XC0070424 (1060): The specified service does not exist as an installed service."},
				{line: 6, level: parsers.LevelNone, fields: map[string]string{"error_code": "0XC0070424", "ignored": "true"}},
				{line: 8, absent: []string{"ignored", "error_code"},
					msg: "=== IGNORING PREVIOUS ERRORS === CServiceManager::ScStopService\n(f:\\titanium\\admin\\src\\udog\\setupbase\\tools\\svcmgr.cxx:537)\n           The operation has completed successfully."},
				// the clock passes midnight: the next day
				{line: 11, time: "2004-04-07T23:59:59Z"},
				{line: 12, time: "2004-04-08T00:00:05Z", absent: []string{"scope"},
					msg: `Prerequisites for Microsoft Exchange Instant Messaging Service failed: the component cannot be assigned the action "Install".`},
				{line: 14, fields: map[string]string{"depth": "1", "scope": "CInsParser::ScProcessFile"}},
				{line: 16, level: parsers.LevelError, time: "2004-04-08T00:59:17Z",
					fields: map[string]string{"error_code": "0XC103798A", "message_id": "31136", "depth": "1"}, absent: []string{"ignored"}},
				{line: 19, level: parsers.LevelError, fields: map[string]string{"error_code": "0XC103798A", "depth": "2"}, absent: []string{"ignored", "message_id"}},
				{line: 22, fields: map[string]string{"run": "2"}, absent: []string{"scope"}},
				{line: 24, level: parsers.LevelError, time: "2004-04-08T09:15:03Z", fields: map[string]string{"error_code": "0XC1037B44", "run": "2"}},
				{line: 26, time: "2004-04-08T09:15:04Z"},
			},
			runs: 2,
			runCheck: func(t *testing.T, runs []Run) {
				a, b := runs[0], runs[1]
				if a.Generation != Gen2000 || a.StartLine != 1 || a.Outcome != OutcomeFailed || a.FirstErrorLine != 16 ||
					a.FirstError != "Error code 0XC103798A (31114): An internal component has failed." ||
					a.LastErrorCode != "0XC103798A" || a.LastErrorCodeLine != 19 || a.LastLine != 21 ||
					a.Start != time.Date(2004, 4, 7, 23, 58, 10, 0, time.UTC) || a.StartQ != parsers.TimeNoDate {
					t.Errorf("run 1 = %+v", a)
				}
				if b.StartLine != 22 || b.LastErrorCode != "0XC1037B44" || b.LastErrorCodeLine != 24 || b.Outcome != OutcomeFailed {
					t.Errorf("run 2 = %+v", b)
				}
			},
		},
		{
			file:  "Exchange Server Setup.log",
			lines: []int{1, 2, 3, 4, 6, 7, 8},
			recs: []wantRec{
				{line: 1, timeq: parsers.TimeNone, fields: map[string]string{"run": "1", "generation": "5.5"}, absent: []string{"depth"}},
				{line: 3, msg: "Bound to local DSA", fields: map[string]string{"run": "1"}},
				{line: 6, fields: map[string]string{"run": "2"}},
				{line: 7, msg: `Could not open the file named 'C:\EXCHSRVR\BIN\ADDRESS.DLL'. It is in use by another application.`},
				{line: 8, level: parsers.LevelError, fields: map[string]string{"error_code": "0XC1030B3A", "run": "2"}},
			},
			runs: 2,
			runCheck: func(t *testing.T, runs []Run) {
				a, b := runs[0], runs[1]
				if a.Outcome != OutcomeUnknown || a.StartLine != 1 || a.LastLine != 4 || !a.Start.IsZero() || a.StartQ != parsers.TimeNone {
					t.Errorf("run 1 = %+v", a)
				}
				if b.Outcome != OutcomeFailed || b.OutcomeLine != 8 || b.LastErrorCode != "0XC1030B3A" || b.FirstError != "Microsoft Exchange Server Setup ID no: c1030b3a" {
					t.Errorf("run 2 = %+v", b)
				}
				if r, fellBack, ok := Select(runs); !ok || fellBack || r.Index != 2 {
					t.Errorf("Select = run %d, %v, %v", r.Index, fellBack, ok)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			res := parseBytes(t, path, readFile(t, path), modTime)
			if res.err != nil {
				t.Fatal(res.err)
			}
			var warns []string
			for _, w := range res.warns {
				warns = append(warns, w.String())
			}
			if strings.Join(warns, "\n") != strings.Join(tt.warns, "\n") {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warns, "\n"), strings.Join(tt.warns, "\n"))
			}
			var lines []int
			for _, r := range res.recs {
				lines = append(lines, r.Line)
				if r.Path != path || r.Format != parsers.FormatSetupLog || r.Offset != -1 {
					t.Errorf("line %d: path %q format %q offset %d", r.Line, r.Path, r.Format, r.Offset)
				}
			}
			if !equalInts(lines, tt.lines) {
				t.Errorf("record lines %v, want %v", lines, tt.lines)
			}
			checkRecs(t, res.recs, tt.recs)
			runs := Summarise(res.recs)
			if len(runs) != tt.runs {
				t.Fatalf("%d runs, want %d", len(runs), tt.runs)
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

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestLegacyDates covers the date anchoring of time-only stamps.
func TestLegacyDates(t *testing.T) {
	log := "[22:00:00] Entering A::B\n[23:30:00] x\n[00:10:00] y\n[23:50:00] z\n[01:00:00] w\n[00:30:00] within the hour: same day\n"
	tests := []struct {
		name string
		mod  time.Time
		want []string
	}{
		// R = 2 rollovers, so the first line is two days before ModTime's date
		{"anchored on ModTime", time.Date(2003, 12, 31, 18, 0, 0, 0, time.UTC),
			[]string{"2003-12-29T22:00:00Z", "2003-12-29T23:30:00Z", "2003-12-30T00:10:00Z", "2003-12-30T23:50:00Z", "2003-12-31T01:00:00Z", "2003-12-31T00:30:00Z"}},
		// 2004-01-01 03:00 UTC is still 2003-12-31 in ModTime's own zone
		{"ModTime location gives the date", time.Date(2004, 1, 1, 3, 0, 0, 0, time.UTC).In(time.FixedZone("x", -5*3600)),
			[]string{"2003-12-29T22:00:00Z", "2003-12-29T23:30:00Z", "2003-12-30T00:10:00Z", "2003-12-30T23:50:00Z", "2003-12-31T01:00:00Z", "2003-12-31T00:30:00Z"}},
		{"no ModTime", time.Time{},
			[]string{"0001-01-02T22:00:00Z", "0001-01-02T23:30:00Z", "0001-01-03T00:10:00Z", "0001-01-03T23:50:00Z", "0001-01-04T01:00:00Z", "0001-01-04T00:30:00Z"}},
		// midnight of the first day is not the zero Time
		{"no ModTime, midnight", time.Time{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want == nil {
				res := parseBytes(t, "p.log", []byte("[00:00:00] Entering A::B\n"), tt.mod)
				if len(res.recs) != 1 || res.recs[0].Time.IsZero() || res.recs[0].Time.Format(time.RFC3339) != "0001-01-02T00:00:00Z" {
					t.Fatalf("records %v", res.recs)
				}
				return
			}
			res := parseBytes(t, "p.log", []byte(log), tt.mod)
			if res.err != nil || len(res.recs) != len(tt.want) {
				t.Fatalf("err %v, %d records", res.err, len(res.recs))
			}
			for i, r := range res.recs {
				if got := r.Time.Format(time.RFC3339); got != tt.want[i] || r.TimeQ != parsers.TimeNoDate {
					t.Errorf("line %d: %s %q, want %s", r.Line, got, r.TimeQ, tt.want[i])
				}
			}
		})
	}
}

// TestLegacyLastLineAfterModTime: the file was last written after its last
// line, so a last line whose time of day is later than ModTime's (by more
// than a zone could account for) passed midnight before the write: it and
// the lines before it move back a day. A smaller difference is a zone
// mismatch: the dates stay and a warning names the file.
func TestLegacyLastLineAfterModTime(t *testing.T) {
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		log   string
		mod   time.Time
		want  []string
		warns int
	}{
		{"last line before midnight, written after",
			"[23:10:00] Entering A::B\n[23:59:00] x\n",
			time.Date(2006, 3, 15, 0, 10, 0, 0, time.UTC),
			[]string{"2006-03-14T23:10:00Z", "2006-03-14T23:59:00Z"}, 0},
		{"earlier midnight crossings walk back from there",
			"[22:00:00] Entering A::B\n[00:30:00] y\n[23:59:00] z\n",
			time.Date(2006, 3, 15, 0, 10, 0, 0, warsaw),
			[]string{"2006-03-13T22:00:00Z", "2006-03-14T00:30:00Z", "2006-03-14T23:59:00Z"}, 0},
		{"last line at the modification time",
			"[23:10:00] Entering A::B\n[00:10:00] x\n",
			time.Date(2006, 3, 15, 0, 10, 0, 0, time.UTC),
			[]string{"2006-03-14T23:10:00Z", "2006-03-15T00:10:00Z"}, 0},
		{"zone mismatch or a copied file: two hours later keeps the date, silently",
			"[12:00:00] Entering A::B\n[14:30:00] x\n",
			time.Date(2006, 3, 15, 12, 31, 0, 0, time.UTC),
			[]string{"2006-03-15T12:00:00Z", "2006-03-15T14:30:00Z"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseBytes(t, "Exchange Server Setup Progress.log", []byte(tt.log), tt.mod)
			if res.err != nil || len(res.recs) != len(tt.want) {
				t.Fatalf("err %v, %d records", res.err, len(res.recs))
			}
			for i, r := range res.recs {
				if got := r.Time.Format(time.RFC3339); got != tt.want[i] || r.TimeQ != parsers.TimeNoDate {
					t.Errorf("line %d: %s %q, want %s no-date", r.Line, got, r.TimeQ, tt.want[i])
				}
			}
			if len(res.warns) != tt.warns {
				t.Fatalf("warnings %v, want %d", res.warns, tt.warns)
			}
		})
	}
}

// TestIgnoredFrames covers which errors an IGNORING marker suppresses.
func TestIgnoredFrames(t *testing.T) {
	const ec = "           Error code 0XC0070424 (1060): The specified service does not exist as an installed service.\n"
	tests := []struct {
		name    string
		log     string
		ignored map[int]bool // line -> ignored (error records only)
	}{
		{"entering closes the frame",
			"[10:00:00] Entering A::B\n[10:00:01]  X::Y (x.cxx:1)\n" + ec + "[10:00:02] Entering C::D\n[10:00:03]  X::Z (x.cxx:2)\n" + ec + "[10:00:04] === IGNORING PREVIOUS ERRORS === C::D\n",
			map[int]bool{2: false, 5: true}},
		{"marker with no error", "[10:00:00] Entering A::B\n[10:00:04] === IGNORING PREVIOUS ERRORS === A::B\n[10:00:05]  X::Y (x.cxx:1)\n" + ec,
			map[int]bool{3: false}},
		{"records between the error and the marker",
			"[10:00:00] Entering A::B\n[10:00:01]  X::Y (x.cxx:1)\n" + ec + "[10:00:01] some text\n[10:00:01] Leaving X::Y\n[10:00:02]  X::Q (x.cxx:9)\n" + ec + "[10:00:04] === IGNORING PREVIOUS ERRORS === A::B\n[10:00:05]  X::Y (x.cxx:1)\n" + ec,
			map[int]bool{2: true, 6: true, 9: false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseBytes(t, "p.log", []byte(tt.log), time.Time{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			prev := 0
			seen := 0
			for _, r := range res.recs {
				if r.Line <= prev {
					t.Errorf("record at line %d after line %d", r.Line, prev)
				}
				prev = r.Line
				want, isErr := tt.ignored[r.Line]
				if !isErr {
					if r.Fields["error_code"] != "" {
						t.Errorf("line %d: unexpected error_code", r.Line)
					}
					continue
				}
				seen++
				if got := r.Fields["ignored"] == "true"; got != want {
					t.Errorf("line %d: ignored %v, want %v", r.Line, got, want)
				}
				wantLevel := parsers.LevelError
				if want {
					wantLevel = parsers.LevelNone
				}
				if r.Level != wantLevel {
					t.Errorf("line %d: level %q, want %q", r.Line, r.Level, wantLevel)
				}
			}
			if seen != len(tt.ignored) {
				t.Errorf("%d error records, want %d", seen, len(tt.ignored))
			}
		})
	}
}

// TestFrameBound checks that a frame that never closes is released, in
// order, with its errors standing.
func TestFrameBound(t *testing.T) {
	var b strings.Builder
	b.WriteString("[10:00:00] Entering A::B\n[10:00:01]  X::Y (x.cxx:1)\n           Error code 0XC103798A (31114): An internal component has failed.\n")
	for i := 0; i < maxFrameRecords+20; i++ {
		b.WriteString("[10:00:02] filler\n")
	}
	b.WriteString("[10:00:03] === IGNORING PREVIOUS ERRORS === A::B\n")
	res := parseBytes(t, "p.log", []byte(b.String()), time.Time{})
	if len(res.recs) != maxFrameRecords+23 {
		t.Fatalf("%d records", len(res.recs))
	}
	if r := res.recs[1]; r.Level != parsers.LevelError || r.Fields["ignored"] != "" {
		t.Errorf("error record released from an over-long frame: level %q ignored %q", r.Level, r.Fields["ignored"])
	}
	for i := 1; i < len(res.recs); i++ {
		if res.recs[i].Line <= res.recs[i-1].Line {
			t.Fatalf("record %d out of order", i)
		}
	}
}

func TestOddLines(t *testing.T) {
	tests := []struct {
		name  string
		log   string
		lines []int
		runs  []string
		msgs  []string
		warn  string // a warning must contain this, "" no warning
	}{
		{"text before the first stamp",
			"junk\n\n[03/11/2021 15:43:05.0718] [0] Starting Microsoft Exchange Server 2019 Setup\n",
			[]int{1, 3}, []string{"1", "2"}, []string{"junk", "Starting Microsoft Exchange Server 2019 Setup"}, ""},
		{"bad date kept without time",
			"[13/45/2021 15:43:05.0718] [0] Starting Microsoft Exchange Server 2016 Setup\n[03/11/2021 15:43:06.0000] [1] next\n",
			[]int{1, 2}, []string{"1", "1"}, nil, `unreadable date in stamp "[13/45/2021 15:43:05.0718]"`},
		{"subscription edition and three runs",
			"[01/01/2025 10:00:00.0000] [0] Starting Microsoft Exchange Server Subscription Edition Setup\n" +
				"[01/02/2025 10:00:00.0000] [0] starting microsoft exchange server 2019 setup\n" +
				"[01/03/2025 10:00:00.0000] [0] Starting Microsoft Exchange Server 2016 Setup\n",
			[]int{1, 2, 3}, []string{"1", "2", "3"}, nil, ""},
		{"empty stamped message takes the next line",
			"[01/01/2025 10:00:00.0000] [0] \n\n  text  \n", []int{1}, []string{"1"}, []string{"  text  "}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseBytes(t, "x.log", []byte(tt.log), time.Time{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			if len(res.recs) != len(tt.lines) {
				t.Fatalf("%d records, want %d", len(res.recs), len(tt.lines))
			}
			for i, r := range res.recs {
				if r.Line != tt.lines[i] || r.Fields["run"] != tt.runs[i] {
					t.Errorf("record %d: line %d run %q", i, r.Line, r.Fields["run"])
				}
				if tt.msgs != nil && r.Message != tt.msgs[i] {
					t.Errorf("record %d: message %q, want %q", i, r.Message, tt.msgs[i])
				}
			}
			if tt.warn == "" && len(res.warns) != 0 {
				t.Errorf("warnings %v", res.warns)
			}
			if tt.warn != "" {
				found := false
				for _, w := range res.warns {
					if strings.Contains(w.Msg, tt.warn) && w.Path == "x.log" {
						found = true
					}
				}
				if !found {
					t.Errorf("warnings %v, want one containing %q", res.warns, tt.warn)
				}
				if res.recs[0].TimeQ != parsers.TimeNone || !res.recs[0].Time.IsZero() {
					t.Errorf("bad stamp record: time %v %q", res.recs[0].Time, res.recs[0].TimeQ)
				}
			}
		})
	}
}

func TestLongLine(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("[03/11/2021 15:43:05.0718] [0] Starting Microsoft Exchange Server 2016 Setup\r\n")
	b.WriteString("[03/11/2021 15:43:05.0719] [1] [ERROR] ")
	b.Write(bytes.Repeat([]byte("x"), 3<<20))
	b.WriteString("\r\n[03/11/2021 15:43:05.0720] [0] The Exchange Server setup operation completed successfully.\r\n")
	res := parseBytes(t, "long.log", b.Bytes(), time.Time{})
	if res.err != nil || len(res.recs) != 3 {
		t.Fatalf("err %v, %d records", res.err, len(res.recs))
	}
	if r := res.recs[1]; r.Level != parsers.LevelError || len(r.Message) > 1<<20 || len(r.Message) < 1<<19 {
		t.Errorf("long record: level %q, %d bytes", r.Level, len(r.Message))
	}
	if r := res.recs[2]; r.Line != 3 || r.Fields["run"] != "1" {
		t.Errorf("record after the long line: %+v", r)
	}
	if len(res.warns) != 1 || res.warns[0].Line != 2 || res.warns[0].Path != "long.log" || !strings.Contains(res.warns[0].Msg, "longer than") {
		t.Errorf("warnings = %v", res.warns)
	}
}

func TestNotASetupLog(t *testing.T) {
	for _, in := range []string{"", "hello\nworld\n", "1.000: Update.exe started\n"} {
		res := parseBytes(t, "n.log", []byte(in), time.Time{})
		if res.err == nil || !strings.Contains(res.err.Error(), "n.log") {
			t.Errorf("%q: err = %v, want an error naming the file", in, res.err)
		}
	}
}

func TestStopAndCancel(t *testing.T) {
	data := readFile(t, "testdata/Exchange Server Setup Progress.log")
	n := 0
	err := Parser{}.Parse(context.Background(), parsers.Input{Path: "p", R: bytes.NewReader(data), Size: int64(len(data)), ModTime: modTime},
		parsers.Sink{Record: func(*parsers.Record) bool { n++; return n < 5 }, Warn: func(parsers.Warning) {}})
	if err != nil || n != 5 {
		t.Errorf("stop: err %v, %d records, want 5", err, n)
	}
	var b bytes.Buffer
	for i := 0; i < 5000; i++ {
		b.WriteString("[10:00:00] line\n")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = Parser{}.Parse(ctx, parsers.Input{Path: "c", R: bytes.NewReader(b.Bytes()), Size: int64(b.Len())},
		parsers.Sink{Record: func(*parsers.Record) bool { return true }, Warn: func(parsers.Warning) {}})
	if err != context.Canceled {
		t.Errorf("cancel: err = %v", err)
	}
}

func TestSelect(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2021, 3, d, 10, 0, 0, 0, time.UTC) }
	long1 := Run{Index: 1, Generation: Gen2007, StartLine: 2, LastLine: 500, Start: day(1)}
	short2 := Run{Index: 2, Generation: Gen2007, StartLine: 502, LastLine: 510, Start: day(3)}
	long2 := Run{Index: 2, Generation: Gen2007, StartLine: 502, LastLine: 600, Start: day(3)}
	lateShort := Run{Index: 2, Generation: Gen2007, StartLine: 502, LastLine: 510, Start: day(1).Add(40 * 24 * time.Hour)}
	noStart := Run{Index: 1, Generation: Gen2007, LastLine: 10}
	tests := []struct {
		name     string
		runs     []Run
		want     int
		fellBack bool
		ok       bool
	}{
		{"none", nil, 0, false, false},
		{"last is long enough", []Run{long1, long2}, 2, false, true},
		{"last too short: previous", []Run{long1, short2}, 1, true, true},
		{"last too short, previous too old", []Run{long1, lateShort}, 2, false, true},
		{"only one short run", []Run{short2}, 2, false, true},
		{"no start line", []Run{noStart}, 0, false, false},
		{"lines before the first start are skipped", []Run{noStart, long2}, 2, false, true},
	}
	for _, tt := range tests {
		r, fellBack, ok := Select(tt.runs)
		if r.Index != tt.want || fellBack != tt.fellBack || ok != tt.ok {
			t.Errorf("%s: Select = run %d, %v, %v; want %d, %v, %v", tt.name, r.Index, fellBack, ok, tt.want, tt.fellBack, tt.ok)
		}
	}
}

func TestTrackerIgnoresOtherFormats(t *testing.T) {
	var tr Tracker
	tr.Add(nil)
	tr.Add(&parsers.Record{Format: parsers.FormatUpdateLog, Message: "[ERROR] x", Fields: map[string]string{"run": "1"}})
	if len(tr.Runs()) != 0 {
		t.Errorf("runs = %+v", tr.Runs())
	}
}

// TestCultureStamps reads ExchangeSetup.log files written on servers whose
// culture is not en-US: Exchange 2007 stamps lines with the culture's short
// date, later versions use MM/dd/yyyy with the culture's date separator.
// Each must be recognised as a setup log, with its times, runs and outcome.
func TestCultureStamps(t *testing.T) {
	run := func(d1, d2 string) string {
		return "[" + d1 + "] [0] **********************************************\r\n" +
			"[" + d1 + "] [0] Starting Microsoft Exchange 2007 Setup\r\n" +
			"[" + d1 + "] [0] Setup version: 8.1.240.6.\r\n" +
			"[" + d1 + "] [0] Command Line Parameter Name='mode', Value='Upgrade'.\r\n" +
			"[" + d2 + "] [1] [ERROR] Odmowa dostępu.\r\n" +
			"   at Microsoft.Exchange.Setup.Foo()\r\n" +
			"[" + d2 + "] [0] End of Setup\r\n"
	}
	tests := []struct {
		name           string
		d1, d2, d3, d4 string
		t1, t4         string
	}{
		{"pl-PL 2007, ISO date", "2007-08-03 16:46:12", "2007-08-03 16:50:00", "2007-08-04 09:00:00", "2007-08-04 09:05:00", "2007-08-03T16:46:12Z", "2007-08-04T09:05:00Z"},
		{"de/pl 2007, day first", "03.08.2007 16:46:12", "03.08.2007 16:50:00", "04.08.2007 09:00:00", "14.08.2007 09:05:00", "2007-08-03T16:46:12Z", "2007-08-14T09:05:00Z"},
		{"2010+, MM.dd.yyyy", "03.08.2021 16:46:12.0411", "03.08.2021 16:50:00.0000", "03.13.2021 09:00:00.1234", "03.13.2021 09:05:00.0000", "2021-03-08T16:46:12.0411Z", "2021-03-13T09:05:00Z"},
		{"2010+, MM-dd-yyyy", "03-08-2021 16:46:12.0411", "03-08-2021 16:50:00.0000", "03-13-2021 09:00:00.1234", "03-13-2021 09:05:00.0000", "2021-03-08T16:46:12.0411Z", "2021-03-13T09:05:00Z"},
		{"en-GB 2007, day first past 12", "13/08/2007 16:46:12", "13/08/2007 16:50:00", "14/08/2007 09:00:00", "14/08/2007 09:05:00", "2007-08-13T16:46:12Z", "2007-08-14T09:05:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := utf16LE(run(tc.d1, tc.d2) + run(tc.d3, tc.d4))
			if s := (Parser{}).Sniff(data); s < parsers.SniffThreshold {
				t.Fatalf("Sniff = %d: not recognised as a setup log", s)
			}
			res := parseBytes(t, "ExchangeSetup.log", data, time.Time{})
			if res.err != nil || len(res.warns) > 0 {
				t.Fatalf("err %v, warnings %v", res.err, res.warns)
			}
			if len(res.recs) != 12 {
				t.Fatalf("%d records, want 12", len(res.recs))
			}
			first, last := res.recs[0], res.recs[len(res.recs)-1]
			if got := first.Time.Format(time.RFC3339Nano); got != tc.t1 || first.TimeQ != parsers.TimeNoZone {
				t.Errorf("first time %s (%q), want %s", got, first.TimeQ, tc.t1)
			}
			if got := last.Time.Format(time.RFC3339Nano); got != tc.t4 {
				t.Errorf("last time %s, want %s", got, tc.t4)
			}
			var tr Tracker
			for _, r := range res.recs {
				tr.Add(r)
			}
			runs := tr.Runs()
			if len(runs) != 2 {
				t.Fatalf("%d runs, want 2", len(runs))
			}
			for _, r := range runs {
				if r.Mode != "Upgrade" || r.SetupBuild != "8.1.240.6" || r.Outcome != OutcomeFailed || r.FirstErrorLine != r.StartLine+3 {
					t.Errorf("run %d = %+v", r.Index, r)
				}
			}
		})
	}
}

func utf16LE(s string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}
