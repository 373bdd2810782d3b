package msilog

import (
	"context"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/textio"
	"github.com/extriage/extriage/parsers/wintime"
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

// maxOrderLines is how many lines Parse reads ahead, at most, for a date
// that tells the day/month order of the file's dates. It is a variable so
// that tests can try the limit on small inputs.
var maxOrderLines = 200000

// reDateProp matches the Date property, which Windows Installer sets to
// the short date of the user's culture.
var reDateProp = regexp.MustCompile(`^Property\([A-Za-z]\): Date = (\S+)$`)

// cultureDate returns the date that a line writes in the culture's short
// date form: that of a "logging started" or "logging stopped" line, or the
// value of the Date property. ok is false for other lines.
func cultureDate(text string) (date string, ok bool) {
	switch {
	case strings.HasPrefix(text, "==="):
		if m := reHeader.FindStringSubmatch(text); m != nil {
			return m[1], true
		}
		if m := reStopped.FindStringSubmatch(text); m != nil {
			return m[1], true
		}
	case strings.HasPrefix(text, "Property(") && strings.Contains(text, "): Date = "):
		if m := reDateProp.FindStringSubmatch(text); m != nil {
			return m[1], true
		}
	}
	return "", false
}

// defaultOrder is the order assumed for the year-last dates of a log whose
// dates have not shown one: month first with '/' (the M/D/YYYY of English
// Windows), day first with '-'.
func defaultOrder(sep byte) (wintime.Order, string) {
	if sep == '-' {
		return wintime.DayFirst, "as dates written with '-' usually are"
	}
	return wintime.MonthFirst, "the order of English Windows"
}

// learnOrder reads up to maxOrderLines lines ahead, keeping nothing, for a
// culture date (see cultureDate) that tells whether the log writes the day
// or the month first. A log writes its dates in one culture's form, so
// the look-ahead stops at the first date that tells the order, and at the
// first whose form has no order to tell (dotted, year first).
func (st *state) learnOrder(ctx context.Context) {
	st.dates = wintime.FileOrder{Limit: maxOrderLines, Default: defaultOrder}
	lines := textio.NewLines(io.NewSectionReader(st.in.R, 0, st.in.Size))
	for lines.Next() {
		n := lines.Number()
		if n > maxOrderLines {
			st.dates.Cut = true
			return
		}
		if n&255 == 0 && ctx.Err() != nil {
			return
		}
		s, ok := cultureDate(strings.TrimRight(lines.Text(), " \t"))
		if !ok {
			continue
		}
		ev := wintime.DateEvidence(s)
		if !ev.Judged() || st.dates.Learn(ev, n) {
			return
		}
	}
}

// dateOrder returns the order in which to read the culture date s on line
// n, and reports what FileOrder.Read finds to report: an order assumed
// for want of evidence, or a date that contradicts the file's order.
func (st *state) dateOrder(s string, n int) wintime.Order {
	o, msg := st.dates.Read(wintime.DateEvidence(s), s, n)
	if msg != "" {
		st.warn(n, msg)
	}
	return o
}

// lineClock returns the time of day a line is stamped with, as record
// reads it: that of an "MSI (x) (pid:tid) [hh:mm:ss:mmm]" prefix or of an
// "Action start/ended hh:mm:ss" line.
func lineClock(text string) (time.Duration, bool) {
	switch {
	case strings.HasPrefix(text, "==="):
		return 0, false
	case strings.HasPrefix(text, "MSI ("):
		var m [9]string
		if !matchPrefix(text, &m) || m[5] == "" {
			return 0, false
		}
		h, _ := strconv.Atoi(m[5])
		mi, _ := strconv.Atoi(m[6])
		s, _ := strconv.Atoi(m[7])
		ms, _ := strconv.Atoi(m[8])
		if h > 23 || mi > 59 || s > 59 {
			return 0, false
		}
		return time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute +
			time.Duration(s)*time.Second + time.Duration(ms)*time.Millisecond, true
	}
	if m := matchAction(text); m != nil {
		return parseClock(m[1])
	}
	return 0, false
}

// anchorFallback dates the stamped lines that come before any "logging
// started" header (or dated footer), the whole log when it has none, from
// the file's modification time: the last of them falls on its date (or the
// day before, see wintime.LastLineDay), and earlier ones a day earlier for each time
// the clock falls back past midnight, as clock.at counts it. It reads such
// lines ahead, keeping nothing; a log that opens with its header is not
// read.
func (st *state) anchorFallback(ctx context.Context) {
	mt := st.in.ModTime
	if mt.IsZero() {
		return
	}
	lines := textio.NewLines(io.NewSectionReader(st.in.R, 0, st.in.Size))
	days := 0
	var last time.Duration
	stamped := false
	for lines.Next() {
		if lines.Number()&255 == 0 && ctx.Err() != nil {
			return
		}
		text := strings.TrimRight(lines.Text(), " \t")
		if _, ok := cultureDate(text); ok && strings.HasPrefix(text, "===") {
			break // dated by its own date from here on
		}
		tod, ok := lineClock(text)
		if !ok {
			continue
		}
		if stamped && tod < last-rollback {
			days++
		}
		last, stamped = tod, true
	}
	day := time.Date(mt.Year(), mt.Month(), mt.Day(), 0, 0, 0, 0, time.UTC)
	if stamped {
		day = wintime.LastLineDay(mt, last)
	}
	st.clk.setFallbackDay(day.AddDate(0, 0, -days))
}
