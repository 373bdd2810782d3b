package wintime

import "fmt"

// FileOrder decides the day/month order of one file's year-last dates
// from the dates themselves. Windows writes the short date of the
// server's culture, so one file holds one order, and the first date whose
// day is above 12 tells it for all the others. A parser that streams
// first shows FileOrder the dates of a bounded look-ahead (Learn), then
// asks it how to read each date (Read), which also reports, as warning
// texts, an order assumed for want of evidence, evidence met after the
// look-ahead, and dates that contradict the decided order.
//
// Only dates with '/' or '-' between their numbers are judged: a dotted
// date is day first in every culture that writes one.
type FileOrder struct {
	// Default returns the order assumed for dates with the separator sep
	// while the file has not shown its order, and why, for the warning
	// ("the order of English Windows").
	Default func(sep byte) (o Order, why string)
	// Limit is the number of lines the look-ahead reads at most; Cut
	// says it stopped there without a telling date.
	Limit int
	Cut   bool

	order   Order // as the file's dates show it; BySeparator while undecided
	line    int   // the line of the date that told the order
	assumed int   // line of the first ambiguous date read in the default order
	mixed   bool  // a contradicting date was reported
}

// Judged reports whether FileOrder decides the order of dates written
// with e's separator.
func (e Evidence) Judged() bool { return e.Sep == '/' || e.Sep == '-' }

// Learn takes a date the look-ahead met at line n; it reports true once
// the order is decided, when the look-ahead can stop.
func (f *FileOrder) Learn(e Evidence, n int) bool {
	if e.Judged() && e.Order != BySeparator && f.order == BySeparator {
		f.order, f.line = e.Order, n
	}
	return f.order != BySeparator
}

// Decided returns the order the file's dates showed and the line of the
// date that showed it, or BySeparator and 0.
func (f *FileOrder) Decided() (Order, int) { return f.order, f.line }

// effective returns the order a date with the separator sep is read in.
func (f *FileOrder) effective(sep byte) (Order, string) {
	if f.order != BySeparator {
		return f.order, ""
	}
	if f.Default == nil {
		if sep == '/' {
			return MonthFirst, "as '/' dates are read by default"
		}
		return DayFirst, "as '-' dates are read by default"
	}
	return f.Default(sep)
}

// Read returns the order in which to read the date s at line n, whose
// evidence is e, and a warning text when there is something to report
// ("" otherwise): the first ambiguous date read in the assumed order, a
// telling date after the look-ahead that shows the assumption wrong, or
// the first date that contradicts the decided order. Such a date is
// learnt: the dates after it are read its way.
func (f *FileOrder) Read(e Evidence, s string, n int) (Order, string) {
	if !e.Judged() {
		return BySeparator, ""
	}
	if e.Order != BySeparator {
		cur, _ := f.effective(e.Sep)
		msg := ""
		switch {
		case f.order == BySeparator:
			if f.assumed > 0 && e.Order != cur {
				msg = fmt.Sprintf("date %q can be read only %s, but the ambiguous dates from line %d on were read %s, the assumed order: those may be wrong; later dates are read %s",
					s, e.Order, f.assumed, cur, e.Order)
			}
			f.order, f.line = e.Order, n
		case e.Order != cur && !f.mixed:
			f.mixed = true
			msg = fmt.Sprintf("date %q can be read only %s, but the date at line %d only %s: the file mixes date orders; ambiguous dates are read %s",
				s, e.Order, f.line, cur, cur)
		}
		o, _ := f.effective(e.Sep)
		return o, msg
	}
	o, why := f.effective(e.Sep)
	if !e.Ambiguous || f.order != BySeparator || f.assumed > 0 {
		return o, ""
	}
	f.assumed = n
	scope := "in the file"
	if f.Cut {
		scope = fmt.Sprintf("in its first %d lines", f.Limit)
	}
	return o, fmt.Sprintf("date order is ambiguous: %q may be day or month first and no date %s has a day above 12; dates are read %s, %s",
		s, scope, o, why)
}
