package evexport

import (
	"github.com/extriage/extriage/parsers/wintime"
)

// maxProbeLines is how many lines Parse reads ahead, at most, looking for
// a date that tells in which order the export writes day and month. It is
// a variable so that tests can try the limit on small inputs.
var maxProbeLines = 100000

// probeNoSlashDates is how many records without a year-last date the look
// ahead reads before it takes the export to write no such dates at all
// (ISO or dotted dates only) and stops.
const probeNoSlashDates = 1000

// dateOrder is how one export writes the day and month of a year-last
// date ("03/04/2024" is 3 April in en-GB, March 4 in en-US): a
// wintime.FileOrder fed by the look-ahead, and whether the export is
// Polish, which changes the order assumed without evidence.
type dateOrder struct {
	wintime.FileOrder
	polish  bool // the header, keys or level words are Polish
	slashes int  // year-last dates with '/' or '-' seen by the look-ahead
}

// defaultOrder is the order assumed for a year-last date with the
// separator sep in a file whose dates have not shown one: day first with
// '-' and in a Polish export (Polish Windows writes D.M.YYYY or
// YYYY-MM-DD; a slash date in such an export is a custom day-first
// format), month first with '/' in others (the M/D/YYYY of English
// Windows).
func (d *dateOrder) defaultOrder(sep byte) (wintime.Order, string) {
	switch {
	case sep == '-':
		return wintime.DayFirst, "as dates written with '-' usually are"
	case d.polish:
		return wintime.DayFirst, "as the Polish header or keys suggest"
	}
	return wintime.MonthFirst, "the order of English Windows"
}

// dateOrderFor returns the order in which to read the date (or date and
// time) s of the record at line n, and learns from it: a date that can be
// read only one way decides the file's order. During the look-ahead it
// stops the parse once the order is known.
func (st *state) dateOrderFor(s string, n int) wintime.Order {
	ev := wintime.DateEvidence(s)
	if !ev.Judged() {
		return wintime.BySeparator
	}
	if st.probing {
		st.dates.slashes++
		if st.dates.Learn(ev, n) {
			st.stopped = true
		}
		return wintime.BySeparator
	}
	o, msg := st.dates.Read(ev, s, n)
	if msg != "" {
		st.warn(n, msg)
	}
	return o
}

// probeLimit stops the look-ahead when it has read maxProbeLines lines, or
// enough records to tell that the export writes no year-last dates.
func (st *state) probeLimit() {
	switch {
	case st.src.count > maxProbeLines:
		st.dates.Cut = true
		st.stopped = true
	case st.dates.slashes == 0 && st.emitted >= probeNoSlashDates:
		st.stopped = true
	}
}

// polishNames are the Polish column names and block keys: an export that
// uses them was written by Polish Windows.
var polishNames = map[string]bool{
	"godzina": true, "źródło": true, "typ": true, "kategoria": true,
	"zdarzenie": true, "użytkownik": true, "komputer": true, "opis": true,
	"poziom": true, "data i godzina": true, "identyfikator zdarzenia": true,
	"kategoria zadania": true, "słowa kluczowe": true, "nazwa dziennika": true,
	"typ zdarzenia": true, "źródło zdarzenia": true, "kategoria zdarzenia": true,
	"kod operacji": true, "dane": true,
	// level words without a letter outside ASCII
	"informacje": true, "informacja": true, "krytyczny": true, "krytyczne": true,
}

// isPolish reports whether a level word or name is Polish: the Polish
// words of the format all hold a letter outside ASCII or are in
// polishNames ("typ", "opis"), and its English words none.
func isPolish(s string) bool {
	k := normKey(s)
	if polishNames[k] {
		return true
	}
	for i := 0; i < len(k); i++ {
		if k[i] >= 0x80 {
			return true
		}
	}
	return false
}

// noteHeader learns from a header line whether the export is Polish: a
// Polish column name, or "Data" (Polish for date) as the date column.
func (st *state) noteHeader(text string, lay layout) {
	for i, f := range splitLine(text, lay.delim, lay.quotes) {
		k := normKey(f)
		if polishNames[k] || (k == "data" && i == lay.dateIdx) {
			st.dates.polish = true
			return
		}
	}
}
