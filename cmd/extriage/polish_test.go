package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPolishCLIWords: with --lang pl the words extriage writes on standard
// output are Polish (the rule list's header and severities, an explained
// rule's severity, the scan table's event levels and cluster role), while
// standard error keeps its English "warning:" lines for scripts and logs.
func TestPolishCLIWords(t *testing.T) {
	out, _, code := extriage(t, "rules", "--lang", "pl")
	if code != 0 {
		t.Fatalf("rules: exit %d", code)
	}
	for _, w := range []string{"WAGA", "TYTUŁ", "│ ostrzeżenie ", "│ błąd "} {
		if !strings.Contains(out, w) {
			t.Errorf("rules --lang pl lacks %q", w)
		}
	}
	for _, w := range []string{"SEVERITY", "TITLE", "│ warning ", "│ error ", "│ critical "} {
		if strings.Contains(out, w) {
			t.Errorf("rules --lang pl has %q", w)
		}
	}
	if out, _, _ := extriage(t, "rules", "--lang", "pl", "evs-version-mismatch"); !strings.HasPrefix(out, "evs-version-mismatch  [błąd]\n") {
		t.Errorf("explain --lang pl starts %q", strings.SplitN(out, "\n", 2)[0])
	}
	if out, _, _ := extriage(t, "rules", "evs-version-mismatch"); !strings.HasPrefix(out, "evs-version-mismatch  [error]\n") {
		t.Errorf("explain starts %q", strings.SplitN(out, "\n", 2)[0])
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("nothing to read\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := extriage(t, "scan", "--lang", "pl", demo, dir)
	if code != 1 {
		t.Fatalf("scan: exit %d\n%s", code, errs)
	}
	for _, w := range []string{"MSExchangeCluster 1025 (błąd): EXVS1", "EventLog 6009 (informacja)", "│ węzeł "} {
		if !strings.Contains(out, w) {
			t.Errorf("scan --lang pl lacks %q", w)
		}
	}
	for _, w := range []string{"(error)", "(information)", "│ node "} {
		if strings.Contains(out, w) {
			t.Errorf("scan --lang pl has %q", w)
		}
	}
	if !strings.Contains(out, "Ostrzeżenia (1):\n  "+filepath.Join(dir, "notes.txt")+": not a log format extriage reads") {
		t.Errorf("scan --lang pl: the table's warnings are not as documented:\n%s", out)
	}
	// The formats that have no place for warnings repeat them on stderr,
	// in English whatever --lang says.
	_, errs, _ = extriage(t, "scan", "--lang", "pl", "-f", "json", demo, dir)
	if !strings.Contains(errs, "warning: "+filepath.Join(dir, "notes.txt")+": not a log format extriage reads") {
		t.Errorf("stderr = %q, want the English warning line", errs)
	}
}
