package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const (
	// failedKB is an update.exe log whose run failed with a file in use.
	failedKB = "0.000: ========================================================================\r\n" +
		"0.000: Started: 2010/04/14 (Y/M/D) 10:21:07.125 (local)\r\n" +
		"1.203: FileInUse:: Added to Filelist: c:\\x.exe\r\n" +
		"12.484: Update.exe extended error code = 0xf201\r\n"
	// lockedKB had a file in use in a run that succeeded.
	lockedKB = "0.000: ========================================================================\r\n" +
		"0.000: Started: 2010/04/14 (Y/M/D) 10:21:07.125 (local)\r\n" +
		"1.203: FileInUse:: Added to Filelist: c:\\y.dll\r\n" +
		"12.484: Update.exe extended error code = 0x0\r\n"
	// cleanKB is a run that succeeded.
	cleanKB = "0.000: ========================================================================\r\n" +
		"0.000: Started: 2010/04/14 (Y/M/D) 10:21:07.125 (local)\r\n" +
		"1.203: DoInstallation: installing\r\n" +
		"12.484: Update.exe extended error code = 0x0\r\n"
)

// zipBytes builds a zip of name/content pairs.
func zipBytes(t *testing.T, pairs ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < len(pairs); i += 2 {
		w, err := zw.Create(pairs[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(pairs[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func put(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// threeBundles makes a folder of three cases: a zip-in-zip bundle of two
// servers (one failed, one with a warning), a folder of one server with a
// warning, a folder of one clean server.
func threeBundles(t *testing.T) string {
	dir := t.TempDir()
	alpha := zipBytes(t,
		"EXCH01-315.zip", string(zipBytes(t, "Setup_Logs.zip", string(zipBytes(t, "KB912442.log", failedKB)))),
		"EXCH02-315.zip", string(zipBytes(t, "Hotfix/KB912443.log", lockedKB)))
	put(t, dir, map[string]string{
		"cases/alpha.zip":            string(alpha),
		"cases/beta/EXCH03/KB1.log":  lockedKB,
		"cases/gamma/EXCH04/KB2.log": cleanKB,
		"cases/gamma/EXCH04/x.txt":   "not a log",
	})
	t.Chdir(dir)
	return dir
}

type bundleDoc struct {
	Inputs []struct {
		Path   string `json:"path"`
		Bundle string `json:"bundle"`
		Host   string `json:"host"`
		SHA256 string `json:"sha256"`
	} `json:"inputs"`
	Findings []struct {
		Rule     string `json:"rule"`
		Severity string `json:"severity"`
		Host     string `json:"host"`
		Bundle   string `json:"bundle"`
	} `json:"findings"`
	Bundles []struct {
		Name     string   `json:"name"`
		Verdict  string   `json:"verdict"`
		Findings int      `json:"findings"`
		Rules    []string `json:"rules"`
		Hosts    []string `json:"hosts"`
		Inputs   int      `json:"inputs"`
		Read     int      `json:"read"`
		Warnings int      `json:"warnings"`
	} `json:"bundles"`
	Summary struct {
		Bundles  int            `json:"bundles"`
		Verdicts map[string]int `json:"verdicts"`
		Rules    []struct {
			Rule     string `json:"rule"`
			Severity string `json:"severity"`
			Findings int    `json:"findings"`
			Bundles  int    `json:"bundles"`
		} `json:"rules"`
	} `json:"summary"`
}

// The acceptance test: a folder of three bundles scanned with
// --per-bundle gives one verdict per bundle, each with its own hosts, and a
// summary of the rules across bundles.
func TestPerBundle(t *testing.T) {
	threeBundles(t)
	// The bundles named one by one, and as the shell would leave the
	// quoted pattern of the README ('cases/*').
	for _, args := range [][]string{
		{filepath.Join("cases", "alpha.zip"), filepath.Join("cases", "beta"), filepath.Join("cases", "gamma")},
		{"cases/*"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) { checkPerBundle(t, args) })
	}
}

func checkPerBundle(t *testing.T, args []string) {
	out, errs, code := extriage(t, append([]string{"scan", "--per-bundle", "--format", "json", "--progress", "never"}, args...)...)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (an error finding); stderr: %s", code, errs)
	}
	var doc bundleDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	type verdict struct {
		name, verdict string
		hosts         []string
		hasRule       bool
	}
	want := []verdict{
		{"alpha.zip", "error", []string{"EXCH01", "EXCH02"}, true},
		{"beta", "warning", []string{"EXCH03"}, true},
		{"gamma", "clean", []string{"EXCH04"}, false},
	}
	if len(doc.Bundles) != len(want) {
		t.Fatalf("bundles = %+v, want 3", doc.Bundles)
	}
	for i, w := range want {
		b := doc.Bundles[i]
		if b.Name != w.name || b.Verdict != w.verdict || !slices.Equal(b.Hosts, w.hosts) || slices.Contains(b.Rules, "hotfix-file-in-use") != w.hasRule {
			t.Errorf("bundle %d = %+v, want %s %s on %v", i, b, w.name, w.verdict, w.hosts)
		}
	}
	if g := doc.Bundles[2]; g.Inputs != 2 || g.Read != 1 || g.Warnings != 1 {
		t.Errorf("gamma = %+v, want 2 inputs, 1 read, 1 warning (x.txt)", g)
	}
	inUse := map[string]string{}
	for _, f := range doc.Findings {
		if f.Rule == "hotfix-file-in-use" {
			inUse[f.Bundle+"/"+f.Host] = f.Severity
		}
	}
	if wantUse := map[string]string{"alpha.zip/EXCH01": "error", "alpha.zip/EXCH02": "warning", "beta/EXCH03": "warning"}; !reflect.DeepEqual(inUse, wantUse) {
		t.Errorf("hotfix-file-in-use findings = %v, want %v", inUse, wantUse)
	}
	if s := doc.Summary; s.Bundles != 3 || !reflect.DeepEqual(s.Verdicts, map[string]int{"error": 1, "warning": 1, "clean": 1}) {
		t.Errorf("summary = %+v", s)
	}
	found := false
	for _, r := range doc.Summary.Rules {
		if r.Rule == "hotfix-file-in-use" {
			found = true
			if r.Bundles != 2 || r.Findings != 3 || r.Severity != "error" {
				t.Errorf("summary of hotfix-file-in-use = %+v, want 3 findings on 2 bundles, at most error", r)
			}
		}
	}
	if !found {
		t.Errorf("summary rules = %+v: hotfix-file-in-use missing", doc.Summary.Rules)
	}
	for _, in := range doc.Inputs {
		if in.Path == filepath.Join("cases", "alpha.zip")+"!EXCH01-315.zip!Setup_Logs.zip!KB912442.log" {
			if in.Bundle != "alpha.zip" || in.Host != "EXCH01" || len(in.SHA256) != 64 {
				t.Errorf("member inventory = %+v", in)
			}
			return
		}
	}
	t.Errorf("the nested member is not in the inventory: %+v", doc.Inputs)
}

// Without --per-bundle the arguments are one case; the table lists the
// verdicts only with --per-bundle.
func TestPerBundleTable(t *testing.T) {
	threeBundles(t)
	out, errs, code := extriage(t, "scan", "--per-bundle", "cases/alpha.zip", "cases/beta", "cases/gamma")
	if code != 1 {
		t.Fatalf("exit %d; stderr %s", code, errs)
	}
	for _, s := range []string{"BUNDLE", "VERDICT", "alpha.zip", "EXCH01, EXCH02", "3 bundle(s): 1 error, 1 warning, 1 clean", "hotfix-file-in-use", "2 of 3"} {
		if !strings.Contains(out, s) {
			t.Errorf("table lacks %q:\n%s", s, out)
		}
	}
	var doc bundleDoc
	out, _, _ = extriage(t, "scan", "--format", "json", "cases")
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Bundles) != 1 || doc.Bundles[0].Name != "cases" || doc.Bundles[0].Verdict != "error" ||
		!slices.Equal(doc.Bundles[0].Hosts, []string{"EXCH01", "EXCH02", "EXCH03", "EXCH04"}) {
		t.Errorf("one case: bundles = %+v", doc.Bundles)
	}
}

func TestProgress(t *testing.T) {
	threeBundles(t)
	for _, tc := range []struct {
		flag string
		want bool
	}{{"always", true}, {"never", false}, {"auto", false}} { // stderr is not a terminal here
		_, errs, _ := extriage(t, "scan", "--progress", tc.flag, "-o", filepath.Join(t.TempDir(), "r.txt"), "cases")
		if got := strings.Contains(errs, "files"); got != tc.want {
			t.Errorf("--progress %s: stderr %q", tc.flag, errs)
		}
	}
}

func TestArchiveFlags(t *testing.T) {
	threeBundles(t)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--max-archive-bytes", "lots"}, 2, "--max-archive-bytes"},
		{[]string{"--max-ratio", "0"}, 2, "--max-ratio"},
		{[]string{"--max-depth", "0"}, 2, "--max-depth"},
		{[]string{"--include", "[a-"}, 2, "--include"},
		{[]string{"--progress", "sometimes"}, 2, "--progress"},
		// The rest is read: beta's finding is a warning, below --fail-on.
		{[]string{"--max-depth", "1"}, 0, "cases/alpha.zip!EXCH01-315.zip: not opened: an archive nested 2 deep"},
		{[]string{"--max-archive-bytes", "100B"}, 0, "raise --max-archive-bytes"},
		{[]string{"--max-archive-bytes", "1MiB", "--fail-on", "warning"}, 1, ""},
		{[]string{"--exclude", "alpha.zip", "--include", "KB1.log", "--fail-on", "warning"}, 1, ""},
	}
	for _, tc := range tests {
		_, errs, code := extriage(t, append(append([]string{"scan", "--format", "jsonl"}, tc.args...), "cases")...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, errs, tc.code, tc.want)
		}
	}
}

// `events` reads archives too, naming the member in each record's path.
func TestEventsFromArchive(t *testing.T) {
	threeBundles(t)
	out, errs, code := extriage(t, "events", "--include", "*.log", "cases/alpha.zip")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 8 {
		t.Fatalf("%d records, want 8:\n%s", len(lines), out)
	}
	var rec struct {
		Path string `json:"path"`
		Host string `json:"host"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Path != "cases/alpha.zip!EXCH01-315.zip!Setup_Logs.zip!KB912442.log" || rec.Host != "EXCH01" {
		t.Errorf("first record = %+v", rec)
	}
}

// Scanning archives writes nothing but the report asked for: no extracted
// member, no temporary file.
func TestNothingWrittenButTheOutput(t *testing.T) {
	dir := threeBundles(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	before := tree(t, dir)
	_, errs, code := extriage(t, "scan", "--per-bundle", "-o", "report.json", "--format", "json", "cases/alpha.zip", "cases/beta")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	after := tree(t, dir)
	delete(after, "report.json")
	if !reflect.DeepEqual(before, after) {
		t.Errorf("files changed:\nbefore %v\nafter  %v", before, after)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func tree(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && p != dir {
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)] = info.Size() + info.ModTime().UnixNano()
		}
		return nil
	})
	return out
}

// --since and --until keep the records of a window, from --since up to
// but not including --until, for the rules (scan) and for events; the
// inventory still counts every record read.
func TestTimeWindow(t *testing.T) {
	rules := func(r jsonReport) []string {
		var out []string
		for _, f := range r.Findings {
			out = append(out, f.Rule)
		}
		return out
	}
	all, _, _ := scanJSON(t, demo)
	late, errs, code := scanJSON(t, "--since", "2006-03-14T22:42:00Z", demo)
	if code != 1 || slices.Contains(rules(late), "evs-upgrade-required") || !slices.Contains(rules(late), "hotfix-file-in-use") {
		t.Errorf("--since 22:42: exit %d, rules %q (%s); want the hotfix failure at 23:02 and not the 1025 event at 22:41", code, rules(late), errs)
	}
	early, _, _ := scanJSON(t, "--until", "2006-03-14 22:42", demo)
	if !slices.Contains(rules(early), "evs-upgrade-required") || slices.Contains(rules(early), "hotfix-file-in-use") {
		t.Errorf("--until 22:42: rules %q; want the 1025 event at 22:41 and not the hotfix failure at 23:02", rules(early))
	}
	for i := range all.Inputs {
		if late.Inputs[i].Records != all.Inputs[i].Records || all.Inputs[i].Records == 0 {
			t.Errorf("%s: %d records with --since, %d without; the inventory counts every record read",
				all.Inputs[i].Path, late.Inputs[i].Records, all.Inputs[i].Records)
		}
	}

	events := func(args ...string) []string {
		out, errs, code := extriage(t, append([]string{"events", "--format", "jsonl"}, append(args, demo)...)...)
		if code != 0 {
			t.Fatalf("events %v: exit %d: %s", args, code, errs)
		}
		var times []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if line == "" {
				continue
			}
			var rec struct {
				Time string `json:"time"`
			}
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatal(err)
			}
			times = append(times, rec.Time)
		}
		return times
	}
	if got := events("--since", "2006-03-14T22:41:07Z", "--until", "2006-03-14T22:41:08Z"); !slices.Equal(got, []string{"2006-03-14T22:41:07Z"}) {
		t.Errorf("one second: %q, want the 1025 event only (--since is inclusive)", got)
	}
	if got := events("--since", "2006-03-14T22:41:07Z", "--until", "2006-03-14T22:41:07Z"); len(got) != 0 {
		t.Errorf("empty window: %q, want nothing (--until is exclusive)", got)
	}
	got := events("--since", "2006-03-14 23:00", "--until", "2006-03-15")
	if len(got) == 0 {
		t.Fatal("no record between 23:00 and midnight, want the hotfix run")
	}
	for _, ts := range got {
		if ts < "2006-03-14T23:00:00" || ts >= "2006-03-15" {
			t.Errorf("record at %q is outside the window", ts)
		}
	}
}

// --progress auto draws only on a terminal: standard error sent to the
// null device, a character device but no terminal, gets nothing.
func TestProgressNotOnNullDevice(t *testing.T) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer null.Close()
	if isTerminal(null) {
		t.Errorf("%s is taken for a terminal", os.DevNull)
	}
	if f, err := os.CreateTemp(t.TempDir(), "err"); err == nil {
		if isTerminal(f) {
			t.Error("a plain file is taken for a terminal")
		}
		f.Close()
	}
}

// The summary line counts the logs read, not the archives opened: a
// bundle of archives none of whose members is a log reads "0 of".
func TestSummaryCountsLogsNotArchives(t *testing.T) {
	threeBundles(t)
	out, errs, code := extriage(t, "scan", "--include", "*.evtx", "cases/alpha.zip")
	if code != 2 || !strings.Contains(errs, "no input could be read as a log") {
		t.Errorf("exit %d, stderr %q; want 2, nothing readable", code, errs)
	}
	if !strings.Contains(out, "; 0 of ") {
		t.Errorf("summary says logs were read:\n%s", out)
	}
	out, _, _ = extriage(t, "report", "--format", "markdown", "--include", "*.evtx", "cases/alpha.zip")
	if !strings.Contains(out, "; 0 of ") {
		t.Errorf("report summary says logs were read:\n%s", out)
	}
}

// --jobs N bounds the threads of the whole run (the EVTX parser's chunk
// workers included), never above what Go chose, and the run gives the
// limit back.
func TestJobsLimitThreads(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	restore := limitCPU(1)
	if n := runtime.GOMAXPROCS(0); n != 1 {
		t.Errorf("--jobs 1: GOMAXPROCS %d, want 1", n)
	}
	restore()
	restore = limitCPU(before + 64)
	if n := runtime.GOMAXPROCS(0); n != before {
		t.Errorf("--jobs %d: GOMAXPROCS %d, want it left at %d", before+64, n, before)
	}
	restore()
	if _, errs, code := extriage(t, "events", "--jobs", "1", "-o", filepath.Join(t.TempDir(), "e.jsonl"), demo); code != 0 {
		t.Fatalf("events --jobs 1: exit %d: %s", code, errs)
	}
	if n := runtime.GOMAXPROCS(0); n != before {
		t.Errorf("after a run with --jobs 1, GOMAXPROCS is %d, want %d back", n, before)
	}
}
