package msilog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/internal/testkit"

	"github.com/extriage/extriage/parsers/wintime"

	"github.com/extriage/extriage/parsers"
)

func input(name string, b []byte) parsers.Input {
	return parsers.Input{Path: name, R: bytes.NewReader(b), Size: int64(len(b))}
}

func parse(t testing.TB, in parsers.Input) ([]*parsers.Record, []parsers.Warning, error) {
	t.Helper()
	r := testkit.ParseInput(Parser{}, in)
	return r.Recs, r.Warns, r.Err
}

// want is the expected content of one record.
type want struct {
	line   int
	time   string // "2006-01-02 15:04:05.000"; "" for no time
	level  parsers.Level
	msg    string
	fields map[string]string
}

const stamp = "2006-01-02 15:04:05.000"

func checkRecords(t *testing.T, path string, got []*parsers.Record, wants []want, q parsers.TimeQuality) {
	t.Helper()
	if len(got) != len(wants) {
		for _, r := range got {
			t.Logf("got %d %q", r.Line, r.Message)
		}
		t.Fatalf("%d records, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		r := got[i]
		if r.Path != path || r.Format != parsers.FormatMSILog || r.Offset != -1 {
			t.Errorf("record %d: path %q format %q offset %d", i, r.Path, r.Format, r.Offset)
		}
		if r.Line != w.line {
			t.Errorf("record %d: line %d, want %d", i, r.Line, w.line)
		}
		if w.time == "" {
			if !r.Time.IsZero() || r.TimeQ != parsers.TimeNone {
				t.Errorf("line %d: time %v %q, want none", r.Line, r.Time, r.TimeQ)
			}
		} else {
			wt, err := time.Parse(stamp, w.time)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Time.Equal(wt) || r.TimeQ != q {
				t.Errorf("line %d: time %s %q, want %s %q", r.Line, r.Time.Format(stamp), r.TimeQ, w.time, q)
			}
		}
		if r.Level != w.level {
			t.Errorf("line %d: level %q, want %q", r.Line, r.Level, w.level)
		}
		if r.Message != w.msg {
			t.Errorf("line %d: message\n%q\nwant\n%q", r.Line, r.Message, w.msg)
		}
		if !reflect.DeepEqual(r.Fields, w.fields) {
			t.Errorf("line %d: fields\n%v\nwant\n%v", r.Line, r.Fields, w.fields)
		}
	}
}

// pf builds the fields of a prefixed line plus extra pairs.
func pf(side, pid, tid string, kv ...string) map[string]string {
	m := map[string]string{"side": side, "pid": pid, "tid": tid}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func kv(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

const (
	storeWorker = `C:\Program Files\Microsoft\Exchange Server\V15\Bin\Microsoft.Exchange.Store.Worker.exe`
	cachedMSP   = `C:\Windows\Installer\33502bc.msp`
	exchange    = "Microsoft Exchange Server"
	plProduct   = "Usługi Exchange — wersja próbna"
)

var wantFailEN = []want{
	{1, "2015-12-03 23:59:50.000", "", `=== Verbose logging started: 12/3/2015  23:59:50  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\Windows\system32\msiexec.exe ===`,
		kv("build_type", "SHIP UNICODE 5.00.10011.00", "calling_process", `C:\Windows\system32\msiexec.exe`)},
	{2, "2015-12-03 23:59:50.121", "", "Resetting cached policy values", pf("c", "3C", "50")},
	{3, "2015-12-03 23:59:50.121", "", "Machine policy value 'Debug' is 0", pf("c", "3C", "50")},
	{4, "2015-12-03 23:59:51.002", "", "Doing action: INSTALL", pf("c", "3C", "50", "action", "INSTALL")},
	{5, "2015-12-03 23:59:51.000", "", "Action start 23:59:51: INSTALL.", kv("action", "INSTALL")},
	{6, "2015-12-03 23:59:58.500", "", `Note: 1: 2203 2: ` + cachedMSP + ` 3: -2147287038`,
		pf("s", "54", "94", "error", "2203", "installer_cache_missing", cachedMSP)},
	{7, "2015-12-03 23:59:58.510", "", `Couldn't find local patch '` + cachedMSP + `'. Looking for it at its source.`,
		pf("s", "54", "94", "installer_cache_missing", cachedMSP)},
	{8, "2015-12-03 23:59:59.990", "", "Note: 1: 2205 2:  3: Error", pf("s", "54", "94", "error", "2205")},
	{9, "", "", "Info 1603. The file " + storeWorker + " is being held in use\nby the following process: Name: Microsoft.Exchange.Store.Worker, Id: 4242, Window Title: '(not determined yet)'.",
		kv("info", "1603", "file_in_use", storeWorker, "process", "Microsoft.Exchange.Store.Worker", "process_id", "4242", "window_title", "(not determined yet)")},
	{11, "2015-12-04 00:00:02.010", "", "RESTART MANAGER: Detected that application with id 5120, friendly name 'MSExchangeIS', of type 3 and status 1 holds file[s] in use.",
		pf("s", "54", "94", "process", "MSExchangeIS", "process_id", "5120")},
	{12, "", "", `Info 1903.Scheduling reboot operation: Deleting file C:\Config.Msi\5e2a1.rbf. Must` + "\nreboot to complete operation.",
		kv("info", "1903", "reboot", "scheduled")},
	{14, "2015-12-04 00:00:03.000", "", "Doing action: InstallExecute", pf("s", "54", "94", "action", "InstallExecute")},
	{15, "2015-12-04 00:00:03.000", "", "Action start 0:00:03: InstallExecute.", kv("action", "InstallExecute")},
	{16, "2015-12-04 00:00:05.738", parsers.LevelError, "Product: Microsoft Exchange Server -- Error 1603. There is a problem with this Windows Installer package.",
		pf("s", "54", "70", "custom_action_thread", "true", "product", exchange, "error", "1603")},
	{17, "", "", "DEBUG: Error 2826:  Control Line1 on dialog SetupDialog extends beyond the boundaries of the dialog.", kv("error", "2826")},
	{18, "", "", "06/22/10 00:00:05 DDSet_Exit: InstallAssembly ended with return value 1603", nil},
	{19, "2015-12-04 00:00:06.001", parsers.LevelError, "CustomAction CA_StopServices returned actual error code 1603 (note this may not be 100% accurate if translation happened inside sandbox)",
		pf("s", "54", "94", "action", "CA_StopServices", "error", "1603")},
	{20, "2015-12-04 00:00:06.000", parsers.LevelError, "Action ended 0:00:06: InstallExecute. Return value 3.", kv("action", "InstallExecute", "return_value", "3")},
	{21, "2015-12-04 00:00:06.758", "", "User policy value 'DisableRollback' is 0", pf("s", "54", "94")},
	{22, "", "", "Property(S): ReplacedInUseFiles = 1", kv("property", "ReplacedInUseFiles", "value", "1")},
	{23, "", "", "Property(S): ProductName = Microsoft Exchange Server", kv("property", "ProductName", "value", exchange, "product", exchange)},
	{24, "2015-12-04 00:00:07.100", "", "Windows Installer requires a system restart.\nProduct Name: Microsoft Exchange Server. Type of System Restart: 1. Reason for Restart: 1.",
		pf("s", "54", "94", "reboot", "required")},
	{26, "2015-12-04 00:00:07.300", parsers.LevelError, "Product: Microsoft Exchange Server -- Installation operation failed.", pf("s", "54", "94", "product", exchange)},
	{27, "2015-12-04 00:00:07.310", parsers.LevelError, "Windows Installer reconfigured the product. Product Name: Microsoft Exchange Server. Product Version: 15.1.2507.6. Product Language: 1033. Manufacturer: Microsoft Corporation. Reconfiguration success or error status: 1603.",
		pf("s", "54", "94", "product", exchange, "product_version", "15.1.2507.6", "status", "1603", "error", "1603")},
	{28, "2015-12-04 00:00:08.000", parsers.LevelError, "Action ended 0:00:08: INSTALL. Return value 3.", kv("action", "INSTALL", "return_value", "3")},
	{29, "2015-12-04 00:00:08.500", parsers.LevelError, "MainEngineThread is returning 1603", pf("c", "3C", "50", "return_code", "1603", "error", "1603")},
	{30, "2015-12-04 00:00:08.000", "", "=== Verbose logging stopped: 12/4/2015  0:00:08 ===", nil},
}

var wantFailPL = []want{
	{1, "2018-05-23 14:10:00.000", "", `=== Verbose logging started: 23.05.2018  14:10:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\Instalacja\Exchange\Setup.exe ===`,
		kv("build_type", "SHIP UNICODE 5.00.10011.00", "calling_process", `C:\Instalacja\Exchange\Setup.exe`)},
	{2, "2018-05-23 14:10:01.100", "", "Doing action: InstallFiles", pf("s", "1C", "28", "action", "InstallFiles")},
	{3, "2018-05-23 14:10:01.000", "", "Action start 14:10:01: InstallFiles.", kv("action", "InstallFiles")},
	{4, "", "", "Property(S): ProductName = " + plProduct, kv("property", "ProductName", "value", plProduct, "product", plProduct)},
	{5, "2018-05-23 14:10:02.200", parsers.LevelError, "Produkt: " + plProduct + " -- Błąd 1603. Wystąpił błąd krytyczny podczas instalacji.",
		pf("s", "1C", "28", "product", plProduct, "error", "1603")},
	{6, "2018-05-23 14:10:02.000", parsers.LevelError, "Action ended 14:10:02: InstallFiles. Return value 3.", kv("action", "InstallFiles", "return_value", "3")},
	{7, "2018-05-23 14:10:03.000", parsers.LevelError, "MainEngineThread is returning 1603", pf("c", "2A", "3B", "return_code", "1603", "error", "1603")},
	{8, "2018-05-23 14:10:03.000", "", "=== Verbose logging stopped: 23.05.2018  14:10:03 ===", nil},
}

var wantOK = []want{
	{1, "2021-03-08 09:05:00.000", "", `=== Verbose logging started: 08-03-2021  9:05:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\Windows\system32\msiexec.exe ===`,
		kv("build_type", "SHIP UNICODE 5.00.10011.00", "calling_process", `C:\Windows\system32\msiexec.exe`)},
	{2, "2021-03-08 09:05:00.100", "", "Resetting cached policy values", pf("c", "10", "14")},
	{3, "2021-03-08 09:05:01.000", "", "Action start 9:05:01: INSTALL.", kv("action", "INSTALL")},
	{4, "", "", `SFXCA: Extracting custom action to temporary directory: C:\Windows\Installer\MSI1234.tmp-\`, nil},
	{5, "2021-03-08 09:05:09.000", "", "Action ended 9:05:09: INSTALL. Return value 1.", kv("action", "INSTALL", "return_value", "1")},
	{6, "2021-03-08 09:05:09.900", "", "Windows Installer installed the product. Product Name: Sample Tool. Product Version: 1.2.3. Product Language: 1033. Manufacturer: Contoso. Installation success or error status: 0.",
		pf("s", "20", "24", "product", "Sample Tool", "product_version", "1.2.3", "status", "0")},
	{7, "2021-03-08 09:05:10.000", "", "MainEngineThread is returning 0", pf("c", "10", "14", "return_code", "0")},
	{8, "2021-03-08 09:05:10.000", "", "=== Verbose logging stopped: 08-03-2021  9:05:10 ===", nil},
}

func TestParseTestdata(t *testing.T) {
	tests := []struct {
		file  string
		enc   string // what the fixture must be, so that the test covers it
		wants []want
		warn  string // the one warning expected, "" for none
	}{
		// 12/3/2015 and 12/4/2015 may be either order: the order is assumed,
		// and said so
		{"install-fail-en.log", "utf16-bom-crlf", wantFailEN, `testdata/install-fail-en.log:1: date order is ambiguous: "12/3/2015" may be day or month first`},
		{"install-fail-pl.log", "cp1250-crlf", wantFailPL, ""},
		{"install-ok-nobom.log", "utf16-nobom-lf", wantOK, `testdata/install-ok-nobom.log:1: date order is ambiguous: "08-03-2021" may be day or month first`},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var ok bool
			switch tc.enc {
			case "utf16-bom-crlf":
				ok = bytes.HasPrefix(b, []byte{0xFF, 0xFE}) && bytes.Contains(b, []byte("\r\x00\n\x00"))
			case "cp1250-crlf":
				ok = bytes.Contains(b, []byte{0xB3}) && bytes.Contains(b, []byte("\r\n")) && !bytes.Contains(b, []byte{0})
			case "utf16-nobom-lf":
				ok = !bytes.HasPrefix(b, []byte{0xFF, 0xFE}) && b[1] == 0 && !bytes.Contains(b, []byte("\r\x00"))
			}
			if !ok {
				t.Fatalf("fixture is not %s", tc.enc)
			}
			if s := (Parser{}).Sniff(b); s < 90 {
				t.Errorf("Sniff = %d", s)
			}
			if p := parsers.Detect(b); p == nil || p.Format() != parsers.FormatMSILog {
				t.Errorf("Detect does not choose msilog")
			}
			recs, warns, err := parse(t, input(path, b))
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range warns {
				if i > 0 || tc.warn == "" || !strings.HasPrefix(w.String(), tc.warn) {
					t.Errorf("unexpected warning %s", w)
				}
			}
			if tc.warn != "" && len(warns) == 0 {
				t.Errorf("no warning, want %q", tc.warn)
			}
			checkRecords(t, path, recs, tc.wants, parsers.TimeNoZone)
		})
	}
}

func lines(recs []*parsers.Record) []int {
	var out []int
	for _, r := range recs {
		out = append(out, r.Line)
	}
	return out
}

func TestSummary(t *testing.T) {
	tests := []struct {
		file       string
		product    string
		version    string
		caller     string
		started    time.Time
		exit       int
		failed     bool
		reboot     bool
		first      int // line of FirstFailure, 0 for none
		context    []int
		errors     []int
		inUse      []FileInUse
		missing    []CacheMiss
		stoppedLog bool
	}{
		{
			file: "install-fail-en.log", product: exchange, version: "15.1.2507.6", caller: `C:\Windows\system32\msiexec.exe`,
			started: time.Date(2015, 12, 3, 23, 59, 50, 0, time.UTC), exit: 1603, failed: true, reboot: true,
			first:   20,
			context: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 15, 16, 17, 18, 19},
			errors:  []int{16, 19, 20, 26, 27, 28, 29},
			inUse: []FileInUse{
				{Path: storeWorker, Process: "Microsoft.Exchange.Store.Worker", ProcessID: "4242", Line: 9},
				{Process: "MSExchangeIS", ProcessID: "5120", Line: 11},
			},
			missing:    []CacheMiss{{Path: cachedMSP, Line: 6}},
			stoppedLog: true,
		},
		{
			file: "install-fail-pl.log", product: plProduct, caller: `C:\Instalacja\Exchange\Setup.exe`,
			started: time.Date(2018, 5, 23, 14, 10, 0, 0, time.UTC), exit: 1603, failed: true,
			first: 6, context: []int{1, 2, 3, 4, 5}, errors: []int{5, 6, 7}, stoppedLog: true,
		},
		{
			file: "install-ok-nobom.log", product: "Sample Tool", version: "1.2.3", caller: `C:\Windows\system32\msiexec.exe`,
			started: time.Date(2021, 3, 8, 9, 5, 0, 0, time.UTC), exit: 0, stoppedLog: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			s, err := Summarize(context.Background(), input(tc.file, b), func(w parsers.Warning) {
				if !strings.Contains(w.Msg, "date order is ambiguous") {
					t.Errorf("warning %s", w)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if s.Product != tc.product || s.ProductVersion != tc.version || s.CallingProcess != tc.caller || !s.Started.Equal(tc.started) {
				t.Errorf("product %q %q caller %q started %v", s.Product, s.ProductVersion, s.CallingProcess, s.Started)
			}
			if s.ExitCode != tc.exit || s.Failed != tc.failed || s.RebootRequired != tc.reboot || s.Stopped != tc.stoppedLog {
				t.Errorf("exit %d failed %v reboot %v stopped %v", s.ExitCode, s.Failed, s.RebootRequired, s.Stopped)
			}
			switch {
			case tc.first == 0 && s.FirstFailure != nil:
				t.Errorf("first failure at %d, want none", s.FirstFailure.Line)
			case tc.first != 0 && (s.FirstFailure == nil || s.FirstFailure.Line != tc.first):
				t.Errorf("first failure %v, want line %d", s.FirstFailure, tc.first)
			}
			if got := lines(s.Context); !reflect.DeepEqual(got, tc.context) {
				t.Errorf("context lines %v, want %v", got, tc.context)
			}
			if got := lines(s.Errors); !reflect.DeepEqual(got, tc.errors) {
				t.Errorf("error lines %v, want %v", got, tc.errors)
			}
			if !reflect.DeepEqual(s.FilesInUse, tc.inUse) {
				t.Errorf("files in use %+v, want %+v", s.FilesInUse, tc.inUse)
			}
			if !reflect.DeepEqual(s.CacheMissing, tc.missing) {
				t.Errorf("cache missing %+v, want %+v", s.CacheMissing, tc.missing)
			}
		})
	}
}

func TestSummaryContextIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("=== Verbose logging started: 1/2/2020  10:00:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: x.exe ===\n")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&b, "MSI (s) (1:2) [10:00:%02d:000]: line %d\n", i, i)
	}
	b.WriteString("Action ended 10:01:00: X. Return value 3.\n")
	for i := 0; i < 10; i++ {
		b.WriteString("Action ended 10:01:01: Y. Return value 3.\n")
	}
	s, err := Summarize(context.Background(), input("ctx.log", []byte(b.String())), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.FirstFailure == nil || s.FirstFailure.Line != 52 {
		t.Fatalf("first failure %v, want line 52", s.FirstFailure)
	}
	got := lines(s.Context)
	if len(got) != ContextLines || got[0] != 32 || got[len(got)-1] != 51 {
		t.Errorf("context lines %v, want 32..51", got)
	}
	if len(s.Errors) != 11 || !s.Failed || s.ExitCode != -1 || s.Stopped {
		t.Errorf("errors %d failed %v exit %d stopped %v", len(s.Errors), s.Failed, s.ExitCode, s.Stopped)
	}
}

func TestParseInline(t *testing.T) {
	mod := time.Date(2020, 6, 1, 18, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		in      string
		modTime time.Time
		q       parsers.TimeQuality
		wants   []want
		warns   []string
	}{
		{
			// the file was written at 18:00 on 1 June, after its last line
			name:    "no header: the last line falls on the file time's date",
			in:      "MSI (c) (AB:CD) [23:59:59:999]: a\nMSI (c) (AB:CD) [00:00:00:001]: b\n",
			modTime: mod, q: parsers.TimeNoDate,
			wants: []want{
				{1, "2020-05-31 23:59:59.999", "", "a", pf("c", "AB", "CD")},
				{2, "2020-06-01 00:00:00.001", "", "b", pf("c", "AB", "CD")},
			},
		},
		{
			name: "Windows Installer 2.0: no clock, a space before the colon",
			in:   "MSI (c) (29:28) : Resetting cached policy values\nMSI (s) (A0:EC): Original package ==> D:\\TEMP\\Default.msi\n",
			wants: []want{
				{1, "", "", "Resetting cached policy values", pf("c", "29", "28")},
				{2, "", "", `Original package ==> D:\TEMP\Default.msi`, pf("s", "A0", "EC")},
			},
		},
		{
			name: "no header, no file time: no date",
			in:   "MSI (s) (AB:CD) [10:11:12:013]: a\n",
			wants: []want{
				{1, "", "", "a", pf("s", "AB", "CD", "time_of_day", "10:11:12.013")},
			},
		},
		{
			name: "small steps back do not pass midnight; old prefix without a time",
			in: "=== Verbose logging started: 2020-01-02  10:00:05  Build type: SHIP UNICODE 3.01.4000.1823  Calling process: x ===\n" +
				"MSI (s) (1:2) [10:00:04:900]: behind the header\nMSI (s) (D0:F0): File: E:\\a.dll;  Overwrite;\nREINSTALLMODE specifies all files to be overwritten\n",
			q: parsers.TimeNoZone,
			wants: []want{
				{1, "2020-01-02 10:00:05.000", "", "=== Verbose logging started: 2020-01-02  10:00:05  Build type: SHIP UNICODE 3.01.4000.1823  Calling process: x ===",
					kv("build_type", "SHIP UNICODE 3.01.4000.1823", "calling_process", "x")},
				{2, "2020-01-02 10:00:04.900", "", "behind the header", pf("s", "1", "2")},
				{3, "", "", `File: E:\a.dll;  Overwrite;`, pf("s", "D0", "F0")},
				{4, "", "", "REINSTALLMODE specifies all files to be overwritten", nil},
			},
		},
		{
			name: "a second session restarts the date; an error line and a localised action line",
			in: "=== Logging started: 11/16/2006  8:00:00 PM ===\nError 1935. An error occurred during the installation of assembly 'X'.\n" +
				"=== Verbose logging started: 23.05.2018  14:10:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: y ===\n" +
				"Aktion beendet um 14:10:07: InstallFinalize. Rückgabewert 3.\n",
			q: parsers.TimeNoZone,
			wants: []want{
				{1, "2006-11-16 20:00:00.000", "", "=== Logging started: 11/16/2006  8:00:00 PM ===", nil},
				{2, "", parsers.LevelError, "Error 1935. An error occurred during the installation of assembly 'X'.", kv("error", "1935")},
				{3, "2018-05-23 14:10:00.000", "", "=== Verbose logging started: 23.05.2018  14:10:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: y ===",
					kv("build_type", "SHIP UNICODE 5.00.10011.00", "calling_process", "y")},
				{4, "2018-05-23 14:10:07.000", parsers.LevelError, "Aktion beendet um 14:10:07: InstallFinalize. Rückgabewert 3.", kv("action", "InstallFinalize", "return_value", "3")},
			},
		},
		{
			name: "bad header date and impossible time are reported",
			in:   "=== Verbose logging started: 99/99/2015  13:14:36  Build type: SHIP UNICODE 5.00.10011.00  Calling process: z ===\nMSI (c) (1:2) [25:00:00:000]: late\nMainEngineThread is returning 3010\n",
			wants: []want{
				{1, "", "", "=== Verbose logging started: 99/99/2015  13:14:36  Build type: SHIP UNICODE 5.00.10011.00  Calling process: z ===",
					kv("build_type", "SHIP UNICODE 5.00.10011.00", "calling_process", "z")},
				{2, "", "", "late", pf("c", "1", "2")},
				{3, "", "", "MainEngineThread is returning 3010", kv("return_code", "3010", "error", "3010")},
			},
			warns: []string{`in.log:1: unreadable date or time "99/99/2015" "13:14:36"`, "in.log:2: impossible time of day 25:00:00"},
		},
		{
			name: "lower-case lines join only after Info/Error messages, and at most eight",
			in: "MSI (s) (1:2): start\nlower case alone\nInfo 1603. The file C:\\x is being held in use\nby the following process: Name: a, Id: 1.\n" +
				strings.Repeat("more\n", 8),
			wants: []want{
				{1, "", "", "start", pf("s", "1", "2")},
				{2, "", "", "lower case alone", nil},
				{3, "", "", "Info 1603. The file C:\\x is being held in use\nby the following process: Name: a, Id: 1." + strings.Repeat("\nmore", 7),
					kv("info", "1603", "file_in_use", `C:\x`, "process", "a", "process_id", "1")},
				{12, "", "", "more", nil},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := input("in.log", []byte(tc.in))
			in.ModTime = tc.modTime
			recs, warns, err := parse(t, in)
			if err != nil {
				t.Fatal(err)
			}
			if len(warns) != len(tc.warns) {
				t.Errorf("warnings %v, want %q", warns, tc.warns)
			} else {
				for i, w := range warns {
					if !strings.Contains(w.String(), tc.warns[i]) {
						t.Errorf("warning %q, want %q", w, tc.warns[i])
					}
				}
			}
			checkRecords(t, "in.log", recs, tc.wants, tc.q)
		})
	}
}

func TestLongLineIsReported(t *testing.T) {
	in := "MSI (s) (1:2) [10:00:00:000]: " + strings.Repeat("y", 1<<20+100) + "\nMSI (s) (1:2) [10:00:01:000]: next\n"
	recs, warns, err := parse(t, input("long.log", []byte(in)))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1].Message != "next" {
		t.Fatalf("%d records", len(recs))
	}
	if len(warns) != 1 || warns[0].Line != 1 || !strings.Contains(warns[0].Msg, "cut") || warns[0].Path != "long.log" {
		t.Errorf("warnings %v", warns)
	}
}

func TestNotMSILog(t *testing.T) {
	for _, in := range []string{"", "hello\nworld\n", "Date\tTime\tSource\tType\n"} {
		recs, _, err := parse(t, input("x.log", []byte(in)))
		if err == nil || !strings.Contains(err.Error(), "x.log: msilog: not a Windows Installer log") || len(recs) != 0 {
			t.Errorf("%q: err %v, %d records", in, err, len(recs))
		}
	}
	if err := (Parser{}).Parse(context.Background(), parsers.Input{Path: "nil"}, parsers.Sink{}); err == nil {
		t.Error("nil reader: no error")
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		in           string
		atLeast, max int
	}{
		{"=== Verbose logging started: 12/3/2015  13:14:36  Build type: SHIP UNICODE 5.00.10011.00  Calling process: x ===\n", 95, 95},
		{"MSI (c) (3C:50) [13:14:36:121]: a\nMSI (c) (3C:50) [13:14:36:121]: b\n", 80, 80},
		{"junk\nMSI (s) (54!70) [11:57:26:738]: a\n", 60, 60},
		{"Event Type: Error\nEvent Source: MsiInstaller\n", 0, 0},
		{"0.031: ================================================================================\n", 0, 0},
	}
	for _, tc := range tests {
		if s := (Parser{}).Sniff([]byte(tc.in)); s < tc.atLeast || s > tc.max {
			t.Errorf("Sniff(%q) = %d, want %d..%d", tc.in, s, tc.atLeast, tc.max)
		}
	}
}

func TestDates(t *testing.T) {
	tests := []struct {
		in      string
		y, m, d int
		ok      bool
	}{
		{"12/3/2015", 2015, 12, 3, true},
		{"11/16/2006", 2006, 11, 16, true},
		{"08-03-2021", 2021, 3, 8, true},
		{"12-31-2021", 2021, 12, 31, true},
		{"23.05.2018", 2018, 5, 23, true},
		{"2018-05-23", 2018, 5, 23, true},
		{"06/22/10", 2010, 6, 22, true},
		{"31/02/2020", 0, 0, 0, false},
		{"1.2", 0, 0, 0, false},
		{"a/b/c", 0, 0, 0, false},
	}
	for _, tc := range tests {
		y, m, d, ok := wintime.Date(tc.in)
		if ok != tc.ok || y != tc.y || m != tc.m || d != tc.d {
			t.Errorf("Date(%q) = %d-%d-%d %v", tc.in, y, m, d, ok)
		}
	}
	clocks := map[string]time.Duration{
		"13:14:36":   13*time.Hour + 14*time.Minute + 36*time.Second,
		"0:00:08":    8 * time.Second,
		"8:00:00 PM": 20 * time.Hour, "12:00:01 AM": time.Second,
	}
	for in, want := range clocks {
		if got, ok := parseClock(in); !ok || got != want {
			t.Errorf("parseClock(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"24:00:00", "13:00:00 PM", "1:2", "x:y:z"} {
		if _, ok := parseClock(in); ok {
			t.Errorf("parseClock(%q) ok", in)
		}
	}
}

func TestStopAndCancel(t *testing.T) {
	b, err := os.ReadFile("testdata/install-fail-en.log")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = Parser{}.Parse(context.Background(), input("p", b), parsers.Sink{Record: func(*parsers.Record) bool { n++; return n < 3 }})
	if err != nil || n != 3 {
		t.Errorf("stop at the third record: err %v, %d records", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (Parser{}).Parse(ctx, input("p", b), parsers.Sink{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

func TestRegistered(t *testing.T) {
	if parsers.Lookup(parsers.FormatMSILog) == nil {
		t.Fatal("msilog is not registered")
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.log")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("MSI (s) (1:2) [23:59:59:999]: x\nInfo 1603. a\nb\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		Parser{}.Sniff(b)
		z := NewSummarizer()
		last := 0
		_ = Parser{}.Parse(context.Background(), input("f", b), parsers.Sink{
			Record: func(r *parsers.Record) bool {
				if r.Line <= last || r.Format != parsers.FormatMSILog || r.Path != "f" {
					t.Fatalf("record line %d after %d, format %q", r.Line, last, r.Format)
				}
				last = r.Line
				z.Add(r)
				return true
			},
			Warn: func(w parsers.Warning) {
				if w.Path != "f" || w.Line <= 0 {
					t.Fatalf("warning without place: %+v", w)
				}
			},
		})
		s := z.Summary()
		if len(s.Context) > ContextLines || len(s.Errors) > MaxErrors {
			t.Fatalf("summary too big: %d context, %d errors", len(s.Context), len(s.Errors))
		}
	})
}

func BenchmarkParse(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("=== Verbose logging started: 12/3/2015  13:14:36  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\x\\Setup.exe ===\r\n")
	for i := 0; i < 20000; i++ {
		s := i % 86400000 / 1000
		fmt.Fprintf(&buf, "MSI (s) (54:94) [%02d:%02d:%02d:%03d]: Executing op: FileCopy(SourceName=a%d.dll,DestName=a%d.dll,Attributes=512,FileSize=1024)\r\n", s/3600%24, s/60%60, s%60, i%1000, i, i)
		if i%10 == 0 {
			fmt.Fprintf(&buf, "Property(S): Prop%d = value %d\r\n", i, i)
		}
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		z := NewSummarizer()
		err := Parser{}.Parse(context.Background(), input("b", data), parsers.Sink{
			Record: func(r *parsers.Record) bool { z.Add(r); return true },
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
