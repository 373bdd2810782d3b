package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
)

// TestEventsCSVDefused: `events --format csv` writes records as the logs
// give them, but no cell a log filled may start a spreadsheet formula.
func TestEventsCSVDefused(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewEventWriter(&buf, "csv", detectors.English, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := &parsers.Record{Path: "-case/App.evtx", Format: parsers.FormatEVTX, RecordID: 7,
		Time: time.Date(2006, 3, 14, 22, 41, 7, 0, time.UTC), Host: "@HOST", Provider: "+Prov", EventID: 1025,
		Level: parsers.LevelError, Channel: "=Application", Data: []string{`=HYPERLINK("http://evil","x")`, "b"},
		Message: "-2+3"}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	for j, cell := range rows[1] {
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			t.Errorf("column %s starts a formula: %q", rows[0][j], cell)
		}
	}
	if got := rows[1][11]; got != `'=HYPERLINK("http://evil","x") | b` {
		t.Errorf("data cell %q", got)
	}
}

// TestEventsTableMarksTimeQuality: the events table must not print a local
// time of a log without a zone, or a time of day whose date was guessed,
// as if it were an exact UTC time: it marks them as the scan's table does,
// in the language asked for.
func TestEventsTableMarksTimeQuality(t *testing.T) {
	at := time.Date(2006, 3, 14, 23, 30, 0, 0, time.UTC)
	recs := []*parsers.Record{
		{Path: "a.evtx", RecordID: 1, Time: at, Message: "exact"},
		{Path: "b.log", Line: 2, Time: at, TimeQ: parsers.TimeNoZone, Message: "nozone"},
		{Path: "c.log", Line: 3, Time: at, TimeQ: parsers.TimeNoDate, Message: "nodate"},
		{Path: "d.log", Line: 4, TimeQ: parsers.TimeElapsed, Message: "elapsed"},
	}
	for _, tc := range []struct {
		lang detectors.Lang
		want map[string]string
	}{
		{detectors.English, map[string]string{
			"exact":   "2006-03-14 23:30:00 UTC",
			"nozone":  "2006-03-14 23:30:00 (local time)",
			"nodate":  "23:30:00 (time of day only)",
			"elapsed": "  -  ",
		}},
		{detectors.Polish, map[string]string{
			"exact":   "2006-03-14 23:30:00 UTC",
			"nozone":  "2006-03-14 23:30:00 (czas lokalny)",
			"nodate":  "23:30:00 (tylko godzina)",
			"elapsed": "  -  ",
		}},
	} {
		var buf bytes.Buffer
		w, err := NewEventWriter(&buf, "table", tc.lang, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != len(recs) {
			t.Fatalf("%s: %d lines, want %d:\n%s", tc.lang, len(lines), len(recs), buf.String())
		}
		for i, r := range recs {
			want := tc.want[r.Message]
			if !strings.Contains(lines[i], want) {
				t.Errorf("%s: line for %s = %q, want it to contain %q", tc.lang, r.Message, lines[i], want)
			}
		}
		if strings.Contains(lines[1], "UTC") || strings.Contains(lines[2], "UTC") {
			t.Errorf("%s: a time without zone or date is labelled UTC:\n%s", tc.lang, buf.String())
		}
	}
}
