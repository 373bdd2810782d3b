package detectors

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/internal/testkit"
	"github.com/extriage/extriage/parsers/updatelog"

	"github.com/extriage/extriage/parsers"
)

// file is one synthetic input of a bundle.
type file struct {
	info FileInfo
	recs []*parsers.Record
}

// clusterNodes is two cluster nodes, NODE1 and NODE2 (each with a
// MSExchangeCluster event), whose exported text shows banner1 and banner2.
func clusterNodes(banner1, banner2 string) []file {
	return []file{
		evtxFile("NODE1", ev("NODE1", "MSExchangeCluster", 1000, t0)),
		evtxFile("NODE2", ev("NODE2", "MSExchangeCluster", 1000, t0)),
		exportFile("NODE1", banner1),
		exportFile("NODE2", banner2),
	}
}

func runBundle(t *testing.T, files ...file) ([]Finding, *Bundle) {
	t.Helper()
	return runBundleLang(t, English, files...)
}

// runBundleLang runs the catalog over one bundle of files, in language lang.
func runBundleLang(t *testing.T, lang Lang, files ...file) ([]Finding, *Bundle) {
	t.Helper()
	rules, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	eng := NewEngine(rules, lang)
	c := eng.NewCollector("case")
	for _, f := range files {
		fr := eng.NewFile(f.info)
		for _, r := range f.recs {
			fr.Record(r)
		}
		c.Add(fr.Finish())
	}
	fs := c.Finish()
	return fs, c.Bundle()
}

func ev(host, provider string, id uint32, at time.Time, data ...string) *parsers.Record {
	return &parsers.Record{Path: host + "/Application.evtx", Format: parsers.FormatEVTX, RecordID: uint64(at.Unix() % 100000),
		Time: at, Host: host, Provider: provider, EventID: id, Level: parsers.LevelError, Data: data}
}

func evtxFile(host string, recs ...*parsers.Record) file {
	return file{info: FileInfo{Path: host + "/Application.evtx", Format: parsers.FormatEVTX, HostHint: host}, recs: recs}
}

func textLine(path string, line int, msg string) *parsers.Record {
	return &parsers.Record{Path: path, Format: parsers.FormatEvExport, Line: line, Message: msg}
}

func exportFile(host string, lines ...string) file {
	path := host + "/inventory.txt"
	f := file{info: FileInfo{Path: path, Format: parsers.FormatEvExport, HostHint: host}}
	for i, l := range lines {
		f.recs = append(f.recs, textLine(path, i+1, l))
	}
	return f
}

var t0 = time.Date(2006, 3, 14, 21, 0, 0, 0, time.UTC)

func TestInventoryFromBanners(t *testing.T) {
	_, b := runBundle(t,
		exportFile("FE1", "AdminDisplayVersion : Version 6.5 (Build 7638.2: Service Pack 2)"),
		evtxFile("NODE1", ev("NODE1", "MSExchangeCluster", 1025, t0)),
	)
	hosts := b.HostList()
	if len(hosts) != 2 {
		t.Fatalf("hosts = %+v", hosts)
	}
	if h := hosts[0]; h.Name != "FE1" || h.Build != "6.5.7638.2" || h.Product != "Exchange Server 2003" || h.Level != "SP2" {
		t.Errorf("FE1 = %+v", h)
	}
	if h := hosts[1]; h.Name != "NODE1" || h.Cluster != "node" || h.Product != "Exchange Server 2003" {
		t.Errorf("NODE1 = %+v", h)
	}
}

func roleFact(host, role, build string) Fact {
	return Fact{Kind: FactRole, Host: host, Values: map[string]string{"role": role}}
}

// bundleWith runs one bundle rule on hand-made facts.
func bundleWith(t *testing.T, id string, facts ...Fact) []Hit {
	t.Helper()
	rules, _ := Catalog()
	r, ok := Find(rules, id).(BundleRule)
	if !ok {
		t.Fatalf("%s is not a bundle rule", id)
	}
	return r.CheckBundle(&Bundle{Name: "case", Facts: facts})
}

func version(host, build string) Fact {
	return versionFact(host, build, "", "test", &parsers.Record{Path: host + ".txt", Line: 1, Message: "Version " + build})
}

func TestFrontendMixedVersions(t *testing.T) {
	hits := bundleWith(t, "frontend-mixed-versions",
		roleFact("FE1", "front-end", ""), roleFact("FE2", "front-end", ""), roleFact("BE1", "back-end", ""),
		version("FE1", "6.5.7638.2"), version("FE2", "6.5.6944"), version("BE1", "6.5.6944"))
	if len(hits) != 1 || !strings.Contains(hits[0].Values["versions"], "FE1 6.5.7638.2 (SP2), FE2 6.5.6944 (RTM)") {
		t.Fatalf("hits = %+v", hits)
	}
	if hits := bundleWith(t, "frontend-mixed-versions",
		roleFact("FE1", "front-end", ""), roleFact("FE2", "front-end", ""),
		version("FE1", "6.5.7638.2"), version("FE2", "6.5.7638.2"), version("BE1", "6.5.6944")); len(hits) != 0 {
		t.Fatalf("same builds: hits = %+v", hits)
	}
}

func TestBackendBeforeFrontend(t *testing.T) {
	hits := bundleWith(t, "backend-before-frontend",
		roleFact("FE1", "front-end", ""), roleFact("BE1", "back-end", ""),
		version("FE1", "6.5.6944"), version("BE1", "6.5.7638.2"))
	if len(hits) != 1 || hits[0].Host != "BE1" || !strings.Contains(hits[0].Values["frontends"], "FE1 6.5.6944") {
		t.Fatalf("hits = %+v", hits)
	}
	if hits := bundleWith(t, "backend-before-frontend",
		roleFact("FE1", "front-end", ""), roleFact("BE1", "back-end", ""),
		version("FE1", "6.5.7638.2"), version("BE1", "6.5.6944")); len(hits) != 0 {
		t.Fatalf("front end first is right: hits = %+v", hits)
	}
}

func TestClusterUpgradeOrder(t *testing.T) {
	fs, _ := runBundle(t,
		evtxFile("NODE1", ev("NODE1", "MSExchangeCluster", 1000, t0), ev("NODE1", "MSExchangeCluster", 2146, t0.Add(time.Minute), "EXVS1 System Attendent: An Error occured during the Exchange resource upgrade")),
	)
	got := byRule(fs, "cluster-upgrade-order")
	if len(got) != 1 || got[0].Host != "NODE1" || !strings.Contains(got[0].Remedy, "could not be upgraded after a node upgrade") {
		t.Fatalf("2146: findings = %+v", got)
	}
	fs, _ = runBundle(t,
		clusterNodes("Version 6.5 (Build 7638.2: Service Pack 2)", "Version 6.5 (Build 7226.6: Service Pack 1)")...,
	)
	got = byRule(fs, "cluster-upgrade-order")
	if len(got) != 1 || !strings.Contains(got[0].Remedy, "NODE1 6.5.7638.2 (SP2), NODE2 6.5.7226.6 (SP1)") {
		t.Fatalf("mixed nodes: findings = %+v", got)
	}
	fs, _ = runBundle(t,
		clusterNodes("Version 6.5 (Build 7638.2: Service Pack 2)", "Version 6.5 (Build 7638.2: Service Pack 2)")...,
	)
	if got := byRule(fs, "cluster-upgrade-order"); len(got) != 0 {
		t.Fatalf("same builds: findings = %+v", got)
	}
}

func TestIISHotfix831464Missing(t *testing.T) {
	node := func(extra ...file) []Finding {
		files := append([]file{evtxFile("NODE1",
			ev("NODE1", "MSExchangeCluster", 1025, t0),
			ev("NODE1", "EventLog", 6009, t0, "5.02.", "3790", "Service Pack 1", "Multiprocessor Free"))}, extra...)
		fs, _ := runBundle(t, files...)
		return byRule(fs, "iis-hotfix-831464-missing")
	}
	if got := node(); len(got) != 1 || got[0].Host != "NODE1" {
		t.Fatalf("findings = %+v", got)
	}
	if got := node(exportFile("NODE1", "Installed hotfix KB831464 on 2006-03-01")); len(got) != 0 {
		t.Fatalf("KB831464 mentioned: findings = %+v", got)
	}
	rules, _ := Catalog()
	eng := NewEngine(rules, English)
	c := eng.NewCollector("case")
	fr := eng.NewFile(FileInfo{Path: "NODE1/Application.evtx", Format: parsers.FormatEVTX, HostHint: "NODE1"})
	fr.Record(ev("NODE1", "MSExchangeCluster", 1025, t0))
	fr.Record(ev("NODE1", "EventLog", 6009, t0, "5.02.", "3790", "Service Pack 1", "Multiprocessor Free"))
	c.Add(fr.Finish())
	c.AddInput(Input{Path: "NODE1/WINDOWS/KB831464.log", Host: "NODE1"})
	if got := byRule(c.Finish(), "iis-hotfix-831464-missing"); len(got) != 0 {
		t.Fatalf("KB831464.log in the bundle: findings = %+v", got)
	}
	fs, _ := runBundle(t, evtxFile("NODE1", ev("NODE1", "MSExchangeCluster", 1025, t0),
		ev("NODE1", "EventLog", 6009, t0, "5.00.", "2195", "Service Pack 4", "Uniprocessor Free")))
	if got := byRule(fs, "iis-hotfix-831464-missing"); len(got) != 0 {
		t.Fatalf("Windows 2000 node: findings = %+v", got)
	}
}

func TestExchangeServiceFailedAfterUpdate(t *testing.T) {
	update := file{info: FileInfo{Path: "NODE1/KB912442.log", Format: parsers.FormatUpdateLog, HostHint: "NODE1"},
		recs: testkit.ParseBytes(updatelog.Parser{}, "NODE1/KB912442.log",
			[]byte("0.000: 2006/03/14 23:02:41.250 (local)\r\n12.484: Update.exe extended error code = 0x0\r\n")).Recs}
	scm := func(at time.Time) file {
		r := ev("NODE1", "Service Control Manager", 7024, at, "Microsoft Exchange Information Store", "3355443752")
		r.Path = "NODE1/System.evtx"
		return file{info: FileInfo{Path: r.Path, Format: parsers.FormatEVTX, HostHint: "NODE1"}, recs: []*parsers.Record{r}}
	}
	fs, _ := runBundle(t, update, scm(time.Date(2006, 3, 14, 23, 30, 0, 0, time.UTC)))
	got := byRule(fs, "exchange-service-failed-after-update")
	if len(got) != 1 || !strings.Contains(got[0].Remedy, "Microsoft Exchange Information Store failed after KB912442 (2006-03-14 23:02)") {
		t.Fatalf("findings = %+v", got)
	}
	if len(got[0].Evidence) != 2 || got[0].Evidence[0].Path != "NODE1/KB912442.log" {
		t.Errorf("evidence = %+v", got[0].Evidence)
	}
	fs, _ = runBundle(t, update, scm(time.Date(2006, 3, 1, 8, 0, 0, 0, time.UTC)))
	if got := byRule(fs, "exchange-service-failed-after-update"); len(got) != 0 {
		t.Fatalf("failure two weeks before the update: findings = %+v", got)
	}
}

func TestHotfixInstallFailedAndReboot(t *testing.T) {
	info := FileInfo{Path: "KB1.log", Format: parsers.FormatUpdateLog, HostHint: "EX1"}
	fs := runFile(t, English, info, updateLines(
		"940.344: DoInstallation:MyInstallCatalogFiles  failed:STR_CATALOG_INSTALL_FAILED",
		"1448.406: Update.exe extended error code = 0xf01e",
		"1448.406: Update.exe return code was masked to 0x643 for MSI custom action compliance."))
	got := byRule(fs, "hotfix-install-failed")
	if len(got) != 1 || got[0].Evidence[0].Line != 1 || !strings.Contains(got[0].Remedy, "STR_CATALOG_INSTALL_FAILED") {
		t.Fatalf("findings = %+v", got)
	}
	fs = runFile(t, English, info, updateLines("1.0: Copying files", "30.100: Update.exe extended error code = 0x0"))
	if got := byRule(fs, "hotfix-install-failed"); len(got) != 0 {
		t.Fatalf("successful run: %+v", got)
	}
	// A run that does not name its package is named by the log's file,
	// without the ".log" of the file name.
	fs = runFile(t, English, FileInfo{Path: `EX1\WINDOWS\KB912444.log`, Format: parsers.FormatUpdateLog, HostHint: "EX1"},
		updateLines("900.000: Update.exe failed 1603."))
	if got := byRule(fs, "hotfix-install-failed"); len(got) != 1 || !strings.Contains(got[0].Remedy, "The update KB912444 did not install on EX1") {
		t.Fatalf("package named by the file: %+v", got)
	}
}

func TestADCAndRestoreRules(t *testing.T) {
	fs := runFile(t, English, FileInfo{Path: "p.log", Format: parsers.FormatSetupLog, HostHint: "EX1"}, []*parsers.Record{
		setupRec(4, "CAtom::ScFind (k:\\a.cxx:1)\n           Error code 0XC103FD04 (64772): Unable to find an Microsoft Exchange 2000 Server ADC with which to associate the Setup synchronization Connection Agreement object.", nil),
	})
	if got := byRule(fs, "adc-not-upgraded"); len(got) != 1 || got[0].Evidence[0].Line != 5 || got[0].Evidence[0].Match != "C103FD04" {
		t.Fatalf("adc: %+v", got)
	}
	fs = runFile(t, English, FileInfo{Path: "a.evtx", Format: parsers.FormatEVTX}, []*parsers.Record{
		ev("EX1", "MSExchangeIS", 5000, t0, "0xc8000228"),
		ev("EX1", "MSExchangeIS", 5000, t0, "0x8004010f"),
	})
	if got := byRule(fs, "restore-older-sp-backup"); len(got) != 1 || got[0].Count != 1 {
		t.Fatalf("restore: %+v", got)
	}
}

func TestRolesFromServerList(t *testing.T) {
	srv := func(line int, name, ver, fe string) *parsers.Record {
		return &parsers.Record{Path: "servers.txt", Format: parsers.FormatExServer, Line: line, Host: name,
			Message: "name: " + name + "\nadmindisplayversion: " + ver,
			Fields:  map[string]string{"name": name, "admindisplayversion": ver, "isfrontendserver": fe}}
	}
	fs, b := runBundle(t, file{info: FileInfo{Path: "servers.txt", Format: parsers.FormatExServer}, recs: []*parsers.Record{
		srv(2, "EXFE01", "Version 6.5 (Build 7638.2: Service Pack 2)", "True"),
		srv(8, "EXFE02", "Version 6.5 (Build 6944.4)", "True"),
		srv(13, "EXBE01", "Version 6.5 (Build 7638.2: Service Pack 2)", "False"),
	}})
	if h := b.Hosts["EXFE02"]; h == nil || h.Role != "front-end" || h.Level != "RTM" {
		t.Fatalf("EXFE02 = %+v", h)
	}
	if got := byRule(fs, "frontend-mixed-versions"); len(got) != 1 || got[0].Evidence[1].Line != 8 {
		t.Errorf("frontend-mixed-versions = %+v", got)
	}
	if got := byRule(fs, "backend-before-frontend"); len(got) != 1 || got[0].Host != "EXBE01" {
		t.Errorf("backend-before-frontend = %+v", got)
	}
}

func TestPerfoptNotRerun(t *testing.T) {
	sp := time.Date(2001, 5, 2, 10, 0, 0, 0, time.UTC)
	install := Fact{Kind: FactInstall, Host: "EX55", Time: sp, Values: map[string]string{"generation": "5.5", "outcome": "unknown"},
		Evidence: Evidence{Path: "EX55/Exchange Server Setup.log", Line: 1, Text: "setup run 1: unknown"}}
	check := func(inputs ...Input) []Hit {
		rules, _ := Catalog()
		return Find(rules, "perfopt-not-rerun").(BundleRule).CheckBundle(&Bundle{Facts: []Fact{install},
			Inputs: append([]Input{{Path: "EX55/Exchange Server Setup.log", Host: "EX55", ModTime: sp}}, inputs...)})
	}
	if hits := check(); len(hits) != 1 || !strings.Contains(hits[0].Values["why"], "no perfopt.log") {
		t.Fatalf("no perfopt.log: %+v", hits)
	}
	if hits := check(Input{Path: "EX55/perfopt.log", Host: "EX55", ModTime: sp.AddDate(0, -2, 0)}); len(hits) != 1 || !strings.Contains(hits[0].Values["why"], "is older than") {
		t.Fatalf("old perfopt.log: %+v", hits)
	}
	if hits := check(Input{Path: "EX55/PERFOPT.LOG", Host: "EX55", ModTime: sp.Add(time.Hour)}); len(hits) != 0 {
		t.Fatalf("perfopt.log after the SP: %+v", hits)
	}
	install.Values["outcome"] = "failed"
	if hits := check(); len(hits) != 0 {
		t.Fatalf("the 5.5 service pack run failed: %+v", hits)
	}
}

func TestHotfixRebootRequired(t *testing.T) {
	info := FileInfo{Path: "KB2.log", Format: parsers.FormatUpdateLog, HostHint: "EX1"}
	fs := runFile(t, English, info, updateLines(
		"10.000: Copying files",
		"20.000: Update.exe returned exit code 3010",
		"30.100: Update.exe extended error code = 0x0"))
	got := byRule(fs, "hotfix-reboot-required")
	if len(got) != 1 || got[0].Severity != Info || got[0].Evidence[0].Line != 2 || !strings.Contains(got[0].Remedy, "Restart EX1") {
		t.Fatalf("findings = %+v", got)
	}
	fs = runFile(t, English, info, updateLines("10.000: Copying files", "30.100: Update.exe extended error code = 0x0"))
	if got := byRule(fs, "hotfix-reboot-required"); len(got) != 0 {
		t.Fatalf("no restart asked: %+v", got)
	}
	// A failed run needs fixing, not a restart: the failure rule covers it.
	fs = runFile(t, English, info, updateLines("20.000: restart required", "30.100: Update.exe extended error code = 0xf201"))
	if got := byRule(fs, "hotfix-reboot-required"); len(got) != 0 {
		t.Fatalf("failed run: %+v", got)
	}
}

func TestADCNotUpgradedNegative(t *testing.T) {
	fs := runFile(t, English, FileInfo{Path: "p.log", Format: parsers.FormatSetupLog, HostHint: "EX1"}, []*parsers.Record{
		setupRec(4, "CAtom::ScFind (k:\\a.cxx:1)\n           Error code 0XC103FC93 (64659): Could not bind to the Microsoft Exchange Directory server", nil),
		setupRec(9, "CAtom::ScFind (k:\\a.cxx:1)\n           Error code 0XC103FD04 (64772): Unable to find an Microsoft Exchange 2000 Server ADC", map[string]string{"ignored": "true"}),
	})
	if got := byRule(fs, "adc-not-upgraded"); len(got) != 0 {
		t.Fatalf("other error, or one setup ignored: %+v", got)
	}
}

// TestEveryRuleIsTested: each rule of the catalog is named in a test of
// this package, so none ships untested.
func TestEveryRuleIsTested(t *testing.T) {
	var src strings.Builder
	files, _ := filepath.Glob("*_test.go")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		src.Write(b)
	}
	rules, _ := Catalog()
	for _, r := range rules {
		if !strings.Contains(src.String(), `"`+r.Meta().ID+`"`) {
			t.Errorf("rule %s is named in no test", r.Meta().ID)
		}
	}
}

// exported is an event as an Event Viewer text or CSV export gives it: the
// rendered message, no insertion strings.
func exported(host, provider string, id uint32, at time.Time, msg string) *parsers.Record {
	return &parsers.Record{Path: host + "/app.txt", Format: parsers.FormatEvExport, Line: int(at.Unix() % 1000),
		Time: at, TimeQ: parsers.TimeNoZone, Host: host, Provider: provider, EventID: id, Level: parsers.LevelError, Message: msg}
}

func exportedFile(host string, recs ...*parsers.Record) file {
	return file{info: FileInfo{Path: host + "/app.txt", Format: parsers.FormatEvExport, HostHint: host}, recs: recs}
}

// TestBundleRulesReadEventExports: the bundle rules and the MSI rule read
// the values they need from the messages of exported events (English and
// Polish), which carry no insertion strings.
func TestBundleRulesReadEventExports(t *testing.T) {
	at := time.Date(2006, 3, 14, 22, 0, 0, 0, time.UTC)
	tests := []struct {
		name, rule string
		recs       []*parsers.Record
		want       string // in the remedy; "" = no finding
	}{
		{"SCM 7024 after an MSI install, English", "exchange-service-failed-after-update", []*parsers.Record{
			exported("EX1", "MsiInstaller", 11707, at, "Product: Microsoft Exchange Server -- Installation completed successfully."),
			exported("EX1", "Service Control Manager", 7024, at.Add(30*time.Minute), "The Microsoft Exchange Information Store service terminated with service-specific error 3355443752 (0xC8000228)."),
		}, "Microsoft Exchange Information Store failed after Microsoft Exchange Server"},
		{"SCM 7000 after Exchange Setup, Polish", "exchange-service-failed-after-update", []*parsers.Record{
			exported("EX1", "MSExchangeSetup", 1001, at, "Instalator programu Exchange (kompilacja 8.1.240.6) zakończył działanie pomyślnie."),
			exported("EX1", "Service Control Manager", 7000, at.Add(time.Hour), "Usługa Magazyn informacji programu Microsoft Exchange nie mogła zostać uruchomiona z powodu następującego błędu:\nUsługa nie została uruchomiona z powodu niepowodzenia logowania."),
		}, "Magazyn informacji programu Microsoft Exchange failed after Exchange Setup 8.1.240.6"},
		{"a non-Exchange service", "exchange-service-failed-after-update", []*parsers.Record{
			exported("EX1", "MsiInstaller", 11707, at, "Product: Microsoft Exchange Server -- Installation completed successfully."),
			exported("EX1", "Service Control Manager", 7000, at.Add(time.Hour), "The Print Spooler service failed to start due to the following error:"),
		}, ""},
		{"MsiInstaller 1033 with status 1603 (Vista wording)", "msi-install-failed", []*parsers.Record{
			exported("EX1", "MsiInstaller", 1033, at, "Windows Installer installed the product. Product Name: Microsoft Exchange Server. Product Version: 14.3.123.4. Product Language: 1033. Manufacturer: Microsoft Corporation. Installation success or error status: 1603."),
		}, "Microsoft Exchange Server failed on EX1, error code 1603."},
		{"MsiInstaller 1033 with status 0", "msi-install-failed", []*parsers.Record{
			exported("EX1", "MsiInstaller", 1033, at, "Windows Installer installed the product. Product Name: Microsoft Exchange Server. Product Version: 14.3.123.4. Product Language: 1033. Manufacturer: Microsoft Corporation. Installation success or error status: 0."),
		}, ""},
		{"MsiInstaller 1023, Polish", "msi-install-failed", []*parsers.Record{
			exported("EX1", "MsiInstaller", 1023, at, "Produkt: Microsoft Exchange Server - Nie można zainstalować aktualizacji 'KB912442'. Kod błędu 1603. Dodatkowe informacje są dostępne w pliku dziennika C:\\x.log."),
		}, "Microsoft Exchange Server failed on EX1, error code 1603."},
		{"Windows Server 2003 node from an exported 6009", "iis-hotfix-831464-missing", []*parsers.Record{
			exported("NODE1", "MSExchangeCluster", 1025, at, "Przed przełączeniem serwera wirtualnego Exchange do trybu online należy go uaktualnić."),
			exported("NODE1", "EventLog", 6009, at, "Microsoft (R) Windows (R) 5.02. 3790 Service Pack 1 Multiprocessor Free."),
		}, "hotfix 831464 is installed on NODE1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, _ := runBundle(t, exportedFile(tc.recs[0].Host, tc.recs...))
			got := byRule(fs, tc.rule)
			if tc.want == "" {
				if len(got) != 0 {
					t.Fatalf("findings = %+v", got)
				}
				return
			}
			if len(got) != 1 || !strings.Contains(got[0].Remedy, tc.want) {
				t.Fatalf("want one finding whose remedy holds %q; got %+v", tc.want, got)
			}
		})
	}
}

// TestClusterUpgradeOrderPerVersion: the remedy gives the order KB 328839
// prescribes for the version the nodes run: 5.5 active node first, 2000
// passive node first, 2003 one node at a time with the EVS upgraded.
func TestClusterUpgradeOrderPerVersion(t *testing.T) {
	tests := []struct {
		banner1, banner2 string
		want, not        string
		wantPL           string
	}{
		{"Version 5.5 (Build 2653.23: Service Pack 4)", "Version 5.5 (Build 2650.24: Service Pack 3)",
			"For Exchange 5.5, apply the service pack to the active node", "Exchange 2000", "W Exchange 5.5 najpierw zainstaluj dodatek Service Pack na węźle aktywnym"},
		{"Version 6.0 (Build 6249.4: Service Pack 3)", "Version 6.0 (Build 5762.4: Service Pack 2)",
			"For Exchange 2000, apply it to the passive node first", "Exchange 5.5", "W Exchange 2000 najpierw zainstaluj go na węźle pasywnym"},
		{"Version 6.5 (Build 7638.2: Service Pack 2)", "Version 6.5 (Build 7226.6: Service Pack 1)",
			"For Exchange 2003, move the Exchange Virtual Server off a node", "Exchange 2000", "uruchom „Uaktualnij serwer wirtualny Exchange”"},
	}
	for _, tc := range tests {
		files := clusterNodes(tc.banner1, tc.banner2)
		fs, _ := runBundle(t, files...)
		got := byRule(fs, "cluster-upgrade-order")
		if len(got) != 1 || !strings.Contains(got[0].Remedy, tc.want) || strings.Contains(got[0].Remedy, tc.not) || strings.Contains(got[0].Remedy, "?") {
			t.Errorf("%s: findings = %+v", tc.banner1, got)
		}
		plFindings, _ := runBundleLang(t, Polish, files...)
		if pl := byRule(plFindings, "cluster-upgrade-order"); len(pl) != 1 || !strings.Contains(pl[0].Remedy, tc.wantPL) {
			t.Errorf("%s: Polish findings = %+v", tc.banner1, pl)
		}
	}
	// A 2146 with no version known: every version's order is given.
	fs, _ := runBundle(t, evtxFile("NODE1", ev("NODE1", "MSExchangeCluster", 2146, t0, "EXVS1 System Attendent: An Error occured")))
	if got := byRule(fs, "cluster-upgrade-order"); len(got) != 1 || !strings.Contains(got[0].Remedy, "For Exchange 5.5,") || !strings.Contains(got[0].Remedy, "for Exchange 2000,") {
		t.Errorf("unknown version: findings = %+v", got)
	}
}

// section A rules that compare or follow a bundle, and the install rules.
var bundleSectionA = []string{"frontend-mixed-versions", "backend-before-frontend", "adc-not-upgraded", "perfopt-not-rerun",
	"restore-older-sp-backup", "iis-hotfix-831464-missing", "cluster-upgrade-order", "exchange-service-failed-after-update",
	"hotfix-install-failed", "hotfix-reboot-required", "msi-install-failed", "hotfix-file-in-use", "evs-version-mismatch",
	"evs-upgrade-required"}

// TestCleanBundleIsSilent: a bundle of an Exchange 2003 organisation
// upgraded by the book (front ends and back end at SP2, both cluster nodes
// at SP2 with IIS hotfix 831464, hotfixes and MSI installs that succeeded,
// Exchange services that stopped and started normally around them, a
// non-Exchange service failing) gives no section A finding.
func TestCleanBundleIsSilent(t *testing.T) {
	srv := func(line int, name, ver, fe string) *parsers.Record {
		return &parsers.Record{Path: "servers.txt", Format: parsers.FormatExServer, Line: line, Host: name,
			Message: "name: " + name + "\nadmindisplayversion: " + ver,
			Fields:  map[string]string{"name": name, "admindisplayversion": ver, "isfrontendserver": fe}}
	}
	sp2 := "Version 6.5 (Build 7638.2: Service Pack 2)"
	servers := file{info: FileInfo{Path: "servers.txt", Format: parsers.FormatExServer}, recs: []*parsers.Record{
		srv(2, "EXFE01", sp2, "True"), srv(8, "EXFE02", sp2, "True"), srv(13, "EXCLNODE1", sp2, "False"), srv(19, "EXCLNODE2", sp2, "False"),
	}}
	kb := func(host, name string) file {
		path := host + "/" + name
		recs := testkit.ParseBytes(updatelog.Parser{}, path, []byte("0.000: 2006/03/14 21:02:41.250 (local)\r\n"+
			"0.015: c:\\x\\update\\update.exe (version 6.2.29.0)\r\n"+
			"30.100: Update.exe extended error code = 0x0\r\n")).Recs
		return file{info: FileInfo{Path: path, Format: parsers.FormatUpdateLog, HostHint: host}, recs: recs}
	}
	node := func(host string) file {
		sys := func(id uint32, at time.Time, data ...string) *parsers.Record {
			r := ev(host, "Service Control Manager", id, at, data...)
			r.Level = parsers.LevelInformation
			return r
		}
		info := func(provider string, id uint32, at time.Time, data ...string) *parsers.Record {
			r := ev(host, provider, id, at, data...)
			r.Level = parsers.LevelInformation
			return r
		}
		return evtxFile(host,
			info("EventLog", 6009, t0, "5.02.", "3790", "Service Pack 1", "Multiprocessor Free"),
			info("MSExchangeCluster", 1000, t0),
			sys(7036, t0.Add(time.Minute), "Microsoft Exchange Information Store", "stopped"),
			info("MsiInstaller", 11707, t0.Add(2*time.Minute), "Product: Microsoft Exchange Server -- Installation completed successfully."),
			info("MsiInstaller", 1033, t0.Add(2*time.Minute), "Microsoft Exchange Server", "6.5", "1033", "0", "Microsoft"),
			sys(7036, t0.Add(30*time.Minute), "Microsoft Exchange Information Store", "running"),
			ev(host, "Service Control Manager", 7000, t0.Add(40*time.Minute), "Print Spooler", "%%1053"),
		)
	}
	fs, b := runBundle(t, servers, node("EXCLNODE1"), node("EXCLNODE2"), kb("EXCLNODE1", "KB831464.log"), kb("EXCLNODE2", "KB831464.log"),
		kb("EXCLNODE1", "KB912442.log"), kb("EXFE01", "KB912442.log"))
	for _, id := range bundleSectionA {
		if got := byRule(fs, id); len(got) != 0 {
			t.Errorf("%s fired on a clean bundle: %+v", id, got)
		}
	}
	if h := b.Hosts["EXCLNODE2"]; h == nil || h.Cluster != "node" || h.Level != "SP2" || !strings.HasPrefix(h.OS, "Windows Server 2003") {
		t.Errorf("inventory of EXCLNODE2 = %+v", h)
	}
	if len(fs) != 0 {
		t.Errorf("findings on a clean bundle: %s", ruleList(fs))
	}
}

// TestIISHotfix831464PerNode: the hotfix on one node does not excuse the
// other; a KB831464.log read as a file of the bundle counts for its host.
func TestIISHotfix831464PerNode(t *testing.T) {
	node := func(host string) file {
		return evtxFile(host, ev(host, "MSExchangeCluster", 1025, t0), ev(host, "EventLog", 6009, t0, "5.02.", "3790", "Service Pack 1", "Multiprocessor Free"))
	}
	kb := file{info: FileInfo{Path: "NODE1/WINDOWS/KB831464.log", Format: parsers.FormatUpdateLog, HostHint: "NODE1"},
		recs: testkit.ParseBytes(updatelog.Parser{}, "NODE1/WINDOWS/KB831464.log", []byte("0.000: 2006/03/14 21:02:41.250 (local)\r\n30.100: Update.exe extended error code = 0x0\r\n")).Recs}
	fs, _ := runBundle(t, node("NODE1"), node("NODE2"), kb)
	got := byRule(fs, "iis-hotfix-831464-missing")
	if len(got) != 1 || got[0].Host != "NODE2" {
		t.Fatalf("findings = %+v, want NODE2 only", got)
	}
}

// TestServiceFailureBeforeAnExactInstall: when both times are exact (two
// event logs), a service failure hours before the install is not "after
// the update"; only a zone-less time gets the zone's slack.
func TestServiceFailureBeforeAnExactInstall(t *testing.T) {
	install := ev("EX1", "MsiInstaller", 11707, t0, "Product: Microsoft Exchange Server -- Installation completed successfully.")
	install.Level = parsers.LevelInformation
	fail := func(at time.Time) *parsers.Record {
		r := ev("EX1", "Service Control Manager", 7024, at, "Microsoft Exchange Information Store", "3355443752")
		r.Path, r.RecordID = "EX1/System.evtx", 7
		return r
	}
	sys := func(r *parsers.Record) file {
		return file{info: FileInfo{Path: r.Path, Format: parsers.FormatEVTX, HostHint: "EX1"}, recs: []*parsers.Record{r}}
	}
	fs, _ := runBundle(t, evtxFile("EX1", install), sys(fail(t0.Add(-5*time.Hour))))
	if got := byRule(fs, "exchange-service-failed-after-update"); len(got) != 0 {
		t.Errorf("failure 5 hours before the install: %+v", got)
	}
	fs, _ = runBundle(t, evtxFile("EX1", install), sys(fail(t0.Add(5*time.Hour))))
	if got := byRule(fs, "exchange-service-failed-after-update"); len(got) != 1 {
		t.Errorf("failure 5 hours after the install: %+v", got)
	}
	// The same failure against an update.exe log, whose times have no zone.
	update := file{info: FileInfo{Path: "EX1/KB912442.log", Format: parsers.FormatUpdateLog, HostHint: "EX1"},
		recs: testkit.ParseBytes(updatelog.Parser{}, "EX1/KB912442.log",
			[]byte("0.000: 2006/03/14 21:00:00.000 (local)\r\n12.484: Update.exe extended error code = 0x0\r\n")).Recs}
	fs, _ = runBundle(t, update, sys(fail(t0.Add(-5*time.Hour))))
	if got := byRule(fs, "exchange-service-failed-after-update"); len(got) != 1 {
		t.Errorf("zone-less install time: %+v", got)
	}
}

// TestIISHotfix831464NeedsAnUpdate: an inventory of a Windows Server 2003
// cluster with no update in the bundle gives no warning; an update run on
// one node brings the warning for every node without the hotfix.
func TestIISHotfix831464NeedsAnUpdate(t *testing.T) {
	node := func(host string) file {
		return evtxFile(host, ev(host, "MSExchangeCluster", 1000, t0), ev(host, "EventLog", 6009, t0, "5.02.", "3790", "Service Pack 2", "Multiprocessor Free"))
	}
	banners := []file{exportFile("NODE1", "Version 6.5 (Build 7638.2: Service Pack 2)"), exportFile("NODE2", "Version 6.5 (Build 7638.2: Service Pack 2)")}
	fs, _ := runBundle(t, append([]file{node("NODE1"), node("NODE2")}, banners...)...)
	if got := byRule(fs, "iis-hotfix-831464-missing"); len(got) != 0 {
		t.Fatalf("no update in the bundle: %+v", got)
	}
	kb := file{info: FileInfo{Path: "NODE1/KB912442.log", Format: parsers.FormatUpdateLog, HostHint: "NODE1"},
		recs: testkit.ParseBytes(updatelog.Parser{}, "NODE1/KB912442.log", []byte("0.000: 2006/03/14 21:02:41.250 (local)\r\n30.100: Update.exe extended error code = 0x0\r\n")).Recs}
	fs, _ = runBundle(t, append([]file{node("NODE1"), node("NODE2"), kb}, banners...)...)
	if got := byRule(fs, "iis-hotfix-831464-missing"); len(got) != 2 {
		t.Fatalf("update on NODE1: %+v, want both nodes", got)
	}
}

// TestSameLevelFromDifferentSources: up to Exchange 2003 the fourth part
// of a build is only the revision one source or another prints (a protocol
// banner 6.5.7638.1, AdminDisplayVersion 7638.2, a setup log 6.5.7638: all
// SP2). Servers and nodes at SP2 are at one level whatever the source;
// Exchange 2007 and later updates do differ in the fourth part.
func TestSameLevelFromDifferentSources(t *testing.T) {
	if hits := bundleWith(t, "frontend-mixed-versions",
		roleFact("FE1", "front-end", ""), roleFact("FE2", "front-end", ""),
		version("FE1", "6.5.7638.2"), version("FE2", "6.5.7638.1")); len(hits) != 0 {
		t.Errorf("frontend-mixed-versions on 7638.2 and 7638.1: %+v", hits)
	}
	if hits := bundleWith(t, "backend-before-frontend",
		roleFact("FE1", "front-end", ""), roleFact("BE1", "back-end", ""),
		version("FE1", "6.5.7638"), version("BE1", "6.5.7638.2")); len(hits) != 0 {
		t.Errorf("backend-before-frontend on 7638 and 7638.2: %+v", hits)
	}
	if hits := bundleWith(t, "backend-before-frontend",
		roleFact("FE1", "front-end", ""), roleFact("BE1", "back-end", ""),
		version("FE1", "6.5.7638.2"), version("BE1", "6.5.7653.33")); len(hits) != 1 {
		t.Errorf("backend-before-frontend, back end on a post-SP2 rollup: %+v", hits)
	}
	fs, _ := runBundle(t,
		clusterNodes("Version 6.5 (Build 7638.2: Service Pack 2)", "Microsoft Exchange Server 2003 POP3 server version 6.5.7638.1 ready; Version 6.5 (Build 7638.1)")...,
	)
	if got := byRule(fs, "cluster-upgrade-order"); len(got) != 0 {
		t.Errorf("cluster nodes at 7638.2 and 7638.1: %+v", got)
	}
	if hits := bundleWith(t, "frontend-mixed-versions",
		roleFact("S1", "front-end", ""), roleFact("S2", "front-end", ""),
		version("S1", "15.1.2507.6"), version("S2", "15.1.2507.9")); len(hits) != 1 {
		t.Errorf("Exchange 2016 builds differing in the fourth part are different levels: %+v", hits)
	}
}
