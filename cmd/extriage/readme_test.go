package main

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// readme returns the repository's README.md.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func keysOf(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// The README's JSON example is the demo bundle's document, abridged: each
// object it shows has exactly the keys the real object has, so that a
// field added to the output is added to the example too.
func TestREADMEJSONExample(t *testing.T) {
	text := readme(t)
	m := regexp.MustCompile("(?s)## JSON output.*?```json\n(.*?)```").FindStringSubmatch(text)
	if m == nil {
		t.Fatal("README has no JSON example under \"JSON output\"")
	}
	var ex map[string]any
	if err := json.Unmarshal([]byte(m[1]), &ex); err != nil {
		t.Fatalf("the README's JSON example is not JSON: %v", err)
	}
	out, _, _ := extriage(t, "scan", "--format", "json", "--progress", "never", demo)
	var real map[string]any
	if err := json.Unmarshal([]byte(out), &real); err != nil {
		t.Fatal(err)
	}
	same := func(what string, ex, real map[string]any) {
		t.Helper()
		if ek, rk := keysOf(ex), keysOf(real); !slices.Equal(ek, rk) {
			t.Errorf("README example %s has keys %v; the real one %v", what, ek, rk)
		}
	}
	first := func(v any) map[string]any { return v.([]any)[0].(map[string]any) }
	find := func(list any, key, val string) map[string]any {
		for _, x := range list.([]any) {
			if o := x.(map[string]any); o[key] == val {
				return o
			}
		}
		t.Fatalf("the demo document has no %s %q", key, val)
		return nil
	}
	same("document", ex, real)
	same("input", first(ex["inputs"]), first(real["inputs"]))
	same("host", first(ex["hosts"]), find(real["hosts"], "name", "EXCLNODE2"))
	exF, realF := first(ex["findings"]), find(real["findings"], "rule", "evs-upgrade-required")
	same("finding", exF, realF)
	same("evidence", first(exF["evidence"]), first(realF["evidence"]))
	exT, realT := first(ex["timeline"]), find(real["timeline"], "label", "KB912442 (failed)")
	same("timeline entry", exT, realT)
	same("timeline start", exT["start"].(map[string]any), realT["start"].(map[string]any))
	same("timeline end", exT["end"].(map[string]any), realT["end"].(map[string]any))
	same("bundle", first(ex["bundles"]), first(real["bundles"]))
	same("summary", ex["summary"].(map[string]any), real["summary"].(map[string]any))
	same("summary rule", first(ex["summary"].(map[string]any)["rules"]), first(real["summary"].(map[string]any)["rules"]))
}

// Every --flag the README names exists on some command, and every flag of
// every command is in the README.
func TestREADMEFlags(t *testing.T) {
	text := readme(t)
	root := newRoot(os.Stdout, os.Stderr)
	known := map[string]bool{}
	for _, c := range root.Commands() {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			known[f.Name] = true
			if f.Name != "help" && !strings.Contains(text, "--"+f.Name) {
				t.Errorf("README does not mention %s --%s", c.Name(), f.Name)
			}
		})
	}
	for _, m := range regexp.MustCompile("(?:^|[\\s`(|])--([a-z][a-z-]+)").FindAllStringSubmatch(text, -1) {
		if !known[m[1]] {
			t.Errorf("README names --%s, which no command takes", m[1])
		}
	}
}

// The example rule of docs/rules.md, given with --rules, flags the message
// it is written for in an MSI log and fills its remedy.
func TestRulesDocExampleFires(t *testing.T) {
	b, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## Example.*?```yaml\n(.*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatal("docs/rules.md has no YAML block under \"Example\"")
	}
	dir := t.TempDir()
	put(t, dir, map[string]string{
		"our-rules.yaml": string(m[1]),
		"EX01/ExchangeRollup.msi.log": "=== Verbose logging started: 1/31/2024  10:00:00  Build type: SHIP UNICODE 3.01.4000.4042  Calling process: C:\\WINDOWS\\system32\\msiexec.exe ===\r\n" +
			"MSI (s) (A0:B4) [10:00:01:123]: Product: Microsoft Exchange Server 2007 -- This update is not compatible with the version of Exchange Server 2007 that you're running.\r\n" +
			"=== Verbose logging stopped: 1/31/2024  10:00:02 ===\r\n",
	})
	t.Chdir(dir)
	doc, errs, code := scanJSON(t, "--rules", "our-rules.yaml", "--progress", "never", "EX01")
	if code != 1 || len(doc.Findings) != 1 || doc.Findings[0].Rule != "rollup-wrong-architecture" || doc.Findings[0].Host != "EX01" ||
		!strings.Contains(doc.Findings[0].Remedy, "rollup for EX01, not the x86 one") {
		t.Errorf("exit %d, findings %+v; stderr %s", code, doc.Findings, errs)
	}
}

// The fields docs/rules.md lists for the update.exe and setup logs are
// the ones their records carry (as `events` shows them for the demo
// bundle), so that a rule's fields: and capture: can rely on them.
func TestRulesDocFields(t *testing.T) {
	b, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string][]string{}
	for _, m := range regexp.MustCompile("(?m)^\\| `(updatelog|setuplog)` \\|[^|]*\\|(.*)\\|$").FindAllStringSubmatch(string(b), -1) {
		// The field names are the backticked words not followed by text
		// in quotes or parentheses that name something else.
		for _, f := range regexp.MustCompile("(?:^|, )`([a-z_]+)`").FindAllStringSubmatch(strings.TrimSpace(m[2]), -1) {
			documented[m[1]] = append(documented[m[1]], f[1])
		}
	}
	out, errs, code := extriage(t, "events", "--progress", "never", demo+"/EXCLNODE1/KB912442.log", demo+"/EXCLNODE2/Exchange Server Setup Progress.log")
	if code != 0 {
		t.Fatalf("events: exit %d: %s", code, errs)
	}
	seen := map[string]map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec struct {
			Format string            `json:"format"`
			Fields map[string]string `json:"fields"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		if seen[rec.Format] == nil {
			seen[rec.Format] = map[string]bool{}
		}
		for k := range rec.Fields {
			seen[rec.Format][k] = true
		}
	}
	for _, format := range []string{"updatelog", "setuplog"} {
		doc := documented[format]
		sort.Strings(doc)
		real := keysOf(func() map[string]any {
			m := map[string]any{}
			for k := range seen[format] {
				m[k] = true
			}
			return m
		}())
		if !slices.Equal(doc, real) {
			t.Errorf("docs/rules.md lists %s fields %v; its records carry %v", format, doc, real)
		}
	}
}

// `events --help` names every key its JSON lines carry (for the demo
// bundle's logs of every kind).
func TestEventsHelpNamesItsKeys(t *testing.T) {
	help, _, _ := extriage(t, "events", "--help")
	out, errs, code := extriage(t, "events", "--progress", "never", demo)
	if code != 0 {
		t.Fatalf("events: exit %d: %s", code, errs)
	}
	keys := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		for k := range rec {
			keys[k] = true
		}
	}
	for k := range keys {
		if !regexp.MustCompile(`\b` + k + `\b`).MatchString(help) {
			t.Errorf("events --help does not name %q", k)
		}
	}
}

// Every -o extension `report` understands is in the README's table.
func TestREADMEReportExtensions(t *testing.T) {
	text := readme(t)
	for _, e := range reportExtensions {
		if !regexp.MustCompile("(?m)^\\| [^|]*`\\" + e.ext + "`").MatchString(text) {
			t.Errorf("README's report table lacks %s (%s)", e.ext, e.format)
		}
	}
}

// `report --per-bundle -o case.txt` writes what `scan --per-bundle` prints:
// the findings, then the verdict per bundle and the rules across them.
func TestReportTableMatchesScanPerBundle(t *testing.T) {
	threeBundles(t)
	scanOut, _, _ := extriage(t, "scan", "--per-bundle", "--progress", "never", "cases/*")
	if _, errs, code := extriage(t, "report", "--per-bundle", "--progress", "never", "-o", "case.txt", "cases/*"); code != 0 {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	b, err := os.ReadFile("case.txt")
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != scanOut || !strings.Contains(scanOut, "3 bundle(s): 1 error, 1 warning, 1 clean") {
		t.Errorf("report -o case.txt differs from scan's table:\n%s\n---\n%s", b, scanOut)
	}
}
