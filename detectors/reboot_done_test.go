package detectors

import (
	"testing"
	"time"

	"github.com/extriage/extriage/internal/testkit"
	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/msilog"
	"github.com/extriage/extriage/parsers/setuplog"
)

// A successful update.exe run that asks for a restart at 2006-03-14
// 23:02:46.250 local time (no zone).
const rebootUpdateLog = "0.000: ====\r\n0.000: 2006/03/14 23:02:41.250 (local)\r\n" +
	"5.000: Update.exe returned exit code 3010\r\n" +
	"6.000: Update.exe extended error code = 0x0\r\n"

// A Windows Installer log that succeeded but ends with 3010 at 2021-03-08
// 09:05:10 local time.
const rebootMSILog = "=== Verbose logging started: 08-03-2021  9:05:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n" +
	"MSI (c) (10:14) [09:05:00:100]: Resetting cached policy values\r\n" +
	"Action start 9:05:01: INSTALL.\r\n" +
	"Info 1903.Scheduling reboot operation: Deleting file C:\\Exchsrvr\\bin\\x.dll. Must reboot to complete operation.\r\n" +
	"Action ended 9:05:09: INSTALL. Return value 1.\r\n" +
	"MSI (c) (10:14) [09:05:10:000]: MainEngineThread is returning 3010\r\n" +
	"=== Verbose logging stopped: 08-03-2021  9:05:10 ===\r\n"

func systemFile(host string, recs ...*parsers.Record) file {
	for _, r := range recs {
		r.Path = host + "/System.evtx"
	}
	return file{info: FileInfo{Path: host + "/System.evtx", Format: parsers.FormatEVTX, HostHint: host}, recs: recs}
}

// TestRebootRequestFromLogsDroppedAfterRestart: hotfix-reboot-required
// from an update.exe or Windows Installer log is no finding when the
// bundle shows the same host started again later (EventLog 6005, the
// uptime of 6013, an Exchange setup run that found no restart pending).
// The logs give local time without a zone and the event logs UTC, so a
// start counts only when it is later in every zone; a start of another
// host, or one before the request, leaves the finding.
func TestRebootRequestFromLogsDroppedAfterRestart(t *testing.T) {
	upd := updateLogFile(t, "EX1", "EX1/KB2.log", []byte(rebootUpdateLog))
	msiRes := testkit.ParseBytes(msilog.Parser{}, "EX1/rollup.log", []byte(rebootMSILog))
	if msiRes.Err != nil {
		t.Fatal(msiRes.Err)
	}
	msi := file{info: FileInfo{Path: "EX1/rollup.log", Format: parsers.FormatMSILog, HostHint: "EX1"}, recs: msiRes.Recs}
	updAt := time.Date(2006, 3, 14, 23, 2, 46, 250e6, time.UTC)
	msiAt := time.Date(2021, 3, 8, 9, 5, 10, 0, time.UTC)
	boot := func(host string, at time.Time) *parsers.Record {
		r := ev(host, "EventLog", 6005, at)
		r.Level = parsers.LevelInformation
		return r
	}
	uptime := func(host string, at time.Time, up string) *parsers.Record {
		r := ev(host, "EventLog", 6013, at, "", "", "", "", up, "60", "60 Central European Standard Time")
		r.Level = parsers.LevelInformation
		return r
	}
	setupNoPending := func(at time.Time) file {
		stamp := at.Format("01/02/2006 15:04:05") + ".0718] [1] "
		log := "[" + stamp + "Starting Microsoft Exchange Server 2016 Setup\r\n" +
			"[" + stamp + `Evaluated [Rule:RebootPending] [HasException:False] [Value:"False"] [ParentValue:"<NULL>"] [Thread:46] [Duration:00:00:00.0599990]` + "\r\n"
		res := testkit.ParseBytes(setuplog.Parser{}, "EX1/ExchangeSetup.log", []byte(log))
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		return file{info: FileInfo{Path: "EX1/ExchangeSetup.log", Format: parsers.FormatSetupLog, HostHint: "EX1"}, recs: res.Recs}
	}
	cases := []struct {
		name  string
		files []file
		want  int
	}{
		{"update.exe, no start", []file{upd}, 1},
		{"update.exe, 6005 a day later", []file{upd, systemFile("EX1", boot("EX1", updAt.Add(24*time.Hour)))}, 0},
		{"update.exe, 6005 an hour later (no zone: maybe before)", []file{upd, systemFile("EX1", boot("EX1", updAt.Add(time.Hour)))}, 1},
		{"update.exe, 6005 before", []file{upd, systemFile("EX1", boot("EX1", updAt.Add(-time.Hour)))}, 1},
		{"update.exe, another host restarted", []file{upd, systemFile("EX2", boot("EX2", updAt.Add(24*time.Hour)))}, 1},
		{"update.exe, 6013 uptime since after the request", []file{upd, systemFile("EX1", uptime("EX1", updAt.Add(48*time.Hour), "86400"))}, 0},
		{"update.exe, 6013 uptime since before the request", []file{upd, systemFile("EX1", uptime("EX1", updAt.Add(48*time.Hour), "259200"))}, 1},
		{"MSI log, no start", []file{msi}, 1},
		{"MSI log, 6005 a day later", []file{msi, systemFile("EX1", boot("EX1", msiAt.Add(24*time.Hour)))}, 0},
		{"MSI log, later setup found no restart pending", []file{msi, setupNoPending(msiAt.Add(20 * time.Hour))}, 0},
		{"MSI log, setup before found no restart pending", []file{msi, setupNoPending(msiAt.Add(-20 * time.Hour))}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs, _ := runBundle(t, tc.files...)
			if got := byRule(fs, "hotfix-reboot-required"); len(got) != tc.want {
				t.Errorf("%d findings, want %d: %+v", len(got), tc.want, got)
			}
		})
	}
}

// TestUptimeFromExport: an Event Viewer export keeps 6013's message, not
// its insertion strings; the uptime is read back from it.
func TestUptimeFromExport(t *testing.T) {
	r := &parsers.Record{Format: parsers.FormatEvExport, Provider: "EventLog", EventID: 6013, Message: "The system uptime is 31940 seconds."}
	if got := eventArgs(r); len(got) != 5 || got[4] != "31940" {
		t.Fatalf("args = %q", got)
	}
}
