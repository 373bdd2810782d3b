package scan

import (
	"path/filepath"
	"slices"
	"testing"
)

// The host a text log is attributed to, for the layouts collectors make.
func TestHostFromNames(t *testing.T) {
	log := []byte(failedLog)
	tests := []struct {
		name  string
		arg   string            // the argument scanned
		files map[string][]byte // below the test folder
		want  string
	}{
		{"folder per server", "case", map[string][]byte{"case/EXCH01/Setup/KB1.log": log}, "EXCH01"},
		{"innermost folder wins", "cases", map[string][]byte{"cases/contoso/EXCH01/KB1.log": log}, "EXCH01"},
		{"log folders are not hosts", "case", map[string][]byte{"case/EXCH01/ExchangeSetupLogs/KB912442/SP2/KB1.log": log}, "EXCH01"},
		{"MPS name", "case", map[string][]byte{"case/misc/EXCH02_Application.log": log}, "EXCH02"},
		{"collector server archive", "case.zip", map[string][]byte{
			"case.zip": zipOf(t, entry{name: "EXCH03-315.zip", data: zipOf(t, e("HttpProxy_Logs.zip", ""), entry{name: "Exchange_Setup_Logs.zip", data: zipOf(t, e("KB1.log", failedLog))})})}, "EXCH03"},
		{"collector archive under a case folder", "cases", map[string][]byte{
			"cases/contoso/case.zip": zipOf(t, entry{name: "EXCH04-1231-2.zip", data: zipOf(t, e("KB1.log", failedLog))})}, "EXCH04"},
		{"server archive in a case folder", "cases", map[string][]byte{"cases/contoso/EXCH05.zip": zipOf(t, e("Logs/KB1.log", failedLog))}, "EXCH05"},
		{"folder inside an archive", "cases", map[string][]byte{"cases/case42.zip": zipOf(t, e("EXCH06/Logs/KB1.log", failedLog))}, "EXCH06"},
		{"outer archive over inner ones", "b", map[string][]byte{"b/EXCH07.zip": zipOf(t, entry{name: "inner.zip", data: zipOf(t, e("KB1.log", failedLog))})}, "EXCH07"},
		{"SERVER_ archive", "b", map[string][]byte{"b/EXCH08_Logs.zip": zipOf(t, e("KB1.log", failedLog))}, "EXCH08"},
		{"bundle name last", "EXCH09", map[string][]byte{"EXCH09/Logs/KB1.log": log}, "EXCH09"},
		{"bundle archive name last", "EXCH10-315.zip", map[string][]byte{"EXCH10-315.zip": zipOf(t, e("KB1.log", failedLog))}, "EXCH10"},
		{"generic bundle name", "logs", map[string][]byte{"logs/KB1.log": log}, ""},
		{"server archive with a date", "cases", map[string][]byte{"cases/EXCH11-20240131.zip": zipOf(t, e("KB1.log", failedLog))}, "EXCH11"},
		{"bundle archive with a date", "EXCH12-20240131.zip", map[string][]byte{"EXCH12-20240131.zip": zipOf(t, e("KB1.log", failedLog))}, "EXCH12"},
		{"server folder with a date", "case", map[string][]byte{"case/EXCH13_2024-01-31/KB1.log": log}, "EXCH13"},
		{"server folder with a date and time", "case", map[string][]byte{"case/EXCH14-20240131-1530/KB1.log": log}, "EXCH14"},
		{"MPS name with a date", "case", map[string][]byte{"case/EXCH15-20240131_Application.log": log}, "EXCH15"},
		{"one compressed log named after the server", "case", map[string][]byte{"case/EXCH16-20240131.log.gz": gzipOf(t, log)}, "EXCH16"},
		{"compressed log as the argument", "EXCH17-20240131.log.gz", map[string][]byte{"EXCH17-20240131.log.gz": gzipOf(t, log)}, "EXCH17"},
		{"compressed log named after the update", "EXCH18", map[string][]byte{"EXCH18/KB912442.log.gz": gzipOf(t, log)}, "EXCH18"},
		{"compressed update log as the argument", "KB912442.log.gz", map[string][]byte{"KB912442.log.gz": gzipOf(t, log)}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			res := scanArgs(t, dir, Config{}, tc.arg)
			if got := findings(res, fileInUse); !slices.Equal(got, []string{fileInUse + "@" + tc.want}) {
				t.Errorf("findings = %q, want the host %q", got, tc.want)
			}
		})
	}
}

// TestHostFromCompressedLogName: an archive of one log named after a
// server and a date gives the server; one named after the log itself
// (event log, update, setup log) gives no host, neither inside a bundle
// nor as the bundle.
func TestHostFromCompressedLogName(t *testing.T) {
	tests := []struct {
		name       string
		archive    string // hostFromArchiveName
		bundleHost string
	}{
		{"EX11-20240131.log.gz", "EX11", "EX11"},
		{"EX11_2024-01-31.evtx.gz", "EX11", "EX11"},
		{"EX11-20240131-0930.log.zip", "EX11", "EX11"},
		{"EX11-20240131.txt.tar.gz", "EX11", "EX11"},
		{"Application.evtx.gz", "", ""},
		{"KB912442.log.gz", "", ""},
		{"ExchangeSetup.log.gz", "", ""},
		{"ExchangeSetup-20240131.log.gz", "", ""},
		{"svcpack.log.zip", "", ""},
		{"Logs-20240131.log.gz", "", ""},
		{"EX11.log.gz", "", ""}, // no date stamp: may as well be a log's name
		{"20240131.log.gz", "", ""},
		{"EX11_KB912442.log.gz", "EX11", "EX11"},
		{"Exchange_Setup.log.gz", "", ""},
	}
	for _, tc := range tests {
		if got := hostFromArchiveName(tc.name); got != tc.archive {
			t.Errorf("hostFromArchiveName(%q) = %q, want %q", tc.name, got, tc.archive)
		}
		if got := bundleHost(tc.name); got != tc.bundleHost {
			t.Errorf("bundleHost(%q) = %q, want %q", tc.name, got, tc.bundleHost)
		}
	}
}

func TestHostName(t *testing.T) {
	for in, want := range map[string]string{
		"exch01": "EXCH01", "SRV-EX-2": "SRV-EX-2", "Logs": "", "Logs2024": "", "KB912442": "", "SP2": "",
		"2024": "", "a": "", "setup": "", "this-name-is-far-too-long": "", "dir.name": "",
	} {
		if got := hostName(in); got != want {
			t.Errorf("hostName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"EXCH01-315.zip": "EXCH01", "EXCH01-1231-2.zip": "EXCH01", "EXCH01.zip": "EXCH01", "SRV-EX-01.zip": "SRV-EX-01",
		"EXCH01_Logs.zip": "EXCH01", "Setup_Logs.zip": "", "logs.tar.gz": "",
		"EX01-20240131.zip": "EX01", "EX01_20240131.zip": "EX01", "EX01-2024-01-31.zip": "EX01", "EX01-20240131-0930.tar.gz": "EX01",
		"20240131.zip": "", "Logs-20240131.zip": "", "EX01-20241399.zip": "EX01-20241399", // not a date
	} {
		if got := hostFromArchiveName(in); got != want {
			t.Errorf("hostFromArchiveName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDiscoverBundles(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"cases/a/EXCH01/KB1.log": []byte(failedLog),
		"cases/b.zip":            zipOf(t, e("KB2.log", failedLog)),
		"cases/c/KB3.log":        []byte(cleanLog),
		"other/c/KB4.log":        []byte(cleanLog),
	})
	t.Chdir(dir)
	tests := []struct {
		name string
		args []string
		opt  DiscoverOptions
		want []string // path=bundle
	}{
		{"one bundle", []string{"cases"}, DiscoverOptions{},
			[]string{"cases/a/EXCH01/KB1.log=cases", "cases/b.zip=cases", "cases/c/KB3.log=cases"}},
		{"args share a parent", []string{"cases/a", "cases/c"}, DiscoverOptions{},
			[]string{"cases/a/EXCH01/KB1.log=cases", "cases/c/KB3.log=cases"}},
		{"per bundle", []string{"cases/a", "cases/b.zip", "cases/c"}, DiscoverOptions{PerBundle: true},
			[]string{"cases/a/EXCH01/KB1.log=a", "cases/b.zip=b.zip", "cases/c/KB3.log=c"}},
		{"per bundle, same names", []string{"cases/c", "other/c"}, DiscoverOptions{PerBundle: true},
			[]string{"cases/c/KB3.log=cases/c", "other/c/KB4.log=other/c"}},
		{"per bundle glob", []string{"cases/*"}, DiscoverOptions{PerBundle: true},
			[]string{"cases/a/EXCH01/KB1.log=a", "cases/b.zip=b.zip", "cases/c/KB3.log=c"}},
		{"glob, one bundle", []string{"cases/**/*.log"}, DiscoverOptions{},
			[]string{"cases/a/EXCH01/KB1.log=cases", "cases/c/KB3.log=cases"}},
		{"exclude a folder", []string{"cases"}, DiscoverOptions{Exclude: []string{"a"}},
			[]string{"cases/b.zip=cases", "cases/c/KB3.log=cases"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files, probs, err := DiscoverWith(tc.args, tc.opt)
			if err != nil || len(probs) > 0 {
				t.Fatalf("problems %v, err %v", probs, err)
			}
			var got []string
			for _, f := range files {
				got = append(got, filepath.ToSlash(f.Path)+"="+f.Bundle)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("files = %q, want %q", got, tc.want)
			}
		})
	}
	if _, _, err := DiscoverWith([]string{"cases"}, DiscoverOptions{Include: []string{"[a-"}}); err == nil {
		t.Error("a bad --include pattern: no error")
	}
}
