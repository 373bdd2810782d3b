package report

import (
	"testing"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the machine's zoneinfo

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
)

// TestLogClockTimes: times of logs that gave no zone or no date show the
// clock the log wrote. With --tz they were converted from that zone to UTC
// (23:59 in Warsaw is 22:59 UTC), and are shown back in it, named; without
// it they were kept as read, and are shown as they are.
func TestLogClockTimes(t *testing.T) {
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Fatal(err)
	}
	inUTC := time.Date(2006, 3, 14, 22, 59, 0, 0, time.UTC) // 23:59 in Warsaw
	asRead := time.Date(2006, 3, 14, 23, 59, 0, 0, time.UTC)
	en := labelsFor(detectors.English)
	tr := translations[detectors.English]
	tests := []struct {
		t           time.Time
		q           parsers.TimeQuality
		zone        *time.Location
		table, text string
	}{
		{inUTC, parsers.TimeNoDate, warsaw, " 23:59:00 Europe/Warsaw (time of day only)", "23:59:00 Europe/Warsaw (time of day only, date unknown)"},
		{asRead, parsers.TimeNoDate, nil, " 23:59:00 (time of day only)", "23:59:00 (time of day only, date unknown)"},
		{inUTC, parsers.TimeNoZone, warsaw, " 2006-03-14 23:59:00 Europe/Warsaw", "2006-03-14 23:59:00 Europe/Warsaw"},
		{asRead, parsers.TimeNoZone, nil, " 2006-03-14 23:59:00 (local time)", "2006-03-14 23:59:00 (local time, zone unknown)"},
		{inUTC, parsers.TimeExact, warsaw, " 2006-03-14 22:59:00 UTC", "2006-03-14 22:59:00 UTC"},
	}
	for _, tc := range tests {
		e := detectors.Evidence{Time: tc.t, TimeQ: tc.q}
		if got := evidenceTime(e, tr, tc.zone); got != tc.table {
			t.Errorf("%s %s in %v: table %q, want %q", tc.t, tc.q, tc.zone, got, tc.table)
		}
		if got := en.timeText(e, tc.zone); got != tc.text {
			t.Errorf("%s %s in %v: report %q, want %q", tc.t, tc.q, tc.zone, got, tc.text)
		}
	}
	// the clock lane of the timeline draws a time of day where the log has it
	fs := []detectors.Finding{{Rule: "r", Host: "H", Evidence: []detectors.Evidence{{Path: "p.log", Line: 1, Time: inUTC, TimeQ: parsers.TimeNoDate}}}}
	tl := buildTimeline(fs, nil, en, warsaw, false)
	if len(tl.ClockList) != 1 || tl.ClockList[0].t.Hour() != 23 {
		t.Errorf("clock lane %+v, want one entry at 23:59", tl.ClockList)
	}
}
