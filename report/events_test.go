package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/parsers"
)

// TestEventsCSVDefused: `events --format csv` writes records as the logs
// give them, but no cell a log filled may start a spreadsheet formula.
func TestEventsCSVDefused(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewEventWriter(&buf, "csv")
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
