package detectors

import (
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/internal/testkit"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/msilog"
)

// parseWith reads a file with a real parser, for rule tests on real
// formats.
func parseWith(t *testing.T, p parsers.Parser, path string) []*parsers.Record {
	t.Helper()
	r := testkit.ParseFile(t, p, path)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	return r.Recs
}

func TestMSIInstallFailed(t *testing.T) {
	path := "../parsers/msilog/testdata/install-fail-en.log"
	recs := parseWith(t, msilog.Parser{}, path)
	fs := byRule(runFile(t, English, FileInfo{Path: path, Format: parsers.FormatMSILog, HostHint: "EX16"}, recs), "msi-install-failed")
	if len(fs) != 1 {
		t.Fatalf("%d findings, want 1", len(fs))
	}
	f := fs[0]
	last := f.Evidence[len(f.Evidence)-1]
	if !strings.Contains(last.Text, "InstallExecute. Return value 3.") {
		t.Errorf("last evidence = %+v, want the first Return value 3", last)
	}
	for _, want := range []string{"Microsoft Exchange Server failed on EX16", "exit code 1603",
		`Microsoft.Exchange.Store.Worker.exe (Microsoft.Exchange.Store.Worker)`, `missing from the installer cache: C:\Windows\Installer\33502bc.msp`} {
		if !strings.Contains(f.Remedy, want) {
			t.Errorf("remedy lacks %q: %s", want, f.Remedy)
		}
	}
	ok := parseWith(t, msilog.Parser{}, "../parsers/msilog/testdata/install-ok-nobom.log")
	if fs := byRule(runFile(t, English, FileInfo{Path: "ok.log", Format: parsers.FormatMSILog}, ok), "msi-install-failed"); len(fs) != 0 {
		t.Errorf("successful install: %+v", fs)
	}
}

func TestMSIInstallerEvents(t *testing.T) {
	fs := runFile(t, Polish, FileInfo{Path: "a.evtx", Format: parsers.FormatEVTX}, []*parsers.Record{
		ev("EX1", "MsiInstaller", 1023, t0, "Microsoft Exchange Server", "KB912442", "1603", "C:\\x.log"),
		ev("EX1", "MsiInstaller", 1033, t0, "Microsoft Exchange Server", "6.5", "1033", "0", "Microsoft"),
		ev("EX1", "MSExchangeIS", 1023, t0, "x", "y", "1"),
	})
	got := byRule(fs, "msi-install-failed")
	if len(got) != 1 || got[0].Count != 1 || !strings.Contains(got[0].Remedy, "Instalacja Microsoft Exchange Server na serwerze EX1 nie powiodła się, kod błędu 1603") {
		t.Fatalf("findings = %+v", got)
	}
}

// TestMSIInstallerEventsOneFindingPerProduct: a failed install logs 11708
// ("Product: X -- Installation failed.") and 1033 (status 1603) together,
// as on a real Windows 7 Application log; both are one failure of product
// X, reported once, with the status code.
func TestMSIInstallerEventsOneFindingPerProduct(t *testing.T) {
	fs := runFile(t, English, FileInfo{Path: "a.evtx", Format: parsers.FormatEVTX}, []*parsers.Record{
		ev("EX1", "MsiInstaller", 11708, t0, "Product: EMET 5.51 -- Installation failed.", "(NULL)", "(NULL)"),
		ev("EX1", "MsiInstaller", 1033, t0, "EMET 5.51", "5.51", "1033", "1603", "Microsoft Corporation"),
		ev("EX1", "MsiInstaller", 11708, t0, "Produkt: Microsoft Exchange -- Instalacja nie powiodła się.", "(NULL)"),
	})
	got := byRule(fs, "msi-install-failed")
	if len(got) != 2 {
		t.Fatalf("got %d findings, want one per product: %+v", len(got), got)
	}
	if got[0].Count != 2 || got[0].Values["product"] != "EMET 5.51" || !strings.HasPrefix(got[0].Remedy, "EMET 5.51 failed on EX1, error code 1603.") {
		t.Errorf("EMET finding = %+v", got[0])
	}
	if got[1].Values["product"] != "Microsoft Exchange" {
		t.Errorf("Polish 11708: product = %q", got[1].Values["product"])
	}
}

// TestFillOptionalPlaceholder: {name?} vanishes when the finding has no
// such value, where {name} shows "?".
func TestFillOptionalPlaceholder(t *testing.T) {
	tmpl := "{product} failed on {host}{cause?}."
	if got := Fill(tmpl, map[string]string{"product": "X", "host": "EX1"}); got != "X failed on EX1." {
		t.Errorf("no cause: %q", got)
	}
	if got := Fill(tmpl, map[string]string{"product": "X", "host": "EX1", "cause": ", error code 1603"}); got != "X failed on EX1, error code 1603." {
		t.Errorf("with cause: %q", got)
	}
	if got := Fill("{a} {b}", map[string]string{"a": "1"}); got != "1 ?" {
		t.Errorf("required placeholder: %q", got)
	}
}

// TestMSIRebootRequired: hotfix-reboot-required covers Windows Installer
// too: a verbose log that succeeded but schedules a reboot and returns
// 3010, and MsiInstaller 1029/1038 or 1033 with status 3010; a failed
// install or a plain success gives none.
func TestMSIRebootRequired(t *testing.T) {
	log := func(extra, exit string) []*parsers.Record {
		data := "=== Verbose logging started: 08-03-2021  9:05:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n" +
			"MSI (c) (10:14) [09:05:00:100]: Resetting cached policy values\r\n" +
			"Action start 9:05:01: INSTALL.\r\n" + extra +
			"Action ended 9:05:09: INSTALL. Return value 1.\r\n" +
			"MSI (c) (10:14) [09:05:10:000]: MainEngineThread is returning " + exit + "\r\n" +
			"=== Verbose logging stopped: 08-03-2021  9:05:10 ===\r\n"
		return testkit.ParseBytes(msilog.Parser{}, "rollup.log", []byte(data)).Recs
	}
	info := FileInfo{Path: "rollup.log", Format: parsers.FormatMSILog, HostHint: "EX1"}
	fs := byRule(runFile(t, English, info, log("Info 1903.Scheduling reboot operation: Deleting file C:\\Exchsrvr\\bin\\x.dll. Must reboot to complete operation.\r\n", "3010")), "hotfix-reboot-required")
	if len(fs) != 1 || fs[0].Severity != Info || fs[0].Evidence[0].Line != 4 || !strings.Contains(fs[0].Remedy, "Restart EX1") {
		t.Fatalf("MSI log with a scheduled reboot: %+v", fs)
	}
	if fs := byRule(runFile(t, English, info, log("", "0")), "hotfix-reboot-required"); len(fs) != 0 {
		t.Errorf("plain success: %+v", fs)
	}
	if fs := byRule(runFile(t, English, info, log("Info 1903.Scheduling reboot operation: Deleting file C:\\x.dll. Must reboot to complete operation.\r\n", "1603")), "hotfix-reboot-required"); len(fs) != 0 {
		t.Errorf("failed install: %+v", fs)
	}
	evs := runFile(t, English, FileInfo{Path: "a.evtx", Format: parsers.FormatEVTX}, []*parsers.Record{
		ev("EX1", "MsiInstaller", 1033, t0, "Microsoft Exchange Server", "8.1", "1033", "3010", "Microsoft"),
		ev("EX1", "MsiInstaller", 1029, t0, "Microsoft Exchange Server"),
		ev("EX1", "MsiInstaller", 1033, t0, "Other", "1", "1033", "0", "Microsoft"),
	})
	if got := byRule(evs, "hotfix-reboot-required"); len(got) != 1 || got[0].Host != "EX1" || !strings.HasPrefix(got[0].Evidence[0].Text, "MsiInstaller 1033") {
		t.Errorf("MsiInstaller events: %+v", got)
	}
	// A system start of the host after the request: the restart was done.
	request := ev("EX1", "MsiInstaller", 1038, t0, "Microsoft Exchange Server", "8.1", "1033", "1", "0", "Microsoft")
	boot := func(at time.Time) file {
		r := ev("EX1", "EventLog", 6005, at)
		r.Path = "EX1/System.evtx"
		return file{info: FileInfo{Path: r.Path, Format: parsers.FormatEVTX, HostHint: "EX1"}, recs: []*parsers.Record{r}}
	}
	fs, _ = runBundle(t, evtxFile("EX1", request), boot(t0.Add(time.Hour)))
	if got := byRule(fs, "hotfix-reboot-required"); len(got) != 0 {
		t.Errorf("restarted after the request: %+v", got)
	}
	fs, _ = runBundle(t, evtxFile("EX1", request), boot(t0.Add(-time.Hour)))
	if got := byRule(fs, "hotfix-reboot-required"); len(got) != 1 {
		t.Errorf("last start before the request: %+v", got)
	}
}
