package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const demo = "../../fixtures/bundles/ex2003-cluster-sp2-failure"

// extriage runs the command line in-process and returns stdout, stderr and
// the exit status.
func extriage(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return out.String(), errb.String(), code
}

type jsonReport struct {
	Tool   string `json:"tool"`
	Inputs []struct {
		Path     string   `json:"path"`
		Format   string   `json:"format"`
		SHA256   string   `json:"sha256"`
		Bytes    int64    `json:"bytes"`
		Records  int64    `json:"records"`
		Warnings []string `json:"warnings"`
	} `json:"inputs"`
	Hosts []struct {
		Name, Product, Build, Level, Role string
	} `json:"hosts"`
	Findings []struct {
		Rule     string   `json:"rule"`
		Title    string   `json:"title"`
		Severity string   `json:"severity"`
		KB       []string `json:"kb"`
		Host     string   `json:"host"`
		Evidence []struct {
			Path   string `json:"path"`
			Line   int    `json:"line"`
			Record uint64 `json:"record"`
			Time   string `json:"time"`
			Text   string `json:"text"`
		} `json:"evidence"`
		Remedy string `json:"remedy"`
	} `json:"findings"`
	Warnings []string `json:"warnings"`
	Timeline []struct {
		Host  string `json:"host"`
		Label string `json:"label"`
		Start struct {
			Path string `json:"path"`
			Time string `json:"time"`
		} `json:"start"`
	} `json:"timeline"`
}

func scanJSON(t *testing.T, args ...string) (jsonReport, string, int) {
	t.Helper()
	out, errs, code := extriage(t, append([]string{"scan", "--format", "json"}, args...)...)
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("output is not JSON: %v\n%s\nstderr: %s", err, out, errs)
	}
	return r, errs, code
}

// TestDemoBundle is the spine's acceptance test: the three KB 328839
// signatures of the demo bundle, each with its evidence, exit status 1.
func TestDemoBundle(t *testing.T) {
	r, errs, code := scanJSON(t, "--lang", "en", demo)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, errs)
	}
	type want struct {
		host, path, text string
		line             int
		record           bool
	}
	wants := map[string]want{
		"evs-upgrade-required": {host: "EXCLNODE1", path: "EXCLNODE1/Application.evtx", text: "MSExchangeCluster 1025 (error): EXVS1", record: true},
		"evs-version-mismatch": {host: "EXCLNODE2", path: "EXCLNODE2/Exchange Server Setup Progress.log", text: "Error code 0XC1037B44 (31556): The version of Exchange on this computer is incompatible", line: 17},
		"hotfix-file-in-use":   {host: "EXCLNODE1", path: "EXCLNODE1/KB912442.log", text: `FileInUse:: Added to Filelist: c:\program files\exchsrvr\bin\store.exe`, line: 7},
	}
	found := map[string]bool{}
	for _, f := range r.Findings {
		w, ok := wants[f.Rule]
		if !ok {
			continue
		}
		found[f.Rule] = true
		if f.Host != w.host || f.Severity != "error" || len(f.KB) == 0 || f.KB[0] != "328839" {
			t.Errorf("%s: host %q severity %q kb %v", f.Rule, f.Host, f.Severity, f.KB)
		}
		if len(f.Evidence) == 0 {
			t.Fatalf("%s: no evidence", f.Rule)
		}
		e := f.Evidence[0]
		if filepath.ToSlash(e.Path) != demo+"/"+w.path || !strings.Contains(e.Text, w.text) {
			t.Errorf("%s: evidence %+v, want %s with %q", f.Rule, e, w.path, w.text)
		}
		if w.record && (e.Record == 0 || e.Time != "2006-03-14T22:41:07Z") {
			t.Errorf("%s: evidence record %d time %q", f.Rule, e.Record, e.Time)
		}
		if w.line != 0 && e.Line != w.line {
			t.Errorf("%s: evidence line %d, want %d", f.Rule, e.Line, w.line)
		}
		if !strings.Contains(f.Remedy, "KB 328839") {
			t.Errorf("%s: remedy %q", f.Rule, f.Remedy)
		}
	}
	for rule := range wants {
		if !found[rule] {
			t.Errorf("no %s finding", rule)
		}
	}
	// The benign 0XC0070424 error that setup itself ignored is not reported.
	for _, f := range r.Findings {
		for _, e := range f.Evidence {
			if strings.Contains(e.Text, "0XC0070424") {
				t.Errorf("%s cites the ignored error: %+v", f.Rule, e)
			}
		}
	}
	// Bundle correlation: EXCLNODE2 is an Exchange 2003 cluster node on
	// Windows Server 2003 (EventLog 6009), and nothing in the bundle shows
	// IIS hotfix 831464, which the rolling upgrade needs there first.
	iis := false
	for _, f := range r.Findings {
		if f.Rule == "iis-hotfix-831464-missing" && f.Host == "EXCLNODE2" && f.Severity == "warning" {
			iis = true
		}
		if f.Rule == "iis-hotfix-831464-missing" && f.Host == "EXCLNODE1" {
			t.Error("iis-hotfix-831464-missing on EXCLNODE1, whose OS the bundle does not show")
		}
	}
	if !iis {
		t.Error("no iis-hotfix-831464-missing warning for EXCLNODE2")
	}
	hosts := map[string]string{}
	for _, h := range r.Hosts {
		hosts[h.Name] = h.Product
	}
	if len(hosts) != 2 || hosts["EXCLNODE1"] != "Exchange Server 2003" || hosts["EXCLNODE2"] != "Exchange Server 2003" {
		t.Errorf("hosts = %+v", r.Hosts)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("warnings on a clean bundle: %v", r.Warnings)
	}
	// The timeline carries the runs: the hotfix run dated from its log's
	// header, the setup run of EXCLNODE2.
	runs := map[string]string{}
	for _, e := range r.Timeline {
		runs[e.Host+" "+e.Label] = e.Start.Time
	}
	if runs["EXCLNODE1 KB912442 (failed)"] != "2006-03-14T23:02:41.25Z" {
		t.Errorf("timeline lacks the dated hotfix run: %v", runs)
	}
	if _, ok := runs["EXCLNODE2 Exchange Setup (failed)"]; !ok {
		t.Errorf("timeline lacks the setup run: %v", runs)
	}
	if len(r.Inputs) != 5 {
		t.Errorf("%d inputs, want 5", len(r.Inputs))
	}
	for _, in := range r.Inputs {
		if len(in.SHA256) != 64 || in.Records == 0 || in.Format == "" {
			t.Errorf("input %+v", in)
		}
	}
}

func TestDemoTablePolish(t *testing.T) {
	out, _, code := extriage(t, "scan", "--lang", "pl", demo)
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"REGUŁA", "evs-upgrade-required", "Uaktualnij", "EXCLNODE2", "328839", "PRODUKT", "Windows Server 2003 Service Pack 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q", want)
		}
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	notLog := filepath.Join(dir, "notes.txt")
	os.WriteFile(notLog, []byte("just some notes from the customer\n"), 0o644)
	clean := filepath.Join(dir, "KB1.log")
	os.WriteFile(clean, []byte("0.000: Copying files\r\n30.100: Update.exe extended error code = 0x0\r\n"), 0o644)

	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"findings", []string{"scan", demo}, 1, ""},
		{"fail-on none", []string{"scan", "--fail-on", "none", demo}, 0, ""},
		{"clean log", []string{"scan", clean}, 0, ""},
		{"missing path", []string{"scan", filepath.Join(dir, "nope")}, 2, "no such file or folder"},
		{"nothing readable", []string{"scan", notLog}, 2, "no input could be read"},
		{"unknown flag", []string{"scan", "--colour", demo}, 2, "unknown flag"},
		{"no args", []string{"scan"}, 2, "no input"},
		{"bad lang", []string{"scan", "--lang", "de", demo}, 2, "unknown language"},
		{"bad format", []string{"scan", "--format", "pdf", demo}, 2, "unknown format"},
		{"unknown rule", []string{"scan", "--rule", "no-such-rule", demo}, 2, "unknown rule ID"},
		{"strict with an unreadable input", []string{"scan", "--strict", clean, notLog}, 2, "--strict"},
		{"warning only without strict", []string{"scan", clean, notLog}, 0, "not a log format"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := extriage(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %s stderr %s", code, tc.code, out, errs)
			}
			if tc.err != "" && !strings.Contains(errs+out, tc.err) {
				t.Errorf("output lacks %q: stderr %q", tc.err, errs)
			}
		})
	}
}

func TestOutputNeverOverwritesInput(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "KB1.log")
	body := []byte("1.203: FileInUse:: Added to Filelist: c:\\x.exe\r\n12.484: Update.exe extended error code = 0xf201\r\n")
	os.WriteFile(log, body, 0o644)
	_, errs, code := extriage(t, "scan", "--format", "json", "-o", log, dir)
	if code != 2 || !strings.Contains(errs, "one of the inputs") {
		t.Fatalf("exit %d stderr %q", code, errs)
	}
	if got, _ := os.ReadFile(log); !bytes.Equal(got, body) {
		t.Fatal("the input was changed")
	}
}

func TestRuleFilters(t *testing.T) {
	r, _, _ := scanJSON(t, "--rule", "hotfix-file-in-use", demo)
	for _, f := range r.Findings {
		if f.Rule != "hotfix-file-in-use" {
			t.Errorf("--rule let %s through", f.Rule)
		}
	}
	if len(r.Findings) == 0 {
		t.Error("--rule hotfix-file-in-use found nothing")
	}
	r, _, _ = scanJSON(t, "--skip-rule", "hotfix-file-in-use", "--min-severity", "error", demo)
	for _, f := range r.Findings {
		if f.Rule == "hotfix-file-in-use" || f.Severity == "warning" || f.Severity == "info" {
			t.Errorf("filtered finding present: %s %s", f.Rule, f.Severity)
		}
	}
}

func TestUserRulesFile(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "r.yaml")
	os.WriteFile(rules, []byte(`rules:
  - id: demo-store-locked
    title: {en: store.exe was locked, pl: store.exe był zablokowany}
    severity: warning
    kb: ["328839"]
    formats: [updatelog]
    match: {pattern: ['Added to Filelist: (?P<file>.*store\.exe)']}
    remedy: {en: 'Stop the store before patching {file}. KB 328839', pl: 'Zatrzymaj magazyn przed {file}. KB 328839'}
`), 0o644)
	r, _, _ := scanJSON(t, "--rules", rules, demo)
	ok := false
	for _, f := range r.Findings {
		if f.Rule == "demo-store-locked" && strings.Contains(f.Remedy, `c:\program files\exchsrvr\bin\store.exe`) {
			ok = true
		}
	}
	if !ok {
		t.Error("the user rule did not fire")
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("rules:\n  - id: x\n    colour: red\n"), 0o644)
	_, errs, code := extriage(t, "scan", "--rules", bad, demo)
	if code != 2 || !strings.Contains(errs, "bad.yaml:3: field colour not found") {
		t.Errorf("bad rule file: exit %d stderr %q", code, errs)
	}
}

func TestRulesCommand(t *testing.T) {
	out, _, code := extriage(t, "rules", "--format", "ids")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, id := range []string{"evs-upgrade-required", "evs-version-mismatch", "hotfix-file-in-use"} {
		if !strings.Contains(out, id+"\n") {
			t.Errorf("rules lacks %s", id)
		}
	}
	out, _, code = extriage(t, "rules", "--lang", "pl", "evs-version-mismatch")
	if code != 0 || !strings.Contains(out, "c1037b44") || !strings.Contains(out, "Koordynator transakcji rozproszonych") {
		t.Errorf("explain: exit %d\n%s", code, out)
	}
	if _, errs, code := extriage(t, "rules", "nope"); code != 2 || !strings.Contains(errs, "unknown rule ID") {
		t.Errorf("unknown rule: %d %q", code, errs)
	}
}

func TestEventsJSONL(t *testing.T) {
	out, errs, code := extriage(t, "events", "--provider", "MSExchangeCluster", "--id", "1025", demo)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d lines, want the one 1025 event:\n%s", len(lines), out)
	}
	var e map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &e); err != nil {
		t.Fatal(err)
	}
	if e["provider"] != "MSExchangeCluster" || e["event_id"] != float64(1025) || e["time"] != "2006-03-14T22:41:07Z" ||
		e["host"] != "EXCLNODE1" || e["level"] != "error" || e["channel"] != "Application" || e["format"] != "evtx" {
		t.Errorf("event = %v", e)
	}
	if d, _ := e["data"].([]any); len(d) != 1 || d[0] != "EXVS1" {
		t.Errorf("data = %v", e["data"])
	}
	if _, ok := e["record"]; !ok {
		t.Error("no record number")
	}
	// The full classic identifier (qualifiers 0xC000) finds the same event;
	// other qualifiers do not.
	for _, id := range []string{"0xC0000401", "3221226497"} {
		if out, errs, code := extriage(t, "events", "--id", id, demo); code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"event_id":1025`) {
			t.Errorf("--id %s: exit %d, %q, %s", id, code, out, errs)
		}
	}
	if out, _, _ := extriage(t, "events", "--id", "0x40000401", demo); strings.TrimSpace(out) != "" {
		t.Errorf("--id 0x40000401 matched: %s", out)
	}
	if _, errs, code := extriage(t, "events", "--id", "0xZZ", demo); code != 2 || !strings.Contains(errs, "not an event ID") {
		t.Errorf("--id 0xZZ: exit %d, %s", code, errs)
	}
	out, _, _ = extriage(t, "events", "--format", "csv", demo+"/EXCLNODE1/KB912442.log")
	if !strings.HasPrefix(out, "path,format,record,line,time") || !strings.Contains(out, "FileInUse:: Added to Filelist") {
		t.Errorf("csv = %s", out)
	}
}

// TestRuleFilterKeepsTheFallbackHonest: setup-failed-unknown reports a
// failure no other rule explains. Selecting it alone (--rule), or hiding
// the rule that explains the failure (--skip-rule), must not make it
// report an explained failure: the filters choose what is printed, every
// rule still runs.
func TestRuleFilterKeepsTheFallbackHonest(t *testing.T) {
	var b strings.Builder
	line := func(i int, s string) { fmt.Fprintf(&b, "[03/11/2021 10:%02d:%02d.0000] [1] %s\n", i/60, i%60, s) }
	line(0, "Starting Microsoft Exchange Server 2019 Setup")
	line(1, "Setup version: 15.2.1544.4.")
	line(2, "Command Line Parameter Name='mode', Value='Upgrade'.")
	line(3, "The locally installed version is 15.2.1258.12.")
	for i := 4; i < 40; i++ {
		line(i, fmt.Sprintf("Setup launched task 'filler-%d'.", i))
	}
	line(40, "[ERROR] Database is mandatory on UserMailbox.")
	line(41, `[ERROR-REFERENCE] Id=UnifiedMessagingComponent___99d8be02cb8d413eafc6ff15e437e13d Component=EXCHANGE14:\Current\Release\Shared\Datacenter\Setup`)
	line(42, "Setup is stopping now because of one or more critical errors.")
	line(43, "The Exchange Server setup operation didn't complete.  More details can be found in ExchangeSetup.log located in the <SystemDrive>:\\ExchangeSetupLogs folder.")
	line(44, "End of Setup")
	log := filepath.Join(t.TempDir(), "ExchangeSetup.log")
	if err := os.WriteFile(log, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	rules := func(r jsonReport) []string {
		var ids []string
		for _, f := range r.Findings {
			ids = append(ids, f.Rule)
		}
		return ids
	}
	r, _, _ := scanJSON(t, log)
	if got := rules(r); len(got) != 1 || got[0] != "setup-mailbox-missing-homemdb" {
		t.Fatalf("no filter: findings %v, want setup-mailbox-missing-homemdb", got)
	}
	if r, _, _ := scanJSON(t, "--rule", "setup-failed-unknown", log); len(r.Findings) != 0 {
		t.Errorf("--rule setup-failed-unknown: findings %v, want none (the failure is explained)", rules(r))
	}
	if r, _, _ := scanJSON(t, "--skip-rule", "setup-mailbox-missing-homemdb", log); len(r.Findings) != 0 {
		t.Errorf("--skip-rule of the explaining rule: findings %v, want none", rules(r))
	}
	if r, _, _ := scanJSON(t, "--rule", "setup-mailbox-missing-homemdb,setup-failed-unknown", log); len(r.Findings) != 1 {
		t.Errorf("--rule of both: findings %v, want the explaining rule only", rules(r))
	}
}

// TestUserRuleReusingAnIDNamesItsLine: a user rule with a built-in ID is
// refused with the file and the line of that rule.
func TestUserRuleReusingAnIDNamesItsLine(t *testing.T) {
	f := filepath.Join(t.TempDir(), "dup.yaml")
	os.WriteFile(f, []byte(`rules:
  - id: my-own-rule
    title: {en: t, pl: t}
    severity: warning
    kb: ["328839"]
    formats: [updatelog]
    match: {keywords: [foo]}
    remedy: {en: r KB 328839, pl: r KB 328839}
  - id: hotfix-file-in-use
    title: {en: t, pl: t}
    severity: warning
    kb: ["328839"]
    formats: [updatelog]
    match: {keywords: [foo]}
    remedy: {en: r KB 328839, pl: r KB 328839}
`), 0o644)
	_, errs, code := extriage(t, "rules", "--rules", f)
	if code != 2 || !strings.Contains(errs, "dup.yaml:9: rule hotfix-file-in-use is defined twice") {
		t.Errorf("exit %d stderr %q", code, errs)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("rules:\n  - id: x\n    title: [\n"), 0o644)
	_, errs, code = extriage(t, "rules", "--rules", bad)
	if code != 2 || strings.Count(errs, "bad.yaml") != 1 || !strings.Contains(errs, "bad.yaml:3: ") {
		t.Errorf("YAML syntax error: exit %d stderr %q, want the file named once, with its line", code, errs)
	}
	sev := filepath.Join(t.TempDir(), "sev.yaml")
	os.WriteFile(sev, []byte("rules:\n  - id: my-rule\n    severity: none\n"), 0o644)
	if _, errs, code = extriage(t, "rules", "--rules", sev); code != 2 || !strings.Contains(errs, `sev.yaml:3: unknown severity "none" (want info, warning, error or critical)`) {
		t.Errorf("severity none: exit %d stderr %q", code, errs)
	}
}

// TestRulesCommandTakesSeveralRuleFiles: `rules --rules` is repeatable,
// as in scan, and a clash between two user files names the second one.
func TestRulesCommandTakesSeveralRuleFiles(t *testing.T) {
	dir := t.TempDir()
	rule := func(name, id string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("rules:\n  - id: "+id+"\n    title: {en: t, pl: tą}\n    severity: warning\n    kb: [\"328839\"]\n    formats: [updatelog]\n    match: {keywords: [foo]}\n    remedy: {en: r KB 328839, pl: r KB 328839}\n"), 0o644)
		return p
	}
	a, b, c := rule("a.yaml", "my-rule-one"), rule("b.yaml", "my-rule-two"), rule("c.yaml", "my-rule-one")
	out, errs, code := extriage(t, "rules", "--format", "ids", "--rules", a, "--rules", b)
	if code != 0 || !strings.Contains(out, "my-rule-one\n") || !strings.Contains(out, "my-rule-two\n") {
		t.Errorf("two files: exit %d stdout %q stderr %q", code, out, errs)
	}
	if _, errs, code = extriage(t, "rules", "--rules", a, "--rules", c); code != 2 || !strings.Contains(errs, "c.yaml:2: rule my-rule-one is defined twice") {
		t.Errorf("clash: exit %d stderr %q", code, errs)
	}
}
