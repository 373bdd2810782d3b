package msilog

import (
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/parsers"
)

// TestDateOrder: the dates of the "logging started" and "logging stopped"
// lines and of the Date property are the short date of one culture, so a
// date that can be read only one way tells how to read the ambiguous ones
// anywhere in the file; without one, the order is assumed and a warning
// naming the file says so.
func TestDateOrder(t *testing.T) {
	const prefix = "MSI (s) (1C:28) "
	tests := []struct {
		name  string
		log   string
		mod   time.Time
		times map[int]string // line -> RFC 3339 time
		q     map[int]parsers.TimeQuality
		warn  string // a warning text expected, "" for none
	}{
		{
			name: "a later session's header tells the order",
			log: "=== Verbose logging started: 03/04/2024  10:00:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n" +
				prefix + "[10:00:01:000]: Doing action: INSTALL\n" +
				"=== Verbose logging stopped: 03/04/2024  10:00:05 ===\n" +
				"=== Verbose logging started: 15/04/2024  09:00:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n",
			times: map[int]string{1: "2024-04-03T10:00:00Z", 2: "2024-04-03T10:00:01Z", 3: "2024-04-03T10:00:05Z", 4: "2024-04-15T09:00:00Z"},
		},
		{
			name: "the Date property tells the order",
			log: "=== Verbose logging started: 03/04/2024  10:00:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n" +
				"Property(S): Time = 10:00:02\n" +
				"Property(S): Date = 13/4/2024\n",
			times: map[int]string{1: "2024-04-03T10:00:00Z"},
		},
		{
			name: "no date tells: assumed, with a warning",
			log: "=== Verbose logging started: 03/04/2024  10:00:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n" +
				"Property(S): Date = 03/04/2024\n",
			times: map[int]string{1: "2024-03-04T10:00:00Z"},
			warn:  `order.log:1: date order is ambiguous: "03/04/2024" may be day or month first and no date in the file has a day above 12; dates are read month first (M/D/YYYY), the order of English Windows`,
		},
		{
			name: "a date against the file's order is reported",
			log: "=== Verbose logging started: 13/04/2024  10:00:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n" +
				"Property(S): Date = 4/14/2024\n",
			times: map[int]string{1: "2024-04-13T10:00:00Z"},
			warn:  `order.log:2: date "4/14/2024" can be read only month first (M/D/YYYY), but the date at line 1 only day first (D/M/YYYY): the file mixes date orders`,
		},
		{
			name: "dotted dates tell nothing and need nothing",
			log: "=== Verbose logging started: 03.04.2024  10:00:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\n" +
				"=== Verbose logging stopped: 03.04.2024  10:00:05 ===\n",
			times: map[int]string{1: "2024-04-03T10:00:00Z", 2: "2024-04-03T10:00:05Z"},
		},
		{
			// the footer's own date dates it, not the modification time;
			// the line before it is dated from the modification time, on
			// the day before as its clock is far past the file's
			name: "footer without a header",
			log: prefix + "[23:59:00:000]: Doing action: INSTALL\n" +
				"=== Logging stopped: 14/03/2006  23:59:30 ===\n",
			mod:   time.Date(2006, 3, 15, 0, 5, 0, 0, time.UTC),
			times: map[int]string{1: "2006-03-14T23:59:00Z", 2: "2006-03-14T23:59:30Z"},
			q:     map[int]parsers.TimeQuality{1: parsers.TimeNoDate, 2: parsers.TimeNoZone},
		},
		{
			// two hours past the file's clock is no midnight but a
			// modification time read in another zone than the log's, or
			// a copy without its time: the date is kept, silently
			name:  "no header, the file's clock two hours behind",
			log:   prefix + "[10:00:00:000]: Doing action: INSTALL\n" + prefix + "[12:30:00:000]: done\n",
			mod:   time.Date(2006, 3, 15, 10, 31, 0, 0, time.UTC),
			times: map[int]string{1: "2006-03-15T10:00:00Z", 2: "2006-03-15T12:30:00Z"},
			q:     map[int]parsers.TimeQuality{1: parsers.TimeNoDate, 2: parsers.TimeNoDate},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := input("order.log", []byte(tc.log))
			in.ModTime = tc.mod
			recs, warns, err := parse(t, in)
			if err != nil {
				t.Fatal(err)
			}
			byLine := map[int]*parsers.Record{}
			for _, r := range recs {
				byLine[r.Line] = r
			}
			for n, want := range tc.times {
				r := byLine[n]
				if r == nil {
					t.Fatalf("no record at line %d", n)
				}
				q := parsers.TimeNoZone
				if tq, ok := tc.q[n]; ok {
					q = tq
				}
				if got := r.Time.Format(time.RFC3339); got != want || r.TimeQ != q {
					t.Errorf("line %d: %s %s, want %s %s", n, got, r.TimeQ, want, q)
				}
			}
			switch {
			case tc.warn == "" && len(warns) > 0:
				t.Errorf("warnings %v, want none", warns)
			case tc.warn != "" && (len(warns) != 1 || !strings.HasPrefix(warns[0].String(), tc.warn)):
				t.Errorf("warnings %v, want one starting %q", warns, tc.warn)
			}
		})
	}
}

// TestDateOrderLookAheadLimit: past maxOrderLines the look-ahead stops,
// and the warning says how far it read.
func TestDateOrderLookAheadLimit(t *testing.T) {
	saved := maxOrderLines
	maxOrderLines = 3
	t.Cleanup(func() { maxOrderLines = saved })
	log := "=== Verbose logging started: 03/04/2024  10:00:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: x.exe ===\n" +
		"Property(S): A = 1\nProperty(S): B = 2\nProperty(S): C = 3\n" +
		"Property(S): Date = 13/04/2024\n"
	recs, warns, err := parse(t, input("cut.log", []byte(log)))
	if err != nil || len(recs) != 5 {
		t.Fatalf("err %v, %d records", err, len(recs))
	}
	if got := recs[0].Time.Format(time.RFC3339); got != "2024-03-04T10:00:00Z" {
		t.Errorf("header read as %s, want the assumed month first", got)
	}
	if len(warns) != 2 || !strings.Contains(warns[0].Msg, "no date in its first 3 lines") ||
		!strings.Contains(warns[1].Msg, `"13/04/2024" can be read only day first`) {
		t.Errorf("warnings %v", warns)
	}
}
