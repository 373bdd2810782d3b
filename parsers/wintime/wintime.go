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

// Date reads a calendar date in the forms Event Viewer exports use:
// M/D/YYYY (English; D/M/YYYY when the first number cannot be a month),
// YYYY-MM-DD, YYYY/MM/DD, DD.MM.YYYY and DD-MM-YYYY (Polish and others),
// with two-digit years read as 1970-2069.
func Date(s string) (y, m, d int, ok bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return 0, 0, 0, false
	}
	var parts [3]string
	var sep byte
	n := 0
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			continue
		}
		if c != '/' && c != '-' && c != '.' {
			return 0, 0, 0, false
		}
		if sep == 0 {
			sep = c
		} else if c != sep {
			return 0, 0, 0, false
		}
		if n >= 2 {
			return 0, 0, 0, false
		}
		parts[n] = s[start:i]
		n++
		start = i + 1
	}
	if n != 2 {
		return 0, 0, 0, false
	}
	parts[2] = s[start:]
	var v [3]int
	for i, p := range parts {
		if len(p) == 0 || len(p) > 4 {
			return 0, 0, 0, false
		}
		v[i], _ = strconv.Atoi(p)
	}
	switch {
	case len(parts[0]) == 4:
		y, m, d = v[0], v[1], v[2]
	case len(parts[2]) == 4 || len(parts[2]) == 2:
		y = v[2]
		if len(parts[2]) == 2 {
			y = twoDigitYear(y)
		}
		if sep == '/' {
			m, d = v[0], v[1]
		} else {
			d, m = v[0], v[1]
		}
		if m > 12 && d <= 12 {
			m, d = d, m
		}
	default:
		return 0, 0, 0, false
	}
	if !validDate(y, m, d) {
		return 0, 0, 0, false
	}
	return y, m, d, true
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
	s = strings.TrimSpace(s)
	if t, q, ok := iso(s); ok {
		return t, q, true
	}
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return time.Time{}, parsers.TimeNone, false
	}
	y, m, d, ok := Date(s[:i])
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
