package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// progressLog is an Exchange 2000/2003 setup progress log: its stamps are
// times of day only, and the run crosses midnight.
const progressLog = "[23:59:00] ********** Beginning Setup run **********\r\n" +
	"[23:59:01] Setup is running in maintenance mode\r\n" +
	"[00:30:00] Entering CAtomServices::ScStopAtomServices\r\n" +
	"[00:30:00] ********** End Setup run **********\r\n"

// lastEventTime runs `events` and returns the time of the last record.
func lastEventTime(t *testing.T, args ...string) string {
	t.Helper()
	out, errs, code := extriage(t, append([]string{"events"}, args...)...)
	if code != 0 {
		t.Fatalf("events %q: exit %d: %s", args, code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var e struct {
		Time        string `json:"time"`
		TimeQuality string `json:"time_quality"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &e); err != nil {
		t.Fatal(err)
	}
	if e.TimeQuality != "no-date" {
		t.Errorf("time_quality = %q, want no-date", e.TimeQuality)
	}
	return e.Time
}

// TestTimeOfDayLogDatedInTZ: a log that gives only times of day takes its
// date from the file's modification time in the --tz zone (UTC without
// --tz), never in the zone of the machine running extriage. The machine's
// zone is simulated by setting time.Local, which is what the process's TZ
// sets at start (t.Setenv("TZ") would come too late).
func TestTimeOfDayLogDatedInTZ(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "Exchange Server Setup Progress.log")
	if err := os.WriteFile(log, []byte(progressLog), 0o644); err != nil {
		t.Fatal(err)
	}
	// Written at 00:30:30 on 15 March in Warsaw, 23:30:30 on the 14th in UTC.
	mod := time.Date(2006, 3, 14, 23, 30, 30, 0, time.UTC)
	if err := os.Chtimes(log, mod, mod); err != nil {
		t.Fatal(err)
	}
	// The same log in a zip whose member has an extended timestamp (an
	// instant), as Windows' and Info-ZIP's zip write it.
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: "EXCH01/Exchange Server Setup Progress.log", Method: zip.Deflate, Modified: mod})
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(progressLog))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zipPath := filepath.Join(dir, "case.zip")
	if err := os.WriteFile(zipPath, zb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	saved := time.Local
	t.Cleanup(func() { time.Local = saved })
	for _, machine := range []*time.Location{time.UTC, time.FixedZone("UTC-10", -10*3600), time.FixedZone("UTC+14", 14*3600)} {
		time.Local = machine
		for _, in := range []string{log, zipPath} {
			if got, want := lastEventTime(t, "--tz", "Europe/Warsaw", in), "2006-03-14T23:30:00Z"; got != want {
				t.Errorf("machine zone %s, --tz Europe/Warsaw, %s: last line at %s, want %s", machine, filepath.Base(in), got, want)
			}
			if got, want := lastEventTime(t, in), "2006-03-14T00:30:00Z"; got != want {
				t.Errorf("machine zone %s, no --tz, %s: last line at %s, want %s (the UTC date of the file)", machine, filepath.Base(in), got, want)
			}
		}
	}
}

// TestTimeOfDayShownAsLogged: the formats for people show a time of day
// that a log wrote without a date on the log's own clock, naming the
// --tz zone, so that it can be found in the raw log; JSON keeps RFC 3339
// UTC. The log was last written at 00:10 on 15 March in Warsaw, so its
// last lines (23:59) are of the 14th.
func TestTimeOfDayShownAsLogged(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "EX01", "Exchange Server Setup Progress.log")
	if err := os.MkdirAll(filepath.Dir(log), 0o755); err != nil {
		t.Fatal(err)
	}
	body := "[23:58:00] ********** Beginning Setup run **********\r\n" +
		"[23:58:30] Entering ScPRIVATEBaseAtom\r\n" +
		"[23:59:00]     Error code 0XC1037B44 (31556): The version of Exchange on this computer is incompatible with the cluster\r\n" +
		"[23:59:01] Leaving ScPRIVATEBaseAtom\r\n"
	if err := os.WriteFile(log, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	mod := time.Date(2006, 3, 14, 23, 10, 0, 0, time.UTC)
	if err := os.Chtimes(log, mod, mod); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir) // a short path keeps the table from wrapping the evidence
	for _, tc := range []struct {
		args       []string
		table      bool // read the evidence column of the terminal table
		want, fail string
	}{
		{[]string{"scan", "--tz", "Europe/Warsaw", "EX01"}, true, "Progress.log:3 23:59:00 Europe/Warsaw (time of day only)", "22:59:00"},
		{[]string{"scan", "EX01"}, true, "Progress.log:3 23:59:00 (time of day only)", "Europe/Warsaw"},
		{[]string{"scan", "--lang", "pl", "--tz", "Europe/Warsaw", "EX01"}, true, "Progress.log:3 23:59:00 Europe/Warsaw (tylko godzina)", "22:59:00"},
		{[]string{"events", "--format", "table", "--tz", "Europe/Warsaw", "EX01"}, false, "Progress.log:3  23:59:00 Europe/Warsaw (time of day only)", "22:59:00"},
		{[]string{"scan", "--format", "markdown", "--tz", "Europe/Warsaw", "EX01"}, false, "23:59:00 Europe/Warsaw (time of day only, date unknown)", "22:59:00"},
		{[]string{"scan", "--format", "html", "--tz", "Europe/Warsaw", "EX01"}, false, "23:59:00 Europe/Warsaw (time of day only, date unknown)", "22:59:00"},
		{[]string{"scan", "--format", "json", "--tz", "Europe/Warsaw", "EX01"}, false, `"time": "2006-03-14T22:59:00Z"`, "23:59:00"},
	} {
		out, errs, code := extriage(t, tc.args...)
		if code > 1 {
			t.Fatalf("%q: exit %d: %s", tc.args, code, errs)
		}
		if tc.table {
			out = tableColumn(out, 4)
		}
		if !strings.Contains(out, tc.want) || strings.Contains(out, tc.fail) {
			t.Errorf("%q: want %q and no %q in:\n%s", tc.args, tc.want, tc.fail, out)
		}
	}
}

// tableColumn returns the text of column i (from 1) of a terminal table,
// its lines joined by spaces, as a reader would read a wrapped cell.
func tableColumn(out string, i int) string {
	var cells []string
	for _, ln := range strings.Split(out, "\n") {
		if parts := strings.Split(ln, "│"); len(parts) > i {
			if c := strings.TrimSpace(parts[i]); c != "" {
				cells = append(cells, c)
			}
		}
	}
	return strings.Join(cells, " ")
}
