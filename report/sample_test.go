package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/scan"
)

// utc builds a time on the sample's evening, 2006-03-14.
func utc(h, m, s int) time.Time { return time.Date(2006, 3, 14, h, m, s, 0, time.UTC) }

// sampleReport is a realistic case: a two-node Exchange 2003 cluster and a
// front-end server, findings of every severity, evidence with exact,
// local (no zone), time-of-day-only, elapsed and no times.
func sampleReport(lang detectors.Lang) *Report {
	const b = "contoso-case"
	r := &Report{
		Tool: "extriage", Version: "v0.9.0-test", Lang: lang,
		Generated: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC),
		Inputs: []scan.InputInfo{
			{Path: "contoso-case/EXCLNODE1/Application.evtx", Bundle: b, Host: "EXCLNODE1", Format: parsers.FormatEVTX,
				SHA256: "1f0c6a5c8d3f4e2b9a7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817", Bytes: 1118208, Records: 401, Warnings: []string{}},
			{Path: "contoso-case/EXCLNODE1/KB912442.log", Bundle: b, Host: "EXCLNODE1", Format: parsers.FormatUpdateLog,
				SHA256: "e5f439a528302ce0cbb931bd05e61088e047207f496f33c4af716a5eae37465c", Bytes: 999, Records: 15, Warnings: []string{}},
			{Path: "contoso-case/EXCLNODE2/Exchange Server Setup Progress.log", Bundle: b, Host: "EXCLNODE2", Format: parsers.FormatSetupLog,
				SHA256: "7a6f9ecaa954f8ea7bac75f040e8b69bba717f7be334ae5997ea309f26843484", Bytes: 1698, Records: 15, Warnings: []string{}},
			{Path: "contoso-case/EXCLNODE2/System.evtx", Bundle: b, Host: "EXCLNODE2", Format: parsers.FormatEVTX,
				SHA256: "0d4e3c2b1a09f8e7d6c5b4a3928170f5e4d3c2b1a09f8e7d6c5b4a3928170f5e", Bytes: 69632, Records: 120,
				Warnings: []string{"chunk 3 at offset 0x31000: bad CRC32, 12 records skipped"}},
			{Path: "contoso-case/EXFE01/Application.evt", Bundle: b, Host: "EXFE01", Format: parsers.FormatEVT,
				SHA256: "9c8b7a69584736251403f2e1d0c9b8a79685746352413f2e1d0c9b8a79685746", Bytes: 65536, Records: 88, Warnings: []string{}},
			{Path: "contoso-case/EXFE01/notes.docx", Bundle: b, Host: "EXFE01", SHA256: "aa55", Bytes: 12000,
				Unrecognised: true, Warnings: []string{"not a log format extriage knows"}},
		},
		Hosts: []detectors.Host{
			{Name: "EXCLNODE1", Product: "Exchange Server 2003", Build: "6.5.7638.1", Level: "SP2", Role: "back-end", Cluster: "node"},
			{Name: "EXCLNODE2", Product: "Exchange Server 2003", Build: "6.5.7226.0", Level: "SP1", Role: "back-end", Cluster: "node",
				OS: "Windows Server 2003 Service Pack 1 (5.2.3790)"},
			{Name: "EXFE01", Product: "Exchange Server 2003", Build: "6.5.7638.1", Level: "SP2", Role: "front-end"},
		},
		Warnings: []string{"contoso-case/EXCLNODE2/System.evtx: chunk 3 at offset 0x31000: bad CRC32, 12 records skipped",
			"contoso-case/EXFE01/notes.docx: not a log format extriage knows"},
	}
	app1 := "contoso-case/EXCLNODE1/Application.evtx"
	kb := "contoso-case/EXCLNODE1/KB912442.log"
	prog := "contoso-case/EXCLNODE2/Exchange Server Setup Progress.log"
	sys2 := "contoso-case/EXCLNODE2/System.evtx"
	fe := "contoso-case/EXFE01/Application.evt"
	r.Findings = []detectors.Finding{
		{Rule: "store-mount-failed", Title: "Information Store could not mount its databases after the update", Severity: detectors.Critical,
			KB: []string{"328839"}, Host: "EXCLNODE1", Bundle: b, Count: 1,
			Evidence: []detectors.Evidence{{Path: app1, Record: 240, Time: utc(22, 52, 10),
				Text: "MSExchangeIS 9518 (error): Error 0xfffffbf8 starting Storage Group /DC=local/DC=contoso/CN=First Storage Group on the Microsoft Exchange Information Store."}},
			Remedy: "Bring the databases online on EXCLNODE1 only after the Exchange Virtual Server is upgraded. See KB 328839.",
			Values: map[string]string{"code": "0xfffffbf8"}},
		{Rule: "evs-upgrade-required", Title: "Exchange Virtual Server must be upgraded before it can go online", Severity: detectors.Error,
			KB: []string{"328839"}, Host: "EXCLNODE1", Bundle: b, Count: 1,
			Evidence: []detectors.Evidence{{Path: app1, Record: 213, Time: utc(22, 41, 7),
				Text: "MSExchangeCluster 1025 (error): EXVS1"}},
			Remedy: "On EXCLNODE1, open Cluster Administrator and choose \"Upgrade Exchange Virtual Server\". See KB 328839.",
			Values: map[string]string{"evs": "EXVS1"}},
		{Rule: "evs-version-mismatch", Title: "Exchange version on this node does not match the Exchange Virtual Server (c1037b44)", Severity: detectors.Error,
			KB: []string{"328839"}, Host: "EXCLNODE2", Bundle: b, Count: 3,
			Evidence: []detectors.Evidence{
				{Path: prog, Line: 16, Time: time.Date(2024, 5, 6, 22, 44, 19, 0, time.UTC), TimeQ: parsers.TimeNoDate,
					Text: "CClusterVirtualServer::ScCheckNodeVersion (f:\\titanium\\admin\\src\\udog\\exsetdata\\components\\cluster\\clusvs.cxx:1184)\n           Error code 0XC1037B44 (31556): The version of Exchange on this computer is incompatible with the version of Exchange on server 'EXVS1'."},
				{Path: prog, Line: 18, Time: time.Date(2024, 5, 6, 22, 44, 19, 0, time.UTC), TimeQ: parsers.TimeNoDate,
					Text: "CClusterVirtualServer::ScUpgradeVirtualServer (clusvs.cxx:622)\n           Error code 0XC1037B44 (31556): The version of Exchange on this computer is incompatible with the version of Exchange on server 'EXVS1'."},
				{Path: prog, Line: 20, Time: time.Date(2024, 5, 6, 22, 44, 20, 0, time.UTC), TimeQ: parsers.TimeNoDate,
					Text: "Setup failed while upgrading the Exchange Virtual Server EXVS1 with error code 0xC1037B44"},
			},
			Remedy: "Upgrade EXVS1 from a node that already runs SP2. See KB 328839.",
			Values: map[string]string{"server": "EXVS1"}},
		{Rule: "hotfix-file-in-use", Title: "Hotfix or service pack could not replace files that were in use", Severity: detectors.Error,
			KB: []string{"328839"}, Host: "EXCLNODE1", Bundle: b, Count: 4,
			Evidence: []detectors.Evidence{
				{Path: kb, Line: 7, TimeQ: parsers.TimeElapsed, Text: "FileInUse:: Added to Filelist: c:\\program files\\exchsrvr\\bin\\store.exe"},
				{Path: kb, Line: 8, TimeQ: parsers.TimeElapsed, Text: "FileInUse:: Added to Filelist: c:\\program files\\exchsrvr\\bin\\mad.exe"},
				{Path: kb, Line: 13, Time: utc(23, 5, 12), TimeQ: parsers.TimeNoZone, Text: "KB912442 installation did not complete."},
			},
			Remedy: "2 file(s) were locked while the update ran on EXCLNODE1 (extended error 0xf201). Stop the Exchange services and run the update again. See KB 328839.",
			Values: map[string]string{"files": "c:\\program files\\exchsrvr\\bin\\store.exe, c:\\program files\\exchsrvr\\bin\\mad.exe", "package": "KB912442", "count": "2"}},
		{Rule: "services-stopped-during-update", Title: "Exchange services were stopped and restarted during the update", Severity: detectors.Warning,
			KB: []string{"328839"}, Host: "EXCLNODE2", Bundle: b, Count: 5,
			Evidence: []detectors.Evidence{
				{Path: sys2, Record: 1200, Time: utc(22, 30, 0), Text: "Service Control Manager 7036 (information): The Microsoft Exchange Information Store service entered the stopped state."},
				{Path: sys2, Record: 1201, Time: utc(22, 30, 5), Text: "Service Control Manager 7036 (information): The Microsoft Exchange System Attendant service entered the stopped state."},
			},
			Remedy: "Nothing to do if the services were stopped on purpose.",
		},
		{Rule: "av-scanner-running", Title: "A file-level antivirus scanner was running during the update", Severity: detectors.Warning,
			KB: []string{"328839", "823166"}, Host: "EXFE01", Bundle: b, Count: 1,
			Evidence: []detectors.Evidence{{Path: fe, Record: 88, Time: utc(21, 58, 0), Text: "McLogEvent 257 (warning): The scan engine found no threats in C:\\Program Files\\Exchsrvr"}},
			Remedy:   "Exclude the Exchange folders from file-level scanning, or stop the scanner while the update runs. See KB 823166.",
		},
		{Rule: "setup-run-seen", Title: "An Exchange setup run was found", Severity: detectors.Info,
			KB: []string{"328839"}, Host: "EXCLNODE2", Bundle: b, Count: 1,
			Evidence: []detectors.Evidence{{Path: prog, Line: 1, TimeQ: parsers.TimeNone, Text: "[Setup started by CONTOSO\\admin]"}},
			Remedy:   "For information only.",
		},
	}
	r.Timeline = []TimelineEvent{
		{Host: "EXCLNODE1", Label: "Exchange Server 2003 SP2 setup run",
			Start: detectors.Evidence{Path: app1, Record: 180, Time: utc(22, 12, 40), Text: "MsiInstaller 1040 (information): Beginning a Windows Installer transaction"},
			End:   &detectors.Evidence{Path: app1, Record: 207, Time: utc(22, 36, 2), Text: "MsiInstaller 1042 (information): Ending a Windows Installer transaction"}},
		{Host: "EXCLNODE2", Label: "Information Store service stopped",
			Start: detectors.Evidence{Path: sys2, Record: 1199, Time: utc(22, 29, 58), Text: "Service Control Manager 7036 (information)"}},
		{Host: "EXCLNODE2", Label: "Upgrade Exchange Virtual Server (setup run)",
			Start: detectors.Evidence{Path: prog, Line: 2, Time: time.Date(2024, 5, 6, 22, 43, 50, 0, time.UTC), TimeQ: parsers.TimeNoDate},
			End:   &detectors.Evidence{Path: prog, Line: 24, Time: time.Date(2024, 5, 6, 22, 44, 31, 0, time.UTC), TimeQ: parsers.TimeNoDate}},
	}
	return r
}

// hostileReport carries every kind of dangerous text a log can hold:
// markup, quotes, terminal escapes, invalid UTF-8, bidirectional overrides
// and spreadsheet formulas, in every field that comes from a log.
func hostileReport() *Report {
	const script = `<script>alert("x")</script>`
	ansi := "\x1b[31mRED\x1b[0m\x1b]0;owned\x07"
	bad := "caf\xe9 \xff\xfe"
	r := &Report{
		Tool: "extriage", Version: "v1" + script, Lang: detectors.English,
		Inputs: []scan.InputInfo{{Path: `case/<img src=x onerror=alert(1)>.log` + ansi, Bundle: `b"` + script, Host: "H" + ansi,
			Format: parsers.FormatSetupLog, SHA256: "=cmd|' /C calc'!A0", Bytes: 1, Records: 1,
			Warnings: []string{script + ansi + bad}}},
		Hosts: []detectors.Host{{Name: "H" + ansi, Product: script, Build: "=1+1", Level: "@SUM(A1)", Role: "-2+3", Cluster: "+x"}},
		Findings: []detectors.Finding{{
			Rule: "x-rule" + script, Title: "=HYPERLINK(\"http://evil\",\"click\")" + script, Severity: detectors.Error,
			KB: []string{"328839", `"><script>`}, Host: "H" + ansi, Bundle: `b"` + script, Count: 3,
			Evidence: []detectors.Evidence{
				{Path: `case/<img src=x onerror=alert(1)>.log` + ansi, Line: 3, Time: utc(1, 2, 3),
					Text: "@SUM(1+1) " + script + " 'single' \"double\" | pipe\nsecond line " + ansi + bad + " \u202eevil"},
				{Path: "case/e.evtx", Record: 7, Time: utc(1, 2, 4), TimeQ: parsers.TimeNoZone, Text: "+cmd " + ansi},
				{Path: "case/f.log", Line: 9, TimeQ: parsers.TimeElapsed, Text: "\t-tab " + script},
			},
			Remedy: "-Run " + script + " | `code` *bold* [link](javascript:alert(1)) " + ansi + bad,
			Values: map[string]string{"v" + script: script + ansi, "w": bad},
		}},
		Warnings: []string{script + ansi + bad, "=2+5"},
	}
	return r
}

// render writes r in format name and fails the test on an error.
func render(t *testing.T, name string, r *Report) []byte {
	t.Helper()
	w, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := w.Write(&buf, r); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return buf.Bytes()
}
