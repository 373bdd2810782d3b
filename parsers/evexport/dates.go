package evexport

import (
	"fmt"

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
// date ("03/04/2024" is 3 April in en-GB, March 4 in en-US). Windows
// writes the short date of the culture, so one file holds one order: the
// first date whose day is above 12 tells it (look-ahead first, then the
// dates as they are read); until one does, ambiguous dates are read in
// the default order with a warning.
type dateOrder struct {
	order   wintime.Order // as the file's dates show it; BySeparator while undecided
	line    int           // the line of the date that told the order
	polish  bool          // the header or keys are Polish
	cut     bool          // the look-ahead stopped at maxProbeLines undecided
	slashes int           // year-last dates with '/' or '-' seen by the look-ahead
	assumed int           // line of the first ambiguous date read in the default order
	mixed   bool          // a date contradicting the decided order was reported
}

// effective returns the order a year-last date with the separator sep is
// read in: the file's, or else the default: day first with '-' and in a
// Polish export (Polish Windows writes D.M.YYYY or YYYY-MM-DD; a slash date
// in such an export is a custom day-first format), month first with '/'
// in others (the M/D/YYYY of English Windows).
func (d *dateOrder) effective(sep byte) wintime.Order {
	switch {
	case d.order != wintime.BySeparator:
		return d.order
	case sep == '/' && !d.polish:
		return wintime.MonthFirst
	}
	return wintime.DayFirst
}

// defaultReason says why effective picked the default for sep.
func (d *dateOrder) defaultReason(sep byte) string {
	switch {
	case sep == '-':
		return "as dates written with '-' usually are"
	case d.polish:
		return "as the Polish header or keys suggest"
	}
	return "the order of English Windows"
}

// dateOrderFor returns the order in which to read the date (or date and
// time) s of the record at line n, and learns from it: a date that can be
// read only one way decides the file's order. During the look-ahead it
// stops the parse once the order is known or the look-ahead limit is
// passed. Dotted dates are always day first and tell nothing.
func (st *state) dateOrderFor(s string, n int) wintime.Order {
	d := &st.dates
	ev := wintime.DateEvidence(s)
	if ev.Sep != '/' && ev.Sep != '-' {
		return wintime.BySeparator
	}
	if st.probing {
		d.slashes++
		if ev.Order != wintime.BySeparator {
			d.order, d.line = ev.Order, n
			st.stopped = true
		}
		return wintime.BySeparator
	}
	if ev.Order != wintime.BySeparator {
		switch cur := d.effective(ev.Sep); {
		case d.order == wintime.BySeparator:
			if d.assumed > 0 && ev.Order != cur {
				st.warn(n, fmt.Sprintf("date %q can be read only %s, but the ambiguous dates from line %d on were read %s, the assumed order: those may be wrong; later dates are read %s",
					s, ev.Order, d.assumed, cur, ev.Order))
			}
			d.order, d.line = ev.Order, n
		case ev.Order != cur && !d.mixed:
			d.mixed = true
			st.warn(n, fmt.Sprintf("date %q can be read only %s, but the date at line %d only %s: the file mixes date orders; ambiguous dates are read %s",
				s, ev.Order, d.line, cur, cur))
		}
		return d.effective(ev.Sep)
	}
	o := d.effective(ev.Sep)
	if ev.Ambiguous && d.order == wintime.BySeparator && d.assumed == 0 {
		d.assumed = n
		scope := "in the file"
		if d.cut {
			scope = fmt.Sprintf("in its first %d lines", maxProbeLines)
		}
		st.warn(n, fmt.Sprintf("date order is ambiguous: %q may be day or month first and no date %s has a day above 12; dates are read %s, %s",
			s, scope, o, d.defaultReason(ev.Sep)))
	}
	return o
}

// probeLimit stops the look-ahead when it has read maxProbeLines lines, or
// enough records to tell that the export writes no year-last dates.
func (st *state) probeLimit() {
	switch {
	case st.src.count > maxProbeLines:
		st.dates.cut = true
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
