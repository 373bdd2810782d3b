package detectors

import (
	"os"
	"strings"
	"testing"

	"github.com/extriage/extriage/internal/testkit"
	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/setuplog"
)

// parsedFile reads log bytes with the real parser p, as a file of host.
func parsedFile(t *testing.T, p parsers.Parser, host, path string, data []byte) file {
	t.Helper()
	res := testkit.ParseBytes(p, path, data)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	return file{info: FileInfo{Path: path, Format: p.Format(), HostHint: host}, recs: res.Recs}
}

// legacyFile parses Exchange setup log bytes with the real parser.
func legacyFile(t *testing.T, host, path string, data []byte) file {
	t.Helper()
	return parsedFile(t, setuplog.Parser{}, host, path, data)
}

// A 2003 service pack run that failed registering a DLL (KB 822583).
const progressRegsvr = "[22:31:02] ********** Beginning Setup run **********\r\n" +
	"[22:31:04] Entering CAtomServices::ScStopAtomServices\r\n" +
	"[22:31:04]  CService::ScGetStatus (f:\\titanium\\admin\\src\\libs\\exsetup\\service.cxx:722)\r\n" +
	"           Error code 0XC0070424 (1060): The specified service does not exist as an installed service.\r\n" +
	"[22:31:04] === IGNORING PREVIOUS ERRORS === CServiceManager::ScStopService\r\n" +
	"[22:31:05] Entering CBaseAtom(Microsoft Exchange Messaging and Collaboration Services)::ScAdd\r\n" +
	"[22:31:06]  CRegistryManager::ScRegisterDLL (f:\\titanium\\admin\\src\\udog\\setupbase\\tools\\regmgr.cxx:123)\r\n" +
	"           Error code 0XC103798A (31114): An internal component has failed.\r\n" +
	"[22:31:06] The command regsvr32.exe /i /n /s maildsmx.dll failed, returning error code 5 (Access is denied.).\r\n" +
	"[22:31:07] Setup failed while installing sub-component Microsoft Exchange Messaging and Collaboration Services with error code 0xC103798A (please consult the installation logs for a detailed description).\r\n"

// TestSPSetupFailed: a failed Exchange 2000/2003 or 5.5 setup run that no
// other rule explains is reported with its real failure point (the last
// error setup did not ignore) and the lines after it; a run that another
// rule explains (c1037b44), a run whose only error setup ignored, and a
// 2007+ log (section B) are not.
func TestSPSetupFailed(t *testing.T) {
	path := "EX03/Exchange Server Setup Progress.log"
	fs, _ := runBundle(t, legacyFile(t, "EX03", path, []byte(progressRegsvr)))
	got := byRule(fs, "sp-setup-failed")
	if len(got) != 1 {
		t.Fatalf("findings %s, want sp-setup-failed", ruleList(fs))
	}
	f := got[0]
	var lines []int
	for _, e := range f.Evidence {
		lines = append(lines, e.Line)
	}
	if f.Host != "EX03" || f.Values["code"] != "0XC103798A" || len(lines) != 4 || lines[0] != 6 || lines[1] != 8 || lines[3] != 10 {
		t.Errorf("finding = %+v, evidence lines %v", f, lines)
	}
	if !strings.Contains(f.Remedy, "Setup failed on EX03 ("+path+") with error 0XC103798A: Error code 0XC103798A (31114): An internal component has failed. Read") {
		t.Errorf("remedy = %q", f.Remedy)
	}

	demo, err := os.ReadFile("../fixtures/bundles/ex2003-cluster-sp2-failure/EXCLNODE2/Exchange Server Setup Progress.log")
	if err != nil {
		t.Fatal(err)
	}
	fs, _ = runBundle(t, legacyFile(t, "EXCLNODE2", "EXCLNODE2/Exchange Server Setup Progress.log", demo))
	if len(byRule(fs, "evs-version-mismatch")) != 1 || len(byRule(fs, "sp-setup-failed")) != 0 {
		t.Errorf("c1037b44 explains the failure: findings %s", ruleList(fs))
	}

	ignoredOnly := strings.SplitAfterN(progressRegsvr, "\r\n", 6)
	fs, _ = runBundle(t, legacyFile(t, "EX03", path, []byte(strings.Join(ignoredOnly[:5], ""))))
	if got := byRule(fs, "sp-setup-failed"); len(got) != 0 {
		t.Errorf("only an ignored error: %+v", got)
	}

	modern := synth{body: errCtx("", "[ERROR] Something nobody has seen before happened.")}
	fs = scanSetupBytes(t, "ExchangeSetup.log", modern.bytes(), English)
	if len(byRule(fs, "sp-setup-failed")) != 0 || len(byRule(fs, "setup-failed-unknown")) != 1 {
		t.Errorf("2007+ log: findings %s, want setup-failed-unknown only", ruleList(fs))
	}

	pl := runFileBundle(t, Polish, legacyFile(t, "EX03", path, []byte(progressRegsvr)))
	if got := byRule(pl, "sp-setup-failed"); len(got) != 1 || !strings.Contains(got[0].Remedy, "Instalator na serwerze EX03 ("+path+") zakończył się błędem 0XC103798A") {
		t.Errorf("Polish: %+v", got)
	}
}

// runFileBundle is runBundle in another language.
func runFileBundle(t *testing.T, lang Lang, files ...file) []Finding {
	t.Helper()
	fs, _ := runBundleLang(t, lang, files...)
	return fs
}
