package wintime

import (
	"testing"
	"time"

	"github.com/extriage/extriage/parsers"
)

func TestDates(t *testing.T) {
	dates := []struct {
		in      string
		y, m, d int
		ok      bool
	}{
		{"7/31/2001", 2001, 7, 31, true},
		{"12/3/2015", 2015, 12, 3, true},
		{"31/07/2001", 2001, 7, 31, true},
		{"2005-03-14", 2005, 3, 14, true},
		{"14.03.2005", 2005, 3, 14, true},
		{"14.03.2005.", 2005, 3, 14, true},
		{"08-03-2021", 2021, 3, 8, true},
		{"2015/12/03", 2015, 12, 3, true},
		{"7/31/01", 2001, 7, 31, true},
		{"2/30/2001", 0, 0, 0, false},
		{"13/13/2001", 0, 0, 0, false},
		{"7-31/2001", 0, 0, 0, false},
		{"data", 0, 0, 0, false},
		{"1/2/3/4", 0, 0, 0, false},
		{"", 0, 0, 0, false},
	}
	for _, tc := range dates {
		y, m, d, ok := Date(tc.in)
		if ok != tc.ok || y != tc.y || m != tc.m || d != tc.d {
			t.Errorf("Date(%q) = %d-%d-%d %v, want %d-%d-%d %v", tc.in, y, m, d, ok, tc.y, tc.m, tc.d, tc.ok)
		}
	}
	clocks := []struct {
		in       string
		h, mi, s int
		ns       int
		ok       bool
	}{
		{"5:33:28 AM", 5, 33, 28, 0, true},
		{"12:00:15 AM", 0, 0, 15, 0, true},
		{"12:05:00 PM", 12, 5, 0, 0, true},
		{"11:15:00 p.m.", 23, 15, 0, 0, true},
		{"23:59:59", 23, 59, 59, 0, true},
		{"9:05", 9, 5, 0, 0, true},
		{"10:23:45.123", 10, 23, 45, 123000000, true},
		{"13:00:00 PM", 0, 0, 0, 0, false},
		{"24:00:00", 0, 0, 0, 0, false},
		{"5:3:28", 0, 0, 0, 0, false},
		{"godzina", 0, 0, 0, 0, false},
	}
	for _, tc := range clocks {
		h, mi, s, ns, ok := Clock(tc.in)
		if ok != tc.ok || h != tc.h || mi != tc.mi || s != tc.s || ns != tc.ns {
			t.Errorf("Clock(%q) = %d:%d:%d.%d %v, want %d:%d:%d.%d %v", tc.in, h, mi, s, ns, ok, tc.h, tc.mi, tc.s, tc.ns, tc.ok)
		}
	}
	stamps := []struct {
		in string
		t  time.Time
		q  parsers.TimeQuality
		ok bool
	}{
		{"3/15/2010 10:20:30 PM", time.Date(2010, 3, 15, 22, 20, 30, 0, time.UTC), parsers.TimeNoZone, true},
		{"15.03.2010 22:20:30", time.Date(2010, 3, 15, 22, 20, 30, 0, time.UTC), parsers.TimeNoZone, true},
		{"2008-05-20T10:24:00.000", time.Date(2008, 5, 20, 10, 24, 0, 0, time.UTC), parsers.TimeNoZone, true},
		{"2008-05-20T10:24:00+02:00", time.Date(2008, 5, 20, 8, 24, 0, 0, time.UTC), parsers.TimeExact, true},
		{"3/15/2010", time.Time{}, parsers.TimeNone, false},
		{"Error", time.Time{}, parsers.TimeNone, false},
	}
	for _, tc := range stamps {
		got, q, ok := DateTime(tc.in)
		if ok != tc.ok || !got.Equal(tc.t) || q != tc.q {
			t.Errorf("DateTime(%q) = %v %q %v, want %v %q %v", tc.in, got, q, ok, tc.t, tc.q, tc.ok)
		}
	}
}

func TestDateInOrder(t *testing.T) {
	tests := []struct {
		in      string
		o       Order
		y, m, d int
	}{
		{"03/04/2024", BySeparator, 2024, 3, 4},
		{"03/04/2024", MonthFirst, 2024, 3, 4},
		{"03/04/2024", DayFirst, 2024, 4, 3},
		{"03-04-2024", BySeparator, 2024, 4, 3},
		{"03-04-2024", MonthFirst, 2024, 3, 4},
		{"25/04/2024", MonthFirst, 2024, 4, 25}, // can be read one way only
		{"04/25/2024", DayFirst, 2024, 4, 25},
		{"2024/03/04", DayFirst, 2024, 3, 4}, // the year first is never swapped
		{"3/4/24", DayFirst, 2024, 4, 3},
	}
	for _, tc := range tests {
		y, m, d, ok := DateIn(tc.in, tc.o)
		if !ok || y != tc.y || m != tc.m || d != tc.d {
			t.Errorf("DateIn(%q, %v) = %d-%d-%d %v, want %d-%d-%d", tc.in, tc.o, y, m, d, ok, tc.y, tc.m, tc.d)
		}
	}
	got, _, ok := DateTimeIn("03/04/2024 1:02:03 PM", DayFirst)
	if want := time.Date(2024, 4, 3, 13, 2, 3, 0, time.UTC); !ok || !got.Equal(want) {
		t.Errorf("DateTimeIn = %v %v, want %v", got, ok, want)
	}
}

func TestDateEvidence(t *testing.T) {
	tests := []struct {
		in   string
		want Evidence
	}{
		{"25/04/2024", Evidence{Order: DayFirst, Sep: '/'}},
		{"04/25/2024 10:00:00", Evidence{Order: MonthFirst, Sep: '/'}},
		{"03/04/2024", Evidence{Ambiguous: true, Sep: '/'}},
		{"04/04/2024", Evidence{Sep: '/'}},
		{"03.04.2024", Evidence{Ambiguous: true, Sep: '.'}},
		{"2024-04-03", Evidence{}},
		{"2024-04-03T10:00:00Z", Evidence{}},
		{"32/04/2024", Evidence{Sep: '/'}},
		{"text", Evidence{}},
	}
	for _, tc := range tests {
		if got := DateEvidence(tc.in); got != tc.want {
			t.Errorf("DateEvidence(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestFileOrder(t *testing.T) {
	var f FileOrder
	read := func(s string, n int) (Order, string) { return f.Read(DateEvidence(s), s, n) }
	if o, msg := read("2024-04-03", 1); o != BySeparator || msg != "" {
		t.Errorf("year first: %v %q", o, msg)
	}
	if o, msg := read("03.04.2024", 2); o != BySeparator || msg != "" {
		t.Errorf("dotted: %v %q", o, msg)
	}
	o, msg := read("03/04/2024", 3)
	if o != MonthFirst || msg != `date order is ambiguous: "03/04/2024" may be day or month first and no date in the file has a day above 12; dates are read month first (M/D/YYYY), as '/' dates are read by default` {
		t.Errorf("first ambiguous: %v %q", o, msg)
	}
	if o, msg := read("05/04/2024", 4); o != MonthFirst || msg != "" {
		t.Errorf("second ambiguous: %v %q, want no second warning", o, msg)
	}
	if o, msg := read("25/04/2024", 5); o != DayFirst || msg == "" {
		t.Errorf("telling: %v %q, want day first and a warning", o, msg)
	}
	if got, line := f.Decided(); got != DayFirst || line != 5 {
		t.Errorf("Decided() = %v %d", got, line)
	}
	if o, msg := read("03/04/2024", 6); o != DayFirst || msg != "" {
		t.Errorf("after: %v %q", o, msg)
	}
	if o, _ := read("04/26/2024", 7); o != DayFirst {
		t.Errorf("contradicting: %v, want the decided order kept", o)
	}
	if _, msg := read("04/27/2024", 8); msg != "" {
		t.Errorf("second contradiction warned again: %q", msg)
	}
}

// The last line of a log of times of day falls on the modification time's
// date, or the day before when its clock is more than twelve hours past
// the file's.
func TestLastLineDay(t *testing.T) {
	mt := time.Date(2006, 3, 15, 0, 10, 0, 0, time.UTC)
	for _, tc := range []struct {
		last time.Duration
		want string
	}{
		{23*time.Hour + 59*time.Minute, "2006-03-14"}, // written before midnight
		{5 * time.Minute, "2006-03-15"},               // just before the write
		{12 * time.Hour, "2006-03-15"},                // twelve hours past: a zone, not midnight
		{12*time.Hour + 11*time.Minute, "2006-03-14"},
	} {
		if got := LastLineDay(mt, tc.last).Format("2006-01-02"); got != tc.want {
			t.Errorf("LastLineDay(%v) = %s, want %s", tc.last, got, tc.want)
		}
	}
	// The date is that of mt in its own zone.
	warsaw := time.FixedZone("CET", 3600)
	if got := LastLineDay(time.Date(2006, 3, 15, 0, 30, 0, 0, warsaw), 20*time.Minute).Format(time.RFC3339); got != "2006-03-15T00:00:00Z" {
		t.Errorf("in a zone east of UTC: %s", got)
	}
}
