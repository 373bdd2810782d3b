package msilog

import (
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/parsers"
)

// parseDate reads the date of a log header in the system's short date
// form: M/D/YYYY (D/M/YYYY when the first number cannot be a month),
// YYYY-MM-DD, YYYY/MM/DD, DD.MM.YYYY or DD-MM-YYYY (MM-DD-YYYY when the
// second number cannot be a month). Two-digit years are 1970-2069.
func parseDate(s string) (y, m, d int, ok bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	var parts []string
	var sep byte
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			continue
		}
		if c != '/' && c != '-' && c != '.' || (sep != 0 && c != sep) || len(parts) == 2 {
			return 0, 0, 0, false
		}
		sep = c
		parts = append(parts, s[start:i])
		start = i + 1
	}
	parts = append(parts, s[start:])
	if len(parts) != 3 {
		return 0, 0, 0, false
	}
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
			if y < 70 {
				y += 2000
			} else {
				y += 1900
			}
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
	if y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, 0, 0, false
	}
	if time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Day() != d {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// parseClock reads H:MM:SS, optionally followed by AM or PM.
func parseClock(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	pm, am := false, false
	if u := strings.ToUpper(s); strings.HasSuffix(u, "PM") || strings.HasSuffix(u, "AM") {
		pm = strings.HasSuffix(u, "PM")
		am = !pm
		s = strings.TrimSpace(s[:len(s)-2])
	}
	f := strings.Split(s, ":")
	if len(f) != 3 {
		return 0, false
	}
	var v [3]int
	for i, p := range f {
		if len(p) == 0 || len(p) > 2 {
			return 0, false
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return 0, false
		}
		v[i] = n
	}
	h := v[0]
	if am || pm {
		if h < 1 || h > 12 {
			return 0, false
		}
		if h == 12 {
			h = 0
		}
		if pm {
			h += 12
		}
	}
	if h > 23 || v[1] > 59 || v[2] > 59 {
		return 0, false
	}
	return time.Duration(h)*time.Hour + time.Duration(v[1])*time.Minute + time.Duration(v[2])*time.Second, true
}

// clock turns the times of day on log lines into times: the date of the
// last "logging started" header, moved on a day each time the time of day
// falls back by more than twelve hours (the log passed midnight; smaller
// steps back are client and server lines written out of order).
type clock struct {
	day     time.Time // midnight of the current day, wall clock read as UTC
	q       parsers.TimeQuality
	last    time.Duration
	hasLast bool
}

// rollback is how far the time of day must fall to count as midnight.
const rollback = 12 * time.Hour

// setHeader starts a logging session at the given date and time of day.
func (c *clock) setHeader(y, m, d int, tod time.Duration) {
	c.day = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	c.q = parsers.TimeNoZone
	c.last, c.hasLast = tod, true
}

// setFallbackDay anchors a log without a readable header on a known day
// (the file's modification date); its times are TimeNoDate.
func (c *clock) setFallbackDay(t time.Time) {
	if t.IsZero() {
		return
	}
	y, m, d := t.Date()
	c.day = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	c.q = parsers.TimeNoDate
}

// at returns the time of a line stamped with the time of day tod, or the
// zero time and TimeNone when no date is known.
func (c *clock) at(tod time.Duration) (time.Time, parsers.TimeQuality) {
	if c.hasLast && tod < c.last-rollback {
		c.day = c.day.AddDate(0, 0, 1)
	}
	c.last, c.hasLast = tod, true
	if c.day.IsZero() {
		return time.Time{}, parsers.TimeNone
	}
	return c.day.Add(tod), c.q
}
