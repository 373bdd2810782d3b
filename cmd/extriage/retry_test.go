package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The demo's failed KB912442 run, then a clean retry in the same log.
const failedThenRetried = `0.000: ================================================================================
0.000: 2006/03/14 23:02:41.250 (local)
0.000: d:\5d1c2e0a7b93\update\update.exe (version 6.3.4.1)
1.203: FileInUse:: Added to Filelist: c:\program files\exchsrvr\bin\store.exe
12.484: KB912442 installation did not complete.
12.484: Update.exe extended error code = 0xf201
0.000: ================================================================================
0.000: 2006/03/14 23:40:02.100 (local)
0.000: d:\5d1c2e0a7b93\update\update.exe (version 6.3.4.1)
0.031: Exchange Server 2003 post-Service Pack 2 hotfix: checking installed files
20.125: KB912442 Setup complete.
20.125: Update.exe extended error code = 0x0
`

// A failed update.exe run that a later run of the same update made good is
// history: still reported, with what happened after, but it no longer
// fails the scan. The same failure without the retry does.
func TestHotfixFailureRetriedSuccessfully(t *testing.T) {
	dir := t.TempDir()
	host := filepath.Join(dir, "EX01")
	if err := os.MkdirAll(host, 0o755); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(host, "KB912442.log")
	if err := os.WriteFile(log, []byte(failedThenRetried), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "pl"} {
		r, errs, code := scanJSON(t, "--lang", lang, dir)
		if code != 0 {
			t.Errorf("%s: exit %d, want 0 (the update is installed); stderr: %s", lang, code, errs)
		}
		sev := map[string]string{}
		for _, f := range r.Findings {
			sev[f.Rule] = f.Severity
			want := map[string]string{
				"en": "A later run of the same update succeeded (run 2, line 12)",
				"pl": "Późniejszy przebieg tej samej aktualizacji zakończył się powodzeniem (przebieg 2, wiersz 12)",
			}[lang]
			if !strings.HasPrefix(f.Remedy, want) {
				t.Errorf("%s %s: remedy %q, want it to start %q", lang, f.Rule, f.Remedy, want)
			}
		}
		if sev["hotfix-install-failed"] != "info" || sev["hotfix-file-in-use"] != "warning" {
			t.Errorf("%s: severities %v, want hotfix-install-failed info and hotfix-file-in-use warning", lang, sev)
		}
	}

	// The first run alone: the failure stands.
	sep := "0.000: ===="
	first := failedThenRetried[:len(sep)+strings.Index(failedThenRetried[len(sep):], sep)]
	if err := os.WriteFile(log, []byte(first), 0o644); err != nil {
		t.Fatal(err)
	}
	r, _, code := scanJSON(t, "--lang", "en", dir)
	if code != 1 || len(r.Findings) != 2 {
		t.Errorf("failure alone: exit %d, %d findings; want 1 and 2", code, len(r.Findings))
	}
	for _, f := range r.Findings {
		if f.Severity != "error" || strings.Contains(f.Remedy, "later run") {
			t.Errorf("failure alone: %s %s %q", f.Rule, f.Severity, f.Remedy)
		}
	}
}
