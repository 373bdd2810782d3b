package evexport

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/extriage/extriage/parsers"
)

// levelNames maps the event type / level words Event Viewer prints, in
// English and Polish, lower-cased, to the normalised level.
var levelNames = map[string]parsers.Level{
	"error":                               parsers.LevelError,
	"błąd":                                parsers.LevelError,
	"warning":                             parsers.LevelWarning,
	"ostrzeżenie":                         parsers.LevelWarning,
	"information":                         parsers.LevelInformation,
	"informacje":                          parsers.LevelInformation,
	"informacja":                          parsers.LevelInformation,
	"success audit":                       parsers.LevelAuditSuccess,
	"audit success":                       parsers.LevelAuditSuccess,
	"inspekcja sukcesów":                  parsers.LevelAuditSuccess,
	"inspekcja zakończona sukcesem":       parsers.LevelAuditSuccess,
	"failure audit":                       parsers.LevelAuditFailure,
	"audit failure":                       parsers.LevelAuditFailure,
	"inspekcja niepowodzeń":               parsers.LevelAuditFailure,
	"inspekcja zakończona niepowodzeniem": parsers.LevelAuditFailure,
	"critical":                            parsers.LevelCritical,
	"krytyczny":                           parsers.LevelCritical,
	"krytyczne":                           parsers.LevelCritical,
	"verbose":                             parsers.LevelVerbose,
	"pełny":                               parsers.LevelVerbose,
	"pełne":                               parsers.LevelVerbose,
	"szczegółowe":                         parsers.LevelVerbose,
}

// parseLevel maps an event type or level as an export prints it to the
// normalised level; ok is false for a word it does not know.
func parseLevel(s string) (parsers.Level, bool) {
	l, ok := levelNames[normKey(s)]
	return l, ok
}

// normKey lower-cases s, trims it, strips surrounding quotes and collapses
// inner runs of white space to one space.
func normKey(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// parseEventID reads an event ID as an export prints it. Exports show the
// 16-bit value; a larger number (a full classic ID) is split into the low
// 16 bits and the qualifiers.
func parseEventID(s string) (id uint32, qual uint16, ok bool) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, 0, false
	}
	if v > 0xFFFF {
		return uint32(v & 0xFFFF), uint16(v >> 16), true
	}
	return uint32(v), 0, true
}

// parseDate reads a calendar date in the forms Event Viewer exports use:
// M/D/YYYY (English; D/M/YYYY when the first number cannot be a month),
// YYYY-MM-DD, YYYY/MM/DD, DD.MM.YYYY and DD-MM-YYYY (Polish and others),
// with two-digit years read as 1970-2069.
func parseDate(s string) (y, m, d int, ok bool) {
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

// parseClock reads a time of day: H:MM[:SS[.fff]] in 24-hour form, or the
// same followed by AM/PM (also "a.m."/"p.m.").
func parseClock(s string) (h, mi, sec, nsec int, ok bool) {
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

// parseDateTime reads a date followed by a time of day ("5/20/2008 10:23:45
// AM", "20.05.2008 10:23:45", "2008-05-20 10:23:45") or an ISO 8601 stamp
// ("2008-05-20T10:23:45.123", with or without a zone). A stamp without a zone
// is local time and comes back as TimeNoZone; one with a zone is converted
// to UTC and comes back as TimeExact.
func parseDateTime(s string) (time.Time, parsers.TimeQuality, bool) {
	s = strings.TrimSpace(s)
	if t, q, ok := parseISO(s); ok {
		return t, q, true
	}
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return time.Time{}, parsers.TimeNone, false
	}
	y, m, d, ok := parseDate(s[:i])
	if !ok {
		return time.Time{}, parsers.TimeNone, false
	}
	h, mi, sec, ns, ok := parseClock(s[i:])
	if !ok {
		return time.Time{}, parsers.TimeNone, false
	}
	return time.Date(y, time.Month(m), d, h, mi, sec, ns, time.UTC), parsers.TimeNoZone, true
}

// parseISO reads "YYYY-MM-DDTHH:MM:SS[.f][Z|±hh:mm]".
func parseISO(s string) (time.Time, parsers.TimeQuality, bool) {
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

// combine joins a date and a time of day into a local wall-clock time read
// as UTC.
func combine(y, m, d, h, mi, sec, ns int) time.Time {
	return time.Date(y, time.Month(m), d, h, mi, sec, ns, time.UTC)
}
