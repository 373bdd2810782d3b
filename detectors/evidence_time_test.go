package detectors

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/internal/testkit"
	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/setuplog"
	"github.com/extriage/extriage/parsers/updatelog"
)

// updateLogFile parses update.exe log bytes with the real parser.
func updateLogFile(t *testing.T, host, path string, data []byte) file {
	t.Helper()
	res := testkit.ParseBytes(updatelog.Parser{}, path, data)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	return file{info: FileInfo{Path: path, Format: parsers.FormatUpdateLog, HostHint: host}, recs: res.Recs}
}

// TestUpdateLogEvidenceHasLogTime: every line an update.exe finding cites
// carries the time and time quality its log gives that line, whether the
// rule kept the record or cites a line it only remembers from the run
// summary (the failure line of hotfix-file-in-use).
func TestUpdateLogEvidenceHasLogTime(t *testing.T) {
	const path = "EXCLNODE1/KB912442.log"
	data, err := os.ReadFile("../fixtures/bundles/ex2003-cluster-sp2-failure/EXCLNODE1/KB912442.log")
	if err != nil {
		t.Fatal(err)
	}
	f := updateLogFile(t, "EXCLNODE1", path, data)
	byLine := map[int]*parsers.Record{}
	for _, r := range f.recs {
		byLine[r.Line] = r
	}
	fs, _ := runBundle(t, f)
	cited := 0
	for _, fd := range fs {
		for _, e := range fd.Evidence {
			r := byLine[e.Line]
			if e.Path != path || r == nil {
				continue
			}
			cited++
			if !e.Time.Equal(r.Time) || e.TimeQ != r.TimeQ {
				t.Errorf("%s cites %s:%d at %v (%q), the log gives %v (%q)", fd.Rule, e.Path, e.Line, e.Time, e.TimeQ, r.Time, r.TimeQ)
			}
		}
	}
	if cited == 0 {
		t.Fatalf("no evidence cited from %s: %s", path, ruleList(fs))
	}
	got := byRule(fs, "hotfix-file-in-use")
	if len(got) != 1 {
		t.Fatalf("hotfix-file-in-use: %+v", got)
	}
	last := got[0].Evidence[len(got[0].Evidence)-1]
	want := time.Date(2006, 3, 14, 23, 2, 53, 734e6, time.UTC)
	if last.Line != 13 || !last.Time.Equal(want) || last.TimeQ != parsers.TimeNoZone {
		t.Errorf("failure line cited as %+v, want line 13 at %v (no zone)", last, want)
	}
}

// TestRunFactsSpanTheRun: the install fact of each setup or update.exe run
// carries the run's last line as its end, with the time the log gives it,
// so that the timeline can draw the run from start to end.
func TestRunFactsSpanTheRun(t *testing.T) {
	two := append(synth{end: "fail"}.lines(11), synth{end: "ok"}.lines(12)...)
	setup := testkit.ParseBytes(setuplog.Parser{}, "EX1/ExchangeSetup.log", []byte(strings.Join(two, "\r\n")+"\r\n"))
	if setup.Err != nil {
		t.Fatal(setup.Err)
	}
	last := map[string]*parsers.Record{}
	for _, r := range setup.Recs {
		last[r.Fields["run"]] = r
	}
	data, err := os.ReadFile("../fixtures/bundles/ex2003-cluster-sp2-failure/EXCLNODE1/KB912442.log")
	if err != nil {
		t.Fatal(err)
	}
	update := updateLogFile(t, "EX1", "EX1/KB912442.log", data)
	_, b := runBundle(t, file{info: FileInfo{Path: "EX1/ExchangeSetup.log", Format: parsers.FormatSetupLog, HostHint: "EX1"}, recs: setup.Recs}, update)
	runs := factsOf(b, FactInstall)
	if len(runs) != 3 {
		t.Fatalf("install facts: %+v", runs)
	}
	for i, f := range runs[:2] {
		want := last[strconv.Itoa(i+1)]
		if f.End == nil || f.End.Line != want.Line || !f.End.Time.Equal(want.Time) || f.End.TimeQ != want.TimeQ || f.End.TimeQ != f.Evidence.TimeQ {
			t.Errorf("setup run %d (%s): end %+v, want line %d at %v", i+1, f.Values["outcome"], f.End, want.Line, want.Time)
		}
		if f.End != nil && !f.End.Time.After(f.Evidence.Time) {
			t.Errorf("setup run %d ends at %v, before its start %v", i+1, f.End.Time, f.Evidence.Time)
		}
	}
	u := runs[2]
	want := time.Date(2006, 3, 14, 23, 2, 53, 750e6, time.UTC)
	if u.End == nil || u.End.Line != 15 || !u.End.Time.Equal(want) || u.End.TimeQ != parsers.TimeNoZone || u.Evidence.TimeQ != parsers.TimeNoZone {
		t.Errorf("update.exe run: start %+v, end %+v, want line 15 at %v", u.Evidence, u.End, want)
	}
}
