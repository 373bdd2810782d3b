package scan

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the machine's zoneinfo

	"github.com/extriage/extriage/parsers"
)

// TestParseErrorsNameThePathOnce: when a parser can read nothing, the
// warning reads "path: format: problem", naming the file once, whether the
// file is on disk or a member of an archive, in the scan and in `events`.
func TestParseErrorsNameThePathOnce(t *testing.T) {
	short := append([]byte("ElfFile\x00"), make([]byte, 92)...) // 100 bytes of an EVTX header
	evt := append([]byte("\x30\x00\x00\x00LfLe"), make([]byte, 20)...)
	dir := t.TempDir()
	sep := string(filepath.Separator)
	writeFiles(t, filepath.Join(dir, "bundle"), map[string][]byte{
		"short100.evtx": short,
		"tiny.evt":      evt,
		"logs.zip":      zipOf(t, entry{name: "in/short100.evtx", data: short}, entry{name: "in/tiny.evt", data: evt}),
	})
	want := map[string]string{
		"bundle" + sep + "short100.evtx":             "evtx: short file: 100 bytes, need at least 4096",
		"bundle" + sep + "tiny.evt":                  "evt: 28 bytes is too short for an event log header",
		"bundle" + sep + "logs.zip!in/short100.evtx": "evtx: short file: 100 bytes, need at least 4096",
		"bundle" + sep + "logs.zip!in/tiny.evt":      "evt: 28 bytes is too short for an event log header",
	}
	check := func(what string, warnings []string) {
		t.Helper()
		for path, problem := range want {
			n := 0
			for _, w := range warnings {
				if strings.HasPrefix(w, path+": ") {
					n++
					if w != path+": "+problem {
						t.Errorf("%s: warning %q, want %q", what, w, path+": "+problem)
					}
					if c := strings.Count(w, lastName(path)); c != 1 {
						t.Errorf("%s: warning %q names the file %d times", what, w, c)
					}
				}
			}
			if n != 1 {
				t.Errorf("%s: %d warnings for %s, want 1; all: %q", what, n, path, warnings)
			}
		}
	}

	res := scanArgs(t, dir, Config{}, "bundle")
	check("scan", res.Warnings)

	files, _, err := DiscoverWith([]string{"bundle"}, DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var warned []string
	if _, err := Records(context.Background(), files, func(*parsers.Record) error { return nil },
		func(s string) { warned = append(warned, s) }); err != nil {
		t.Fatal(err)
	}
	check("events", warned)
}

// TestParseErrorText: every form a parser's error may take ("format: path:
// problem", "path: problem", "format: problem", a wrapped read error that
// names the file on disk) comes out as "format: problem".
func TestParseErrorText(t *testing.T) {
	const path = "case.zip!Exchange Server Setup Progress.log"
	readErr := &fs.PathError{Op: "read", Path: "/tmp/x/setup.log", Err: errors.New("input/output error")}
	for _, tc := range []struct {
		err    error
		format parsers.Format
		want   string
	}{
		{parsers.Fail(parsers.FormatEVTX, path, "short file: 100 bytes"), parsers.FormatEVTX, "evtx: short file: 100 bytes"},
		{parsers.Fail(parsers.FormatMSILog, path, "no data"), parsers.FormatMSILog, "msilog: no data"},
		{parsers.Fail(parsers.FormatSetupLog, path, "%w", readErr), parsers.FormatSetupLog, "setuplog: read: input/output error"},
		// an error of another kind (a parser's bug) keeps its text, under the format that failed
		{errors.New("index out of range"), parsers.FormatExServer, "exserver: index out of range"},
	} {
		if got := parseErrorText(tc.err, tc.format); got != tc.want {
			t.Errorf("parseErrorText(%q) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// TestLogModTime: the modification time a parser dates time-of-day logs
// by is the same instant in the logs' zone whatever zone it was read in; an
// MS-DOS stamp (a wall clock of unknown zone) keeps its clock, in the logs'
// zone.
func TestLogModTime(t *testing.T) {
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Fatal("no zone database:", err)
	}
	at := time.Date(2006, 3, 14, 23, 30, 30, 0, time.UTC)
	for _, machine := range []*time.Location{time.UTC, time.FixedZone("UTC-10", -10*3600), time.FixedZone("UTC+14", 14*3600)} {
		mod := at.In(machine)
		if got := logModTime(mod, false, nil); got.Location() != time.UTC || got.Day() != 14 || !got.Equal(at) {
			t.Errorf("machine %s, no --tz: %v, want %v in UTC", machine, got, at)
		}
		if got := logModTime(mod, false, warsaw); got.Location() != warsaw || got.Day() != 15 || !got.Equal(at) {
			t.Errorf("machine %s, --tz Europe/Warsaw: %v, want %v in Warsaw (15 March)", machine, got, at)
		}
	}
	dos := time.Date(2006, 3, 14, 23, 30, 30, 0, time.UTC) // as archive/zip gives an MS-DOS stamp
	if got := logModTime(dos, true, warsaw); got.Day() != 14 || got.Hour() != 23 || got.Location() != warsaw {
		t.Errorf("MS-DOS stamp with --tz Europe/Warsaw: %v, want 2006-03-14 23:30:30 in Warsaw", got)
	}
	if got := logModTime(time.Time{}, false, warsaw); !got.IsZero() {
		t.Errorf("zero time became %v", got)
	}
}
