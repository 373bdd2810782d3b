package msilog

import (
	"time"

	"github.com/extriage/extriage/parsers/wintime"

	"github.com/extriage/extriage/parsers"
)

// parseClock reads a time of day (H:MM[:SS], optionally AM/PM) as the
// time since midnight.
func parseClock(s string) (time.Duration, bool) {
	h, mi, sec, ns, ok := wintime.Clock(s)
	if !ok {
		return 0, false
	}
	return time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(sec)*time.Second + time.Duration(ns), true
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
