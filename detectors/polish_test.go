package detectors

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/internal/testkit"
	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/updatelog"
)

// TestEvidenceTextIn: the event level that extriage writes after the event
// ID of a cited event is named in the reader's language; Text, what JSON
// carries, keeps the normalised level, and the log's own words are never
// touched, even when they hold the same word.
func TestEvidenceTextIn(t *testing.T) {
	for _, tc := range []struct {
		level    parsers.Level
		en, pl   string
		provider string
		id       uint32
		msg      string
	}{
		{parsers.LevelError, "MSExchangeCluster 1025 (error): EXVS1 (error)", "MSExchangeCluster 1025 (błąd): EXVS1 (error)", "MSExchangeCluster", 1025, "EXVS1 (error)"},
		{parsers.LevelInformation, "EventLog 6009 (information): 5.02.", "EventLog 6009 (informacja): 5.02.", "EventLog", 6009, "5.02."},
		{parsers.LevelWarning, "MSExchangeIS 9646 (warning): x", "MSExchangeIS 9646 (ostrzeżenie): x", "MSExchangeIS", 9646, "x"},
		{parsers.LevelCritical, "Kernel-Power 41 (critical): y", "Kernel-Power 41 (krytyczny): y", "Kernel-Power", 41, "y"},
		{parsers.LevelAuditFailure, "Security 529 (audit_failure): z", "Security 529 (inspekcja niepowodzeń): z", "Security", 529, "z"},
	} {
		r := &parsers.Record{Path: "N/Application.evtx", RecordID: 7, Provider: tc.provider, EventID: tc.id, Level: tc.level, Message: tc.msg}
		e := EvidenceOf(r)
		if e.Text != tc.en {
			t.Errorf("Text = %q, want %q", e.Text, tc.en)
		}
		if got := e.TextIn(English); got != tc.en {
			t.Errorf("TextIn(en) = %q, want %q", got, tc.en)
		}
		if got := e.TextIn(Polish); got != tc.pl {
			t.Errorf("TextIn(pl) = %q, want %q", got, tc.pl)
		}
	}
	// A text log line has no level of ours: the Polish text is the line.
	line := EvidenceOf(&parsers.Record{Path: "a.log", Line: 3, Level: parsers.LevelError, Message: "Setup failed (error)"})
	if got := line.TextIn(Polish); got != "Setup failed (error)" {
		t.Errorf("text line in Polish = %q", got)
	}
	// Text rewritten after the fact: TextIn leaves what it does not
	// recognise as it is rather than cut into it.
	e := EvidenceOf(&parsers.Record{Path: "x.evtx", RecordID: 1, Provider: "P", EventID: 1, Level: parsers.LevelError, Message: "m"})
	e.Text = "P 1: m"
	if got := e.TextIn(Polish); got != "P 1: m" {
		t.Errorf("rewritten text in Polish = %q", got)
	}
}

// TestPolishFindingsHaveNoEnglishOfOurs: a Polish remedy, and the values a
// Polish report shows, name an update.exe outcome and an Exchange setup run
// in Polish; Values, the JSON form, keeps the English.
func TestPolishFindingsHaveNoEnglishOfOurs(t *testing.T) {
	update := file{info: FileInfo{Path: "NODE1/KB912442.log", Format: parsers.FormatUpdateLog, HostHint: "NODE1"},
		recs: testkit.ParseBytes(updatelog.Parser{}, "NODE1/KB912442.log", []byte(strings.Join([]string{
			"0.000: 2006/03/14 23:02:41.250 (local)",
			"1.000: FileInUse:: Added to Filelist: c:\\program files\\exchsrvr\\bin\\store.exe",
			"11.000: KB912442 installation did not complete.",
			"12.484: Update.exe extended error code = 0xf201", ""}, "\r\n"))).Recs}
	setup := ev("NODE1", "MSExchangeSetup", 1000, time.Date(2006, 3, 14, 23, 10, 0, 0, time.UTC), "6.5.7638.1")
	setup.Level = parsers.LevelInformation
	scm := ev("NODE1", "Service Control Manager", 7024, time.Date(2006, 3, 14, 23, 30, 0, 0, time.UTC), "Microsoft Exchange Information Store", "3355443752")
	scm.Path = "NODE1/System.evtx"
	events := file{info: FileInfo{Path: "NODE1/Application.evtx", Format: parsers.FormatEVTX, HostHint: "NODE1"}, recs: []*parsers.Record{setup}}
	system := file{info: FileInfo{Path: scm.Path, Format: parsers.FormatEVTX, HostHint: "NODE1"}, recs: []*parsers.Record{scm}}

	fs, _ := runBundleLang(t, Polish, update, events, system)
	english := []string{"extended error", "no outcome logged", "Exchange Setup", "installation did not complete)", "completed"}
	for _, id := range []string{"hotfix-file-in-use", "hotfix-install-failed", "exchange-service-failed-after-update"} {
		got := byRule(fs, id)
		if len(got) != 1 {
			t.Fatalf("%s: findings = %+v", id, got)
		}
		f := got[0]
		for _, w := range english {
			if strings.Contains(f.Remedy, w) {
				t.Errorf("%s: Polish remedy has %q: %s", id, w, f.Remedy)
			}
			for k, v := range f.ValuesIn() {
				if strings.Contains(v, w) {
					t.Errorf("%s: Polish value %s = %q has %q", id, k, v, w)
				}
			}
		}
	}
	fiu := byRule(fs, "hotfix-file-in-use")[0]
	if !strings.Contains(fiu.Remedy, "(rozszerzony kod błędu 0xf201)") || fiu.ValuesIn()["outcome"] != "rozszerzony kod błędu 0xf201" {
		t.Errorf("file in use: remedy %q, shown values %v", fiu.Remedy, fiu.ValuesIn())
	}
	if fiu.Values["outcome"] != "extended error 0xf201" {
		t.Errorf("file in use: machine value outcome = %q, want the English", fiu.Values["outcome"])
	}
	svc := byRule(fs, "exchange-service-failed-after-update")[0]
	if !strings.Contains(svc.Remedy, "po instalacji Exchange 6.5.7638.1 (2006-03-14 23:10)") {
		t.Errorf("service failure: Polish remedy = %q", svc.Remedy)
	}

	// The English run of the same bundle keeps its words.
	fs, _ = runBundleLang(t, English, update, events, system)
	if got := byRule(fs, "exchange-service-failed-after-update"); len(got) != 1 || !strings.Contains(got[0].Remedy, "after Exchange Setup 6.5.7638.1 (2006-03-14 23:10)") || got[0].Shown != nil {
		t.Errorf("English: findings = %+v", got)
	}
}

// TestPolishMSIEventWithoutProduct: an MsiInstaller failure event that
// names no product gives a Polish remedy with a Polish stand-in, not the
// English one.
func TestPolishMSIEventWithoutProduct(t *testing.T) {
	r := ev("EX1", "MsiInstaller", 11708, time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC))
	f := file{info: FileInfo{Path: r.Path, Format: parsers.FormatEVTX, HostHint: "EX1"}, recs: []*parsers.Record{r}}
	for lang, want := range map[Lang]string{Polish: "Instalacja pakietu na serwerze EX1 nie powiodła się.", English: "The package failed on EX1."} {
		fs, _ := runBundleLang(t, lang, f)
		if got := byRule(fs, "msi-install-failed"); len(got) != 1 || !strings.HasPrefix(got[0].Remedy, want) {
			t.Errorf("%s: findings = %+v, want a remedy starting %q", lang, got, want)
		}
	}
}

// TestPolishEvidenceOfOurs: evidence that extriage describes itself (a
// setup run cited as a whole) reads in Polish in a Polish report, while
// Text keeps the English for JSON.
func TestPolishEvidenceOfOurs(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "ExchangeSetup_succeeded.log"))
	if err != nil {
		t.Fatal(err)
	}
	setup := legacyFile(t, "EX1", "EX1/ExchangeSetup.log", data)
	scm := ev("EX1", "Service Control Manager", 7024, time.Date(2021, 4, 2, 9, 0, 0, 0, time.UTC), "Microsoft Exchange Transport", "3355443752")
	scm.Path = "EX1/System.evtx"
	system := file{info: FileInfo{Path: scm.Path, Format: parsers.FormatEVTX, HostHint: "EX1"}, recs: []*parsers.Record{scm}}
	fs, _ := runBundleLang(t, Polish, setup, system)
	got := byRule(fs, "exchange-service-failed-after-update")
	if len(got) != 1 || len(got[0].Evidence) != 2 {
		t.Fatalf("findings = %+v", got)
	}
	run, svc := got[0].Evidence[0], got[0].Evidence[1]
	if run.Text != "setup run 2: succeeded" || run.TextIn(Polish) != "przebieg instalatora nr 2: zakończony powodzeniem" || run.TextIn(English) != run.Text {
		t.Errorf("setup run evidence: Text %q, Polish %q", run.Text, run.TextIn(Polish))
	}
	if svc.TextIn(Polish) != "Service Control Manager 7024 (błąd): Microsoft Exchange Transport | 3355443752" {
		t.Errorf("event evidence in Polish = %q", svc.TextIn(Polish))
	}
}

// TestPolishPerfoptEvidence: the perfopt.log evidence, a file's
// modification time that extriage states, reads in Polish.
func TestPolishPerfoptEvidence(t *testing.T) {
	sp := time.Date(2001, 5, 2, 10, 0, 0, 0, time.UTC)
	install := Fact{Kind: FactInstall, Host: "EX55", Time: sp, Values: map[string]string{"generation": "5.5", "outcome": "unknown"},
		Evidence: Evidence{Path: "EX55/Exchange Server Setup.log", Line: 1, Text: "setup run 1: unknown"}}
	rules, _ := Catalog()
	hits := Find(rules, "perfopt-not-rerun").(BundleRule).CheckBundle(&Bundle{Facts: []Fact{install},
		Inputs: []Input{{Path: "EX55/Exchange Server Setup.log", Host: "EX55", ModTime: sp},
			{Path: "EX55/perfopt.log", Host: "EX55", ModTime: sp.AddDate(0, -2, 0)}}})
	if len(hits) != 1 || len(hits[0].Evidence) != 2 {
		t.Fatalf("hits = %+v", hits)
	}
	e := hits[0].Evidence[1]
	if e.Text != "perfopt.log last written 2001-03-02T10:00:00Z" || e.TextIn(Polish) != "ostatni zapis pliku perfopt.log: 2001-03-02T10:00:00Z" {
		t.Errorf("perfopt evidence: %q / %q", e.Text, e.TextIn(Polish))
	}
}
