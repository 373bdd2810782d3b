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
	return parsedFile(t, updatelog.Parser{}, host, path, data)
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

// TestSetupEvidenceHasLogTime: every line a finding cites from a setup
// log carries the time the log gives the record that line belongs to,
// including a verdict that can cite only its outcome line (a failed run
// without [ERROR] lines, reported by setup-failed-unknown).
func TestSetupEvidenceHasLogTime(t *testing.T) {
	demo, err := os.ReadFile("../fixtures/bundles/ex2003-cluster-sp2-failure/EXCLNODE2/Exchange Server Setup Progress.log")
	if err != nil {
		t.Fatal(err)
	}
	logs := map[string][]byte{
		"EX1/ExchangeSetup.log":                  synth{end: "fail"}.bytes(),
		"EX2/ExchangeSetup.log":                  synth{body: errCtx("", "[ERROR] Something nobody has seen before happened.")}.bytes(),
		"EX3/Exchange Server Setup Progress.log": []byte(progressRegsvr),
		"EX4/Exchange Server Setup Progress.log": demo,
	}
	for path, data := range logs {
		res := testkit.ParseBytes(setuplog.Parser{}, path, data)
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		at := map[int]*parsers.Record{} // every physical line -> its record
		for _, r := range res.Recs {
			for k := 0; k <= strings.Count(r.Message, "\n"); k++ {
				at[r.Line+k] = r
			}
		}
		fs, _ := runBundle(t, file{info: FileInfo{Path: path, Format: parsers.FormatSetupLog, HostHint: "EX"}, recs: res.Recs})
		cited := 0
		for _, f := range fs {
			for _, e := range f.Evidence {
				r := at[e.Line]
				if e.Path != path || e.Line == 0 {
					continue
				}
				cited++
				if r == nil {
					t.Errorf("%s cites %s:%d, which the log does not have", f.Rule, path, e.Line)
					continue
				}
				if !e.Time.Equal(r.Time) || e.TimeQ != r.TimeQ {
					t.Errorf("%s cites %s:%d at %v (%q), the log gives %v (%q)", f.Rule, path, e.Line, e.Time, e.TimeQ, r.Time, r.TimeQ)
				}
			}
		}
		if cited == 0 {
			t.Errorf("%s: no finding cites the log: %s", path, ruleList(fs))
		}
	}
}

// TestLegacySetupManyIgnoredErrors: a 2000/2003 run that logged more
// error lines than the rule keeps before its real failure still cites the
// failure point and the lines after it, each with its time.
func TestLegacySetupManyIgnoredErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("[22:31:02] ********** Beginning Setup run **********\r\n")
	for i := 0; i < 2*maxLegacyLines; i++ {
		b.WriteString("[22:31:04]  CService::ScGetStatus (f:\\titanium\\admin\\src\\libs\\exsetup\\service.cxx:722)\r\n" +
			"           Error code 0XC0070424 (1060): The specified service does not exist as an installed service.\r\n" +
			"[22:31:04] === IGNORING PREVIOUS ERRORS === CServiceManager::ScStopService\r\n")
	}
	tail := strings.SplitN(progressRegsvr, "\r\n", 6)[5] // from "Entering CBaseAtom" on
	b.WriteString(tail)
	path := "EX03/Exchange Server Setup Progress.log"
	fs, _ := runBundle(t, legacyFile(t, "EX03", path, []byte(b.String())))
	got := byRule(fs, "sp-setup-failed")
	if len(got) != 1 {
		t.Fatalf("findings %s, want sp-setup-failed", ruleList(fs))
	}
	ev := got[0].Evidence
	if len(ev) < 2 || !strings.Contains(ev[1].Text, "Error code 0XC103798A") {
		t.Fatalf("evidence %+v, want the 0XC103798A failure point", ev)
	}
	for _, e := range ev {
		if e.Time.IsZero() || e.TimeQ != parsers.TimeNoDate {
			t.Errorf("%s:%d %q has no time of day", e.Path, e.Line, e.Text)
		}
	}
}
