package report

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
)

func xOf(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("coordinate %q: %v", s, err)
	}
	return f
}

// burstCase is the shape of a typical cluster upgrade: a warning on one
// node the day before, a reboot half a day later, then the failure on the
// other node within twenty minutes, its last two records eleven seconds
// apart.
func burstCase() ([]detectors.Finding, []TimelineEvent) {
	day := func(d, h, m, s int) time.Time { return time.Date(2006, 3, d, h, m, s, 0, time.UTC) }
	fs := []detectors.Finding{
		{Rule: "evs-upgrade-required", Title: "EVS", Severity: detectors.Error, Host: "NODE1",
			Evidence: []detectors.Evidence{{Path: "n1/Application.evtx", Record: 1, Time: day(14, 22, 41, 7)}}},
		{Rule: "hotfix-file-in-use", Title: "in use", Severity: detectors.Error, Host: "NODE1",
			Evidence: []detectors.Evidence{{Path: "n1/KB.log", Line: 7, Time: day(14, 23, 2, 42), TimeQ: parsers.TimeNoZone}}},
		{Rule: "hotfix-install-failed", Title: "failed", Severity: detectors.Error, Host: "NODE1",
			Evidence: []detectors.Evidence{{Path: "n1/KB.log", Line: 13, Time: day(14, 23, 2, 53), TimeQ: parsers.TimeNoZone}}},
		{Rule: "iis-hotfix-831464-missing", Title: "IIS", Severity: detectors.Warning, Host: "NODE2",
			Evidence: []detectors.Evidence{{Path: "n2/System.evtx", Record: 9, Time: day(13, 3, 7, 40)}}},
	}
	evs := []TimelineEvent{{Host: "NODE1", Label: "BPA installed",
		Start: detectors.Evidence{Path: "n1/Application.evtx", Record: 2, Time: day(13, 15, 20, 41)}}}
	return fs, evs
}

// TestTimelineBrokenAxis: evidence in bursts days apart is drawn on an
// axis broken between the bursts, so that the minutes of the failure are
// spread wide enough to read their order, and each break says how long
// it is.
func TestTimelineBrokenAxis(t *testing.T) {
	fs, evs := burstCase()
	tl := buildTimeline(fs, evs, labelsFor(detectors.English), nil, false)
	d := tl.Dated
	if d == nil {
		t.Fatal("nothing drawn")
	}
	var got []string
	for _, b := range d.Breaks {
		got = append(got, b.Label)
	}
	// 03:07:40 + 1 min .. 15:20:41 - 1 min, and 15:20:41 + 1 min .. the
	// next day's 22:41:07 - 52 s.
	if strings.Join(got, "|") != "12 h|1 d 7 h" {
		t.Fatalf("breaks %q, want 12 h and 1 d 7 h", got)
	}
	xs := map[string]float64{}
	prev := -1.0
	for _, m := range d.Marks {
		x := xOf(t, m.X)
		if x < prev || x < tlPlotX0 || x > tlPlotX1 {
			t.Errorf("mark %s at %v: out of time order or outside the plot", m.Href, x)
		}
		prev = x
		xs[m.Href] = x
	}
	// F1 (22:41:07) and F3 (23:02:53) lie far apart; on one linear scale
	// over the two days they would be about six units apart.
	if dx := xs["#f-3"] - xs["#f-1"]; dx < 300 {
		t.Errorf("22:41 and 23:02 are only %.1f apart", dx)
	}
	// The event of the day before sits between the two bursts, in its own.
	ev := xOf(t, d.Events[0].X)
	if !(xs["#f-4"] < ev && ev < xs["#f-1"]) {
		t.Errorf("event at %v is not between F4 (%v) and F1 (%v)", ev, xs["#f-4"], xs["#f-1"])
	}
	// Each break lies between the marks it separates.
	b0, b1 := xOf(t, d.Breaks[0].Mid), xOf(t, d.Breaks[1].Mid)
	if !(xs["#f-4"] < b0 && b0 < ev && ev < b1 && b1 < xs["#f-1"]) {
		t.Errorf("breaks at %v and %v do not separate the bursts", b0, b1)
	}
	// Every stretch is labelled with its date, and no two tick labels crowd.
	dates := map[string]bool{}
	px := -1e9
	for _, tk := range d.Ticks {
		x := xOf(t, tk.X)
		if x-px < 44 {
			t.Errorf("tick %q at %v crowds the one before (%v)", tk.Label, x, px)
		}
		px = x
		if tk.Date != "" {
			dates[tk.Date] = true
		}
	}
	if !dates["2006-03-13"] || !dates["2006-03-14"] {
		t.Errorf("ticks %+v do not date both days", d.Ticks)
	}
	html := string(render(t, "html", &Report{Lang: detectors.English, Findings: fs, Timeline: evs}))
	for _, want := range []string{`<g class="break"><title>Break in the axis: 12 h with nothing to show are left out</title>`,
		">1 d 7 h</text>", labelsFor(detectors.English).BreakNote} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q", want)
		}
	}

	// Evidence spread evenly over the days is drawn to one scale.
	var even []detectors.Finding
	for h := 0; h < 72; h += 3 {
		even = append(even, detectors.Finding{Rule: "r", Host: "H", Severity: detectors.Info, Evidence: []detectors.Evidence{
			{Path: "a.evtx", Record: uint64(h + 1), Time: time.Date(2006, 3, 12, h, 0, 0, 0, time.UTC)}}})
	}
	if b := buildTimeline(even, nil, labelsFor(detectors.English), nil, false).Dated.Breaks; len(b) != 0 {
		t.Errorf("evenly spread evidence: %d breaks", len(b))
	}
}

// TestTimelineLabels: findings whose marks nearly coincide keep labels
// that do not overlap, however many there are.
func TestTimelineLabels(t *testing.T) {
	var fs []detectors.Finding
	for i := 0; i < 12; i++ {
		fs = append(fs, detectors.Finding{Rule: fmt.Sprint("r", i), Host: "H", Severity: detectors.Error,
			Evidence: []detectors.Evidence{{Path: "a.evtx", Record: uint64(i + 1), Time: utc(23, 2, 40+i)}}})
	}
	// and one far away, so that the twelve crowd within a pixel or two
	fs = append(fs, detectors.Finding{Rule: "early", Host: "H", Severity: detectors.Error,
		Evidence: []detectors.Evidence{{Path: "a.evtx", Record: 99, Time: utc(22, 0, 0)}}})
	// a hotfix run that starts with them, and one just before, whose
	// names go under the marks
	evs := []TimelineEvent{
		{Host: "H", Label: "KB912442 (failed)", Start: detectors.Evidence{Path: "kb.log", Line: 1, Time: utc(23, 2, 39)}},
		{Host: "H", Label: "Exchange services stopped", Start: detectors.Evidence{Path: "s.evtx", Record: 5, Time: utc(23, 2, 38)}},
		// at the right end, where there is no room left for its name
		{Host: "H", Label: "Update.exe gave up (0x643)", Start: detectors.Evidence{Path: "kb.log", Line: 14, Time: utc(23, 2, 52)}},
	}
	tl := buildTimeline(fs, evs, labelsFor(detectors.English), nil, false)
	ls := tl.Dated.Labels
	if len(ls) != len(fs) {
		t.Fatalf("%d labels, want %d", len(ls), len(fs))
	}
	for i := range ls {
		for j := i + 1; j < len(ls); j++ {
			a, b := ls[i], ls[j]
			if a.Y != b.Y {
				continue
			}
			if dx := xOf(t, a.X) - xOf(t, b.X); dx < 0 && -dx < (labelWidth(a.Text)+labelWidth(b.Text))/2 ||
				dx >= 0 && dx < (labelWidth(a.Text)+labelWidth(b.Text))/2 {
				t.Errorf("labels %s (x %s) and %s (x %s) overlap", a.Text, a.X, b.Text, b.X)
			}
		}
	}
	for _, l := range ls {
		if x := xOf(t, l.X); x > tlWidth {
			t.Errorf("label %s at %v lies outside the drawing", l.Text, x)
		}
	}
	// The events' names: inside the drawing, clear of each other and of
	// the finding labels in the row below the marks.
	el := tl.Dated.EventLabels
	if len(el) != 2 || len(tl.Dated.Events) != 3 {
		t.Fatalf("%d event labels of %d events, want 2 of 3 (no room for the last)", len(el), len(tl.Dated.Events))
	}
	type span struct {
		a, b float64
		what string
	}
	var below []span
	for _, l := range el {
		a := xOf(t, l.X)
		below = append(below, span{a, a + eventLabelWidth(l.Text), l.Text})
		if a < 0 || a+eventLabelWidth(l.Text) > tlWidth {
			t.Errorf("event label %q at %v runs out of the drawing", l.Text, a)
		}
	}
	for _, l := range ls {
		if l.Y != el[0].Y && xOf(t, l.Y) > xOf(t, tl.Dated.Marks[0].Y) {
			c, h := xOf(t, l.X), labelWidth(l.Text)/2
			below = append(below, span{c - h, c + h, l.Text})
		}
	}
	for i := range below {
		for j := i + 1; j < len(below); j++ {
			if p, q := below[i], below[j]; p.a < q.b && q.a < p.b {
				t.Errorf("labels %q [%.0f,%.0f] and %q [%.0f,%.0f] overlap under the marks", p.what, p.a, p.b, q.what, q.a, q.b)
			}
		}
	}
}

func TestDuration(t *testing.T) {
	en, pl := labelsFor(detectors.English), labelsFor(detectors.Polish)
	for _, tt := range []struct {
		d      time.Duration
		en, pl string
	}{
		{45 * time.Minute, "45 min", "45 min"},
		{3*time.Hour + 20*time.Minute, "3 h 20 min", "3 godz. 20 min"},
		{12*time.Hour + 11*time.Minute, "12 h", "12 godz."},
		{2 * time.Hour, "2 h", "2 godz."},
		{31*time.Hour + 21*time.Minute, "1 d 7 h", "1 d 7 godz."},
		{15*24*time.Hour + 3*time.Hour, "15 d", "15 d"},
	} {
		if got := en.duration(tt.d); got != tt.en {
			t.Errorf("en %v: %q, want %q", tt.d, got, tt.en)
		}
		if got := pl.duration(tt.d); got != tt.pl {
			t.Errorf("pl %v: %q, want %q", tt.d, got, tt.pl)
		}
	}
}
