package detectors

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/parsers"
)

// runFile feeds records through the whole catalog as one file of one
// bundle and returns the findings.
func runFile(t *testing.T, lang Lang, f FileInfo, recs []*parsers.Record) []Finding {
	t.Helper()
	rules, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	eng := NewEngine(rules, lang)
	fr := eng.NewFile(f)
	for _, r := range recs {
		fr.Record(r)
	}
	c := eng.NewCollector("case")
	c.Add(fr.Finish())
	return c.Finish()
}

func event(provider string, id uint32, data ...string) *parsers.Record {
	return &parsers.Record{Path: "Application.evtx", Format: parsers.FormatEVTX, RecordID: 42,
		Time: time.Date(2006, 3, 14, 22, 41, 7, 0, time.UTC), Host: "exclnode1.contoso.local",
		Provider: provider, EventID: id, Level: parsers.LevelError, Channel: "Application", Data: data}
}

func byRule(fs []Finding, id string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Rule == id {
			out = append(out, f)
		}
	}
	return out
}

func TestEVSUpgradeRequired(t *testing.T) {
	tests := []struct {
		name string
		rec  *parsers.Record
		want int
	}{
		{"MSExchangeCluster 1025", event("MSExchangeCluster", 1025, "EXVS1"), 1},
		{"source compared without case", event("msexchangecluster", 1025), 1},
		{"MsiInstaller 1025 is a different event", event("MsiInstaller", 1025, "Product", "file"), 0},
		{"other MSExchangeCluster event", event("MSExchangeCluster", 2146, "x"), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := byRule(runFile(t, English, FileInfo{Path: "Application.evtx", Format: parsers.FormatEVTX}, []*parsers.Record{tc.rec}), "evs-upgrade-required")
			if len(fs) != tc.want {
				t.Fatalf("got %d findings, want %d", len(fs), tc.want)
			}
			if tc.want == 0 {
				return
			}
			f := fs[0]
			if f.Host != "EXCLNODE1" || f.Severity != Error || f.KB[0] != "328839" {
				t.Errorf("finding = %+v", f)
			}
			if ev := f.Evidence[0]; ev.Record != 42 || ev.Path != "Application.evtx" || !strings.HasPrefix(ev.Text, tc.rec.Provider+" 1025 (error)") {
				t.Errorf("evidence = %+v", ev)
			}
			if !strings.Contains(f.Remedy, "On EXCLNODE1,") || !strings.Contains(f.Remedy, "Upgrade Exchange Virtual Server") {
				t.Errorf("remedy = %q", f.Remedy)
			}
		})
	}
}

func TestEVSUpgradeRequiredGroupsRepeats(t *testing.T) {
	var recs []*parsers.Record
	for i := 0; i < 30; i++ {
		r := event("MSExchangeCluster", 1025, "EXVS1")
		r.RecordID = uint64(100 + i)
		recs = append(recs, r)
	}
	fs := byRule(runFile(t, English, FileInfo{Path: "Application.evtx", Format: parsers.FormatEVTX}, recs), "evs-upgrade-required")
	if len(fs) != 1 {
		t.Fatalf("got %d findings, want one per host", len(fs))
	}
	if fs[0].Count != 30 || len(fs[0].Evidence) != MaxEvidence {
		t.Errorf("count %d, evidence %d; want 30 and %d", fs[0].Count, len(fs[0].Evidence), MaxEvidence)
	}
}

func setupRec(line int, msg string, fields map[string]string) *parsers.Record {
	return &parsers.Record{Path: "Exchange Server Setup Progress.log", Format: parsers.FormatSetupLog, Line: line, Message: msg, Fields: fields}
}

func TestEVSVersionMismatch(t *testing.T) {
	frame := "CClusterVirtualServer::ScCheckNodeVersion (f:\\x.cxx:1)\n           Error code 0XC1037B44 (31556): The version of Exchange on this computer is incompatible with the version of Exchange on server 'EXVS1'."
	tests := []struct {
		name   string
		rec    *parsers.Record
		want   int
		server string
		line   int // the physical line cited: the one holding the match
	}{
		{"progress log frame", setupRec(17, frame, nil), 1, "EXVS1", 18},
		{"bare code, lower case", setupRec(3, "setup failed with error c1037b44", nil), 1, "", 3},
		{"Polish message", setupRec(5, "Wersja programu Exchange na tym komputerze jest niezgodna z wersją programu Exchange na serwerze ' EXVS2 '.", nil), 1, "EXVS2", 5},
		{"ignored by setup", setupRec(9, frame, map[string]string{"ignored": "true"}), 0, "", 0},
		{"other error code", setupRec(4, "Error code 0XC0070424 (1060): The specified service does not exist as an installed service.", nil), 0, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := byRule(runFile(t, English, FileInfo{Path: tc.rec.Path, Format: parsers.FormatSetupLog, HostHint: "EXCLNODE2"}, []*parsers.Record{tc.rec}), "evs-version-mismatch")
			if len(fs) != tc.want {
				t.Fatalf("got %d findings, want %d", len(fs), tc.want)
			}
			if tc.want == 0 {
				return
			}
			if fs[0].Host != "EXCLNODE2" {
				t.Errorf("host %q, want the file's host EXCLNODE2", fs[0].Host)
			}
			e := fs[0].Evidence[0]
			if e.Line != tc.line {
				t.Errorf("evidence line %d, want %d", e.Line, tc.line)
			}
			if !strings.Contains(strings.ToLower(e.Text), strings.ToLower(e.Match)) || e.Match == "" {
				t.Errorf("evidence text %q does not hold the match %q", e.Text, e.Match)
			}
			if got := fs[0].Values["server"]; got != tc.server {
				t.Errorf("server = %q, want %q", got, tc.server)
			}
		})
	}
}

func updateLines(lines ...string) []*parsers.Record {
	var out []*parsers.Record
	for i, l := range lines {
		elapsed, msg, _ := strings.Cut(l, ": ")
		r := &parsers.Record{Path: "KB912442.log", Format: parsers.FormatUpdateLog, Line: i + 1, Message: msg,
			TimeQ: parsers.TimeElapsed, Fields: map[string]string{"elapsed": elapsed, "run": "1"}}
		out = append(out, r)
	}
	return out
}

func TestHotfixFileInUse(t *testing.T) {
	failed := updateLines(
		"1.203: FileInUse:: Added to Filelist: c:\\program files\\exchsrvr\\bin\\store.exe",
		"1.203: FileInUse:: Added to Filelist: c:\\program files\\exchsrvr\\bin\\mad.exe",
		"12.484: KB912442 installation did not complete.",
		"12.484: Update.exe extended error code = 0xf201",
	)
	succeeded := updateLines(
		"1.203: FileInUse:: Added to Filelist: c:\\program files\\exchsrvr\\bin\\store.exe",
		"30.100: Update.exe extended error code = 0x0",
	)
	clean := updateLines(
		"1.000: DoInstallation: CleanupOldPackageInformation: exiting",
		"30.100: Update.exe extended error code = 0x0",
	)
	info := FileInfo{Path: "KB912442.log", Format: parsers.FormatUpdateLog, HostHint: "EXCLNODE1"}

	fs := byRule(runFile(t, English, info, failed), "hotfix-file-in-use")
	if len(fs) != 1 {
		t.Fatalf("failed run: %d findings, want 1", len(fs))
	}
	f := fs[0]
	if f.Severity != Error || f.Count != 2 || f.Host != "EXCLNODE1" {
		t.Errorf("failed run: severity %s count %d host %q", f.Severity, f.Count, f.Host)
	}
	if f.Evidence[0].Line != 1 || !strings.Contains(f.Evidence[0].Text, `store.exe`) || f.Evidence[1].Line != 2 {
		t.Errorf("evidence = %+v", f.Evidence)
	}
	if !strings.Contains(f.Remedy, `c:\program files\exchsrvr\bin\store.exe, c:\program files\exchsrvr\bin\mad.exe`) ||
		!strings.Contains(f.Remedy, "extended error 0xf201") {
		t.Errorf("remedy = %q", f.Remedy)
	}

	fs = byRule(runFile(t, English, info, succeeded), "hotfix-file-in-use")
	if len(fs) != 1 || fs[0].Severity != Warning {
		t.Fatalf("succeeded run: %+v, want one warning", fs)
	}
	if fs := byRule(runFile(t, English, info, clean), "hotfix-file-in-use"); len(fs) != 0 {
		t.Fatalf("clean run: %d findings, want none", len(fs))
	}
	// A log that ends before the run's outcome: not known to have
	// succeeded, so an error (rule-catalog.md: a warning only when the run
	// still succeeded).
	cut := updateLines("1.203: FileInUse:: Added to Filelist: c:\\program files\\exchsrvr\\bin\\store.exe")
	if fs := byRule(runFile(t, English, info, cut), "hotfix-file-in-use"); len(fs) != 1 || fs[0].Severity != Error || !strings.Contains(fs[0].Remedy, "(no outcome logged)") {
		t.Fatalf("run without an outcome: %+v, want one error", fs)
	}

	pl := byRule(runFile(t, Polish, info, failed), "hotfix-file-in-use")
	if !strings.Contains(pl[0].Remedy, "rozszerzony kod błędu 0xf201") || !strings.Contains(pl[0].Title, "Poprawka") {
		t.Errorf("Polish remedy = %q", pl[0].Remedy)
	}
	if _, ok := pl[0].Values["outcome@pl"]; ok {
		t.Errorf("language variants must not leak into values: %v", pl[0].Values)
	}
}

func TestCatalogComplete(t *testing.T) {
	rules, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"hotfix-file-in-use", "evs-version-mismatch", "evs-upgrade-required"} {
		if Find(rules, id) == nil {
			t.Errorf("catalog lacks %s", id)
		}
	}
	for _, r := range rules {
		m := r.Meta()
		for _, l := range Langs {
			for what, txt := range map[string]Text{"title": m.Title, "remedy": m.Remedy, "doc": m.Doc} {
				if strings.TrimSpace(textIn(txt, l)) == "" {
					t.Errorf("%s: no %s %s", m.ID, l, what)
				}
			}
			if !strings.Contains(m.Remedy.In(l), "KB") {
				t.Errorf("%s: %s remedy cites no KB", m.ID, l)
			}
		}
		if _, ok := r.(FileRule); !ok {
			if _, ok := r.(BundleRule); !ok {
				t.Errorf("%s is neither a file nor a bundle rule", m.ID)
			}
		}
	}
}

func TestLoadRulesErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown key", "rules:\n  - id: x-y\n    colour: red\n", "user.yaml:3: field colour not found"},
		{"bad regex", "rules:\n  - id: my-rule\n    title: {en: t, pl: t}\n    severity: error\n    kb: [\"328839\"]\n    formats: [setuplog]\n    match: {pattern: ['(']}\n    remedy: {en: r, pl: r}\n", "user.yaml:7: rule my-rule: pattern"},
		{"missing Polish remedy", "rules:\n  - id: my-rule\n    title: {en: t, pl: t}\n    severity: error\n    kb: [\"328839\"]\n    formats: [setuplog]\n    match: {keywords: [x]}\n    remedy: {en: r}\n", "remedy has no pl text"},
		{"bad severity", "rules:\n  - id: my-rule\n    severity: fatal\n", "user.yaml:3: unknown severity"},
		{"unknown placeholder", "rules:\n  - id: my-rule\n    title: {en: t, pl: t}\n    severity: error\n    kb: [\"328839\"]\n    formats: [setuplog]\n    match: {keywords: [x]}\n    remedy: {en: 'fix {thing}', pl: r}\n", "uses {thing}"},
		{"empty match", "rules:\n  - id: my-rule\n    title: {en: t, pl: t}\n    severity: error\n    kb: [\"328839\"]\n    formats: [setuplog]\n    remedy: {en: r, pl: r}\n", "match is empty"},
		{"not a rule file", "- a\n- b\n", "want a top-level"},
		// The line of the key at fault, not of the rule.
		{"bad regex in a list", "rules:\n  - id: my-rule\n    title: {en: t, pl: t}\n    severity: error\n    kb: [\"328839\"]\n    formats: [setuplog]\n    match:\n      keywords: [x]\n      pattern:\n        - 'ok'\n        - '('\n    remedy: {en: r, pl: r}\n", "user.yaml:11: rule my-rule: pattern \"(\""},
		{"unknown format", "rules:\n  - id: my-rule\n    title: {en: t, pl: t}\n    severity: error\n    kb: [\"328839\"]\n    formats:\n      - setuplog\n      - evtxx\n    match: {keywords: [x]}\n    remedy: {en: r, pl: r}\n", "user.yaml:8: rule my-rule: unknown format \"evtxx\""},
		{"placeholder in the Polish remedy", "rules:\n  - id: my-rule\n    title: {en: t, pl: t}\n    severity: error\n    kb: [\"328839\"]\n    formats: [setuplog]\n    match: {keywords: [x]}\n    remedy:\n      en: r\n      pl: 'r {thing}'\n", "user.yaml:10: rule my-rule: remedy (pl) uses {thing}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadRules("user.yaml", []byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestUserRuleCannotReuseCatalogID(t *testing.T) {
	cat, _ := Catalog()
	user, err := LoadRules("u.yaml", []byte("rules:\n  - id: evs-upgrade-required\n    title: {en: t, pl: t}\n    severity: error\n    kb: [\"328839\"]\n    formats: [evtx]\n    match: {event_id: [1]}\n    remedy: {en: r, pl: r}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Merge(cat, user); err == nil || !strings.Contains(err.Error(), "defined twice") {
		t.Fatalf("Merge error = %v", err)
	}
}

func TestLangFromEnv(t *testing.T) {
	tests := []struct {
		lcAll, lcMsg, lang string
		want               Lang
	}{
		{"", "", "pl_PL.UTF-8", Polish},
		{"C", "", "pl_PL.UTF-8", English},
		{"", "pl_PL", "en_US.UTF-8", Polish},
		{"", "", "", English},
	}
	for _, tc := range tests {
		t.Setenv("LC_ALL", tc.lcAll)
		t.Setenv("LC_MESSAGES", tc.lcMsg)
		t.Setenv("LANG", tc.lang)
		if got := LangFromEnv(); got != tc.want {
			t.Errorf("LC_ALL=%q LC_MESSAGES=%q LANG=%q: %s, want %s", tc.lcAll, tc.lcMsg, tc.lang, got, tc.want)
		}
	}
}

func TestHostName(t *testing.T) {
	for in, want := range map[string]string{"exclnode1.contoso.local": "EXCLNODE1", `\\MAIL-01`: "MAIL-01", "N/A": "", "10.0.0.5": "10.0.0.5", " ex1 ": "EX1"} {
		if got := HostName(in); got != want {
			t.Errorf("HostName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestVerdictRunOfAnExcerpt: a setup log cut before its start line (an
// excerpt pasted into a ticket) is still judged, by its last run.
func TestVerdictRunOfAnExcerpt(t *testing.T) {
	line := "[ERROR] Setup encountered a problem while validating the state of Active Directory: The domain is not prepared."
	rec := &parsers.Record{Path: "ExchangeSetup.log", Format: parsers.FormatSetupLog, Line: 3, Message: line,
		Level: parsers.LevelError, Fields: map[string]string{"run": "1", "generation": "2007"}}
	fs := byRule(runFile(t, English, FileInfo{Path: rec.Path, Format: parsers.FormatSetupLog, HostHint: "EX19"}, []*parsers.Record{rec}), "setup-ad-validation-failed")
	if len(fs) != 1 || fs[0].Evidence[0].Line != 3 {
		t.Fatalf("findings = %+v", fs)
	}
}

// TestHitsMergeAsTheyCome: a rule matching every record of a huge log keeps
// one hit per host, with bounded evidence, while the file is read.
func TestHitsMergeAsTheyCome(t *testing.T) {
	rules, _ := Catalog()
	eng := NewEngine(rules, English)
	fr := eng.NewFile(FileInfo{Path: "big.evtx", Format: parsers.FormatEVTX})
	r := event("MSExchangeCluster", 1025, "EXVS1")
	for i := 0; i < 200000; i++ {
		fr.Record(r)
	}
	res := fr.Finish()
	n := 0
	for _, h := range res.Hits {
		if h.Rule.Meta().ID == "evs-upgrade-required" {
			n++
			if h.Hit.Count != 200000 || len(h.Hit.Evidence) != MaxEvidence {
				t.Errorf("count %d evidence %d", h.Hit.Count, len(h.Hit.Evidence))
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d hits for one host, want 1", n)
	}
	if len(res.Facts) > 10 {
		t.Errorf("%d facts from one repeated event", len(res.Facts))
	}
}

// TestRemedyWithoutHostName: a log that names no server gets a remedy that
// says so in words, not a bare placeholder.
func TestRemedyWithoutHostName(t *testing.T) {
	info := FileInfo{Path: "KB912442.log", Format: parsers.FormatUpdateLog}
	lines := updateLines("1.203: FileInUse:: Added to Filelist: c:\\x.exe", "12.484: Update.exe extended error code = 0xf201")
	en := byRule(runFile(t, English, info, lines), "hotfix-file-in-use")
	pl := byRule(runFile(t, Polish, info, lines), "hotfix-file-in-use")
	if len(en) != 1 || !strings.Contains(en[0].Remedy, "while the update ran on the server (") || strings.Contains(en[0].Remedy, "?") {
		t.Errorf("English remedy = %q", en[0].Remedy)
	}
	if len(pl) != 1 || !strings.Contains(pl[0].Remedy, "na serwerze (nazwa nieznana)") {
		t.Errorf("Polish remedy = %q", pl[0].Remedy)
	}
}

// TestRemediesInBothLanguages walks the catalog: every rule's title and
// remedy have a Polish text of their own (not the English one copied, with
// Polish letters), and both remedies use the same placeholders, so a
// captured value shows in either language.
func TestRemediesInBothLanguages(t *testing.T) {
	rules, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	sorted := func(s string) string {
		ps := Placeholders(s)
		sort.Strings(ps)
		return strings.Join(ps, ",")
	}
	for _, r := range rules {
		m := r.Meta()
		for what, txt := range map[string]Text{"title": m.Title, "remedy": m.Remedy} {
			if txt.PL == txt.EN {
				t.Errorf("%s: Polish %s is the English one", m.ID, what)
			}
		}
		if !strings.ContainsAny(m.Remedy.PL+m.Title.PL, "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ") {
			t.Errorf("%s: Polish title and remedy have no Polish letter: %q", m.ID, m.Remedy.PL)
		}
		if en, pl := sorted(m.Remedy.EN), sorted(m.Remedy.PL); en != pl {
			t.Errorf("%s: remedy placeholders differ: en {%s}, pl {%s}", m.ID, en, pl)
		}
	}
}

// containsFold ignores case in ASCII and Unicode text alike, whichever
// path it takes.
func TestContainsFold(t *testing.T) {
	for _, tc := range []struct {
		s, sub string
		want   bool
	}{
		{"Error Code 0XC1037B44 (31556)", "c1037b44", true},
		{"Error code 0XC1037B4", "c1037b44", false},
		{"Setup FAILED while upgrading", "setup failed", true},
		{"Instalacja nie powiodła się: Setup Failed", "setup failed", true}, // non-ASCII text
		{"Please REBOOT", "reboot", true},
		{"\u212Aelvin", "kelvin", true}, // the Kelvin sign folds to k
		{"zażółć", "ŻÓŁĆ", true},
		{"restart", "", true},
		{"", "restart", false},
	} {
		if got := containsFold(tc.s, tc.sub); got != tc.want {
			t.Errorf("containsFold(%q, %q) = %v, want %v", tc.s, tc.sub, got, tc.want)
		}
	}
}
