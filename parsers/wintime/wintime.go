// Package wintime reads the dates and times Windows programs write in text
// logs and exports: locale short dates (M/D/YYYY, DD.MM.YYYY, YYYY-MM-DD
// and their two-digit-year forms), 12- and 24-hour clocks, and ISO 8601
// stamps. Times without a zone are local wall-clock times; callers store
// them as if UTC and mark them parsers.TimeNoZone.
package wintime

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/extriage/extriage/parsers"
)

// Order says how to read a date written with the year last, whose first
// two numbers may be the month and the day or the day and the month.
type Order int

// The Order values.
const (
	// BySeparator reads the year-last date by its separator: month first
	// with '/' (M/D/YYYY, en-US), day first with '.' or '-' (DD.MM.YYYY,
	// DD-MM-YYYY). This is what Date does.
	BySeparator Order = iota
	// MonthFirst reads M/D/YYYY whatever the separator.
	MonthFirst
	// DayFirst reads D/M/YYYY whatever the separator (en-GB, fr-FR, ...).
	DayFirst
)

// String names the order as warnings print it.
func (o Order) String() string {
	switch o {
	case MonthFirst:
		return "month first (M/D/YYYY)"
	case DayFirst:
		return "day first (D/M/YYYY)"
	}
	return "by separator"
}

// Date reads a calendar date in the forms Event Viewer exports use:
// M/D/YYYY (English; D/M/YYYY when the first number cannot be a month),
// YYYY-MM-DD, YYYY/MM/DD, DD.MM.YYYY and DD-MM-YYYY (Polish and others),
// with two-digit years read as 1970-2069. It is DateIn(s, BySeparator).
func Date(s string) (y, m, d int, ok bool) {
	return DateIn(s, BySeparator)
}

// DateIn reads a date as Date does, but reads a year-last date in the order
// o. Whatever the order, a date whose month would be above 12 while its
// day is not is read the other way round: it can be read no other way.
func DateIn(s string, o Order) (y, m, d int, ok bool) {
	v, yearFirst, sep, ok := splitDate(s)
	if !ok {
		return 0, 0, 0, false
	}
	if yearFirst {
		y, m, d = v[0], v[1], v[2]
	} else {
		y = v[2]
		if o == MonthFirst || (o == BySeparator && sep == '/') {
			m, d = v[0], v[1]
		} else {
			d, m = v[0], v[1]
		}
		if m > 12 && d <= 12 {
			m, d = d, m
		}
	}
	if !validDate(y, m, d) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// Evidence is what one date tells about the order a file writes its dates
// in.
type Evidence struct {
	// Order is MonthFirst or DayFirst when the date can be read only one
	// way (its day is above 12), BySeparator when it tells nothing.
	Order Order
	// Ambiguous is true for a year-last date whose first two numbers are
	// both 1-12 and differ: it reads as two different days.
	Ambiguous bool
	// Sep is the separator between the numbers.
	Sep byte
}

// DateEvidence returns what the date s (as Date reads it, or a date and a
// time of day after it) tells about the order of its numbers. Year-first
// dates and text that is not a date tell nothing.
func DateEvidence(s string) Evidence {
	s = strings.TrimSpace(s)
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		s = s[:i]
	}
	v, yearFirst, sep, ok := splitDate(s)
	if !ok || yearFirst {
		return Evidence{}
	}
	return OrderEvidence(v[0], v[1], sep)
}

// OrderEvidence returns what the first two numbers a and b of a year-last
// date written with the separator sep tell about their order.
func OrderEvidence(a, b int, sep byte) Evidence {
	e := Evidence{Sep: sep}
	switch {
	case a < 1 || b < 1 || a > 31 || b > 31:
	case a > 12 && b <= 12:
		e.Order = DayFirst
	case b > 12 && a <= 12:
		e.Order = MonthFirst
	case a <= 12 && b <= 12 && a != b:
		e.Ambiguous = true
	}
	return e
}

// splitDate splits a date into its three numbers: yearFirst says whether
// the year comes first; otherwise it is v[2], already four digits.
func splitDate(s string) (v [3]int, yearFirst bool, sep byte, ok bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return v, false, 0, false
	}
	var parts [3]string
	n := 0
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			continue
		}
		if c != '/' && c != '-' && c != '.' {
			return v, false, 0, false
		}
		if sep == 0 {
			sep = c
		} else if c != sep {
			return v, false, 0, false
		}
		if n >= 2 {
			return v, false, 0, false
		}
		parts[n] = s[start:i]
		n++
		start = i + 1
	}
	if n != 2 {
		return v, false, 0, false
	}
	parts[2] = s[start:]
	for i, p := range parts {
		if len(p) == 0 || len(p) > 4 {
			return v, false, 0, false
		}
		v[i], _ = strconv.Atoi(p)
	}
	switch {
	case len(parts[0]) == 4:
		return v, true, sep, true
	case len(parts[2]) == 4:
		return v, false, sep, true
	case len(parts[2]) == 2:
		v[2] = twoDigitYear(v[2])
		return v, false, sep, true
	}
	return v, false, 0, false
}

func twoDigitYear(y int) int {
	if y < 70 {
		return 2000 + y
	}
	return 1900 + y
}

func validDate(y, m, d int) bool {
	if y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d
}

// Clock reads a time of day: H:MM[:SS[.fff]] in 24-hour form, or the
// same followed by AM/PM (also "a.m."/"p.m.").
func Clock(s string) (h, mi, sec, nsec int, ok bool) {
	s = strings.TrimSpace(s)
	i := 0
	num := func(maxDigits int) (int, bool) {
		j := i
		v := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' && i-j < maxDigits {
			v = v*10 + int(s[i]-'0')
			i++
		}
		return v, i > j
	}
	var okn bool
	if h, okn = num(2); !okn || i >= len(s) || s[i] != ':' {
		return 0, 0, 0, 0, false
	}
	i++
	st := i
	if mi, okn = num(2); !okn || i-st != 2 {
		return 0, 0, 0, 0, false // minutes have two digits
	}
	if i < len(s) && s[i] == ':' {
		i++
		st = i
		if sec, okn = num(2); !okn || i-st != 2 {
			return 0, 0, 0, 0, false
		}
		if i < len(s) && (s[i] == '.' || s[i] == ',') {
			i++
			st = i
			frac, _ := num(9)
			digits := i - st
			if digits == 0 {
				return 0, 0, 0, 0, false
			}
			for k := digits; k < 9; k++ {
				frac *= 10
			}
			nsec = frac
		}
	}
	rest := strings.ToLower(strings.TrimSpace(s[i:]))
	rest = strings.ReplaceAll(rest, ".", "")
	switch rest {
	case "":
	case "am", "pm":
		if h < 1 || h > 12 {
			return 0, 0, 0, 0, false
		}
		if h == 12 {
			h = 0
		}
		if rest == "pm" {
			h += 12
		}
	default:
		return 0, 0, 0, 0, false
	}
	if h > 23 || mi > 59 || sec > 59 {
		return 0, 0, 0, 0, false
	}
	return h, mi, sec, nsec, true
}

// DateTime reads a date followed by a time of day ("5/20/2008 10:23:45
// AM", "20.05.2008 10:23:45", "2008-05-20 10:23:45") or an ISO 8601 stamp
// ("2008-05-20T10:23:45.123", with or without a zone). A stamp without a zone
// is local time and comes back as TimeNoZone; one with a zone is converted
// to UTC and comes back as TimeExact.
func DateTime(s string) (time.Time, parsers.TimeQuality, bool) {
	return DateTimeIn(s, BySeparator)
}

// DateTimeIn reads a date and time as DateTime does, reading a year-last
// date in the order o (see DateIn).
func DateTimeIn(s string, o Order) (time.Time, parsers.TimeQuality, bool) {
	s = strings.TrimSpace(s)
	if t, q, ok := iso(s); ok {
		return t, q, true
	}
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return time.Time{}, parsers.TimeNone, false
	}
	y, m, d, ok := DateIn(s[:i], o)
	if !ok {
		return time.Time{}, parsers.TimeNone, false
	}
	h, mi, sec, ns, ok := Clock(s[i:])
	if !ok {
		return time.Time{}, parsers.TimeNone, false
	}
	return time.Date(y, time.Month(m), d, h, mi, sec, ns, time.UTC), parsers.TimeNoZone, true
}

// iso reads "YYYY-MM-DDTHH:MM:SS[.f][Z|±hh:mm]".
func iso(s string) (time.Time, parsers.TimeQuality, bool) {
	if len(s) < 19 || s[10] != 'T' {
		return time.Time{}, parsers.TimeNone, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), parsers.TimeExact, true
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t, parsers.TimeNoZone, true
	}
	return time.Time{}, parsers.TimeNone, false
}

// LastLineDay returns the date (midnight, UTC) on which a log whose lines
// give only a time of day wrote its last stamped line, at time of day last,
// given the file's modification time mt, read in the zone the log's clock
// kept. The modification time is one more reading of that clock, taken
// after the last line: when it is earlier in the day than last by more
// than twelve hours, the log passed midnight before the file was last
// written and the last line belongs to the day before. A smaller step back
// cannot be midnight (the modification time was read in another zone, or
// the file was copied without its time) and keeps mt's date; it earns no
// warning, because the modification time says too little to tell which.
func LastLineDay(mt time.Time, last time.Duration) time.Time {
	y, m, d := mt.Date()
	h, mi, s := mt.Clock()
	if last-(time.Duration(h)*time.Hour+time.Duration(mi)*time.Minute+time.Duration(s)*time.Second) > 12*time.Hour {
		d--
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
