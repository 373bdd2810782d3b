package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
)

type csvWriter struct{}

func init() { register(csvWriter{}) }

// Name returns "csv".
func (csvWriter) Name() string { return "csv" }

// maxCSVCell keeps a cell within what spreadsheets accept (32767
// characters in Excel).
const maxCSVCell = 32000

// Write writes one row per finding under a header row in the report's
// language: number, severity, rule, title, server, bundle, count, first
// time, its quality, first location, every evidence item (one a line), KB
// numbers, KB links, remedy. Cells a spreadsheet would run as a formula are
// defused (see CSVSafe); control characters are made visible.
func (csvWriter) Write(w io.Writer, r *Report) error {
	t := labelsFor(r.Lang)
	cw := csv.NewWriter(w)
	if err := cw.Write(t.CSV); err != nil {
		return err
	}
	for i, f := range orderedFindings(r) {
		var first detectors.Evidence
		if len(f.Evidence) > 0 {
			first = f.Evidence[0]
		}
		firstTime, quality := csvFirstTime(f.Evidence, r.Zone)
		var ev strings.Builder
		for j, e := range f.Evidence {
			if j > 0 {
				ev.WriteString("\n")
			}
			ev.WriteString(e.Location())
			if tt := t.timeText(e, r.Zone); tt != "" {
				ev.WriteString(" · " + tt)
			}
			ev.WriteString(" · " + e.TextIn(r.Lang))
		}
		if more := f.Count - len(f.Evidence); more > 0 {
			ev.WriteString("\n" + t.more(more))
		}
		links := make([]string, len(f.KB))
		for j, kb := range f.KB {
			links[j] = detectors.KBURL(kb)
		}
		row := []string{
			strconv.Itoa(i + 1), f.Severity.String(), f.Rule, f.Title, f.Host, f.Bundle,
			strconv.Itoa(f.Count), firstTime, quality, first.Location(), ev.String(),
			strings.Join(f.KB, ", "), strings.Join(links, " "), f.Remedy,
		}
		for j := range row {
			row[j] = csvCell(row[j])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvCell cleans a cell: visible control characters, valid UTF-8, a length
// a spreadsheet accepts, no formula.
func csvCell(s string) string {
	s = CleanText(s)
	if len(s) > maxCSVCell {
		s = Shorten(s, maxCSVCell)
	}
	return CSVSafe(s)
}

// csvFirstTime returns the earliest time of the evidence that has a date
// (RFC 3339) and its quality; failing that, the first time of day of
// evidence that has no date, on the clock the log kept (see logClock).
func csvFirstTime(es []detectors.Evidence, zone *time.Location) (string, string) {
	var best time.Time
	var q parsers.TimeQuality
	for _, e := range es {
		if placeable(e) && (best.IsZero() || e.Time.Before(best)) {
			best, q = e.Time, e.TimeQ
		}
	}
	if !best.IsZero() {
		return best.UTC().Format(time.RFC3339), string(q)
	}
	for _, e := range es {
		if e.TimeQ == parsers.TimeNoDate && !e.Time.IsZero() {
			return logClock(e.Time, zone).Format("15:04:05"), string(e.TimeQ)
		}
	}
	return "", ""
}
