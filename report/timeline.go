package report

import (
	"fmt"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
)

// TimelineEvent is something that happened on a server that the timeline
// shows besides the evidence of the findings: a setup or hotfix run (from
// its start to its end) or a key event (a service stopping, a reboot).
// Whoever builds the report may add them; the drawing places them by the
// same rules as evidence (an event without a date is never put on the
// dated axis).
type TimelineEvent struct {
	Host string `json:"host"`
	// Bundle is the bundle of the log that says it (with --per-bundle,
	// servers of the same name in two bundles are two lanes).
	Bundle string              `json:"bundle,omitempty"`
	Label  string              `json:"label"`         // what happened, in the report's language
	Start  detectors.Evidence  `json:"start"`         // the record that says it began (or happened)
	End    *detectors.Evidence `json:"end,omitempty"` // the record that says a run ended
}

// The timeline is drawn in a fixed coordinate space; the browser scales it.
const (
	tlWidth    = 1000
	tlPlotX0   = 170.0
	tlPlotX1   = 955.0
	tlTop      = 44
	tlLaneH    = 58
	tlBottom   = 10
	tlBreakRow = 16 // the row under the lanes that says how long each break is
	tlMaxName  = 20 // server names longer than this are shortened in the lane label
	tlMaxRun   = 28 // run labels longer than this are shortened
)

// timeline is the view of the evidence in time: a drawing of what has a
// date and time, a drawing by time of day of what has only that, and the
// lists of both and of what has no usable time at all.
type timeline struct {
	Dated     *tlDrawing
	Clock     *tlDrawing
	AnyNoZone bool
	HasEvents bool      // runs or key events are drawn
	Placed    []tlEntry // on the dated axis, in time order
	ClockList []tlEntry // time of day only, in clock order
	Unplaced  []tlEntry // no date and no time of day: elapsed seconds or nothing
}

// tlDrawing is one SVG: lanes of servers along a time axis.
type tlDrawing struct {
	ID             string
	Width, Height  int
	AxisX0, AxisX1 string
	GridY0, GridY1 string
	Ticks          []tlTick
	Lanes          []tlLane
	Spans          []tlSpan
	Runs           []tlRun
	Marks          []tlMark
	Events         []tlMark
	Labels         []tlLabel
	EventLabels    []tlLabel // the names of key events, under their diamonds
	Breaks         []tlBreak
}

// tlBreak is a break in the axis: the band it blanks out across the lanes
// (X, Y, W, H), the two strokes of its "//" on the axis (S1, S2, each as
// x1, y1, x2, y2), where its label goes (Mid) and how much time it skips.
type tlBreak struct {
	X, Y, W, H, Mid, LabelY, Label, Title string
	CutX, CutY                            string // where the axis line is cut
	S1, S2                                [4]string
}

type tlTick struct {
	X, Label, Date string
}

type tlLane struct {
	TextY, BandY, BandH, Name, Full string
	// Bundle names the lane's bundle, under the server's name, when the
	// report holds several bundles (BundleY is where).
	Bundle, BundleY string
	Odd             bool
}

type tlSpan struct {
	X, Y, W, Title string
}

type tlRun struct {
	X, Y, W, TextX, TextY, Label, Title string
}

type tlMark struct {
	X, Y, Class, Title, Href string
	BX, BY                   string // the corner of an event's diamond, before rotation
	Hollow                   bool
}

type tlLabel struct {
	X, Y, Text, Href string
}

// tlEntry is one item of the timeline's lists and drawings: a piece of
// evidence (Num > 0) or an event (Num == 0).
type tlEntry struct {
	Num      int
	Href     string
	Server   string
	Bundle   string // set when the report holds several bundles
	Title    string
	Location string
	When     string
	Class    string // severity class, or "event"
	NoZone   bool   // a local time of a log that gives no zone
	t, end   time.Time
	file     string
	order    int
}

// laneKey names a lane of the timeline: a server of a bundle.
type laneKey struct{ bundle, server string }

func (e *tlEntry) lane() laneKey { return laneKey{e.Bundle, e.Server} }

// ServerText names the entry's server in the lists, with its bundle when
// the report holds several.
func (e tlEntry) ServerText(t *labels) string {
	s := serverName(e.Server, t)
	if e.Bundle != "" {
		s += " (" + e.Bundle + ")"
	}
	return s
}

func fnum(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// tickSteps are the spacings the axis may use, finest first.
var tickSteps = []time.Duration{
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 30 * 24 * time.Hour,
	91 * 24 * time.Hour, 182 * 24 * time.Hour, 365 * 24 * time.Hour, 5 * 365 * 24 * time.Hour,
}

// clockDay is the day every time-of-day-only entry is put on to be drawn;
// the drawing never shows it.
var clockDay = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func onClockDay(t time.Time, zone *time.Location) time.Time {
	t = logClock(t, zone)
	return clockDay.Add(time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
		time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond()))
}

// buildTimeline lays out the evidence of the ordered findings fs and the
// report's events. What has a date and time goes on the dated axis, one
// lane per server. What has only a time of day (old setup logs) is drawn
// apart, by clock time, because placing it on the dated axis would invent
// a date. What has only elapsed seconds or no time is listed. With multi
// (the report holds several bundles) a lane is a server of one bundle:
// servers of the same name in two bundles are kept apart. Times of logs
// that gave no zone or no date are shown, and times of day drawn, on the
// clock the log kept: in zone, the zone given for such logs (--tz), or UTC
// (see logClock).
func buildTimeline(fs []detectors.Finding, events []TimelineEvent, t *labels, zone *time.Location, multi bool) *timeline {
	tl := &timeline{}
	var dated, clock []tlEntry
	order := 0
	add := func(en tlEntry, e detectors.Evidence) {
		en.order, en.t, en.file = order, e.Time, e.Path
		order++
		switch {
		case placeable(e):
			en.NoZone = e.TimeQ == parsers.TimeNoZone
			tl.AnyNoZone = tl.AnyNoZone || en.NoZone
			dated = append(dated, en)
		case e.TimeQ == parsers.TimeNoDate && !e.Time.IsZero():
			en.t = onClockDay(e.Time, zone)
			if !en.end.IsZero() {
				en.end = onClockDay(en.end, zone)
				if en.end.Before(en.t) { // the run went past midnight
					en.end = en.end.Add(24 * time.Hour)
				}
			}
			clock = append(clock, en)
		default:
			en.end = time.Time{}
			tl.Unplaced = append(tl.Unplaced, en)
		}
	}
	bundleOf := func(b string) string {
		if !multi {
			return ""
		}
		return oneLine(b)
	}
	for i := range fs {
		f := &fs[i]
		for _, e := range f.Evidence {
			add(tlEntry{Num: i + 1, Href: fmt.Sprintf("#f-%d", i+1), Server: oneLine(f.Host), Bundle: bundleOf(f.Bundle),
				Title: oneLine(f.Title), Location: oneLine(e.Location()), When: t.timeText(e, zone),
				Class: sevClass(f.Severity)}, e)
		}
	}
	for _, ev := range events {
		en := tlEntry{Server: oneLine(ev.Host), Bundle: bundleOf(ev.Bundle), Title: oneLine(ev.Label), Location: oneLine(ev.Start.Location()),
			When: t.timeText(ev.Start, zone), Class: "event"}
		// A run's end counts when it is timed the same way as its start.
		if e := ev.End; e != nil && !e.Time.IsZero() && e.TimeQ == ev.Start.TimeQ &&
			(e.TimeQ == parsers.TimeNoDate || !e.Time.Before(ev.Start.Time)) {
			en.end = ev.End.Time
			if w := t.timeText(*ev.End, zone); w != "" {
				en.When += " – " + w
			}
		}
		add(en, ev.Start)
	}
	sortEntries := func(es []tlEntry) {
		sort.SliceStable(es, func(i, j int) bool {
			a, b := es[i], es[j]
			if !a.t.Equal(b.t) {
				return a.t.Before(b.t)
			}
			if a.Bundle != b.Bundle {
				return a.Bundle < b.Bundle
			}
			if a.Server != b.Server {
				return a.Server < b.Server
			}
			return a.order < b.order
		})
	}
	sortEntries(dated)
	sortEntries(clock)
	sort.SliceStable(tl.Unplaced, func(i, j int) bool {
		a, b := tl.Unplaced[i], tl.Unplaced[j]
		if a.Bundle != b.Bundle {
			return a.Bundle < b.Bundle
		}
		if a.Server != b.Server {
			return a.Server < b.Server
		}
		return a.order < b.order
	})
	tl.Placed, tl.ClockList = dated, clock
	for _, e := range append(append([]tlEntry(nil), dated...), clock...) {
		tl.HasEvents = tl.HasEvents || e.Num == 0
	}
	if len(dated) > 0 {
		tl.Dated = draw("timeline-svg", dated, false, t)
	}
	if len(clock) > 0 {
		tl.Clock = draw("timeline-clock-svg", clock, true, t)
	}
	return tl
}

// draw lays out entries (sorted by time) along one axis. With clock set,
// the axis is a time of day and no date is shown.
func draw(id string, entries []tlEntry, clock bool, t *labels) *tlDrawing {
	d := &tlDrawing{ID: id, Width: tlWidth, AxisX0: fnum(tlPlotX0), AxisX1: fnum(tlPlotX1)}

	// The lanes: the servers with entries (of each bundle, by bundle), by
	// name, nameless last.
	laneOf := map[laneKey]int{}
	var names []laneKey
	for _, p := range entries {
		if _, ok := laneOf[p.lane()]; !ok {
			laneOf[p.lane()] = 0
			names = append(names, p.lane())
		}
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := names[i], names[j]
		if a.bundle != b.bundle {
			return a.bundle < b.bundle
		}
		if (a.server == "") != (b.server == "") {
			return b.server == ""
		}
		return a.server < b.server
	})
	for i, n := range names {
		laneOf[n] = i
		y := tlTop + i*tlLaneH
		label := n.server
		if label == "" {
			label = t.NoServer
		}
		lane := tlLane{
			TextY: strconv.Itoa(y + tlLaneH/2 + 4), BandY: strconv.Itoa(y), BandH: strconv.Itoa(tlLaneH),
			Name: Shorten(label, tlMaxName), Full: label, Odd: i%2 == 1,
		}
		if n.bundle != "" {
			lane.TextY, lane.BundleY = strconv.Itoa(y+tlLaneH/2-3), strconv.Itoa(y+tlLaneH/2+12)
			lane.Bundle = Shorten(n.bundle, tlMaxName)
			lane.Full = label + " (" + t.Bundle + ": " + n.bundle + ")"
		}
		d.Lanes = append(d.Lanes, lane)
	}
	d.Height = tlTop + len(names)*tlLaneH + tlBottom
	d.GridY0, d.GridY1 = strconv.Itoa(tlTop-8), strconv.Itoa(d.Height-tlBottom)
	mid := func(lane int) int { return tlTop + lane*tlLaneH + tlLaneH/2 }

	// The axis: the entries' range with a margin, broken where nothing
	// happens for long (see newAxis).
	var times []time.Time
	for _, e := range entries {
		times = append(times, e.t)
		if e.end.After(e.t) {
			times = append(times, e.end)
		}
	}
	ax := newAxis(times)
	x := ax.x
	d.Ticks = ax.ticks(clock)
	if len(ax.segs) > 1 { // a row under the lanes for the breaks' lengths
		d.Height += tlBreakRow
	}
	for i := 1; i < len(ax.segs); i++ {
		p, s := ax.segs[i-1], ax.segs[i]
		skipped := t.duration(s.t0.Sub(p.t1))
		m, ay := (p.x1+s.x0)/2, float64(tlTop-8)
		stroke := func(dx float64) [4]string {
			return [4]string{fnum(m + dx - 3), fnum(ay + 7), fnum(m + dx + 3), fnum(ay - 7)}
		}
		d.Breaks = append(d.Breaks, tlBreak{X: fnum(p.x1 + 8), Y: strconv.Itoa(tlTop), W: fnum(s.x0 - p.x1 - 16),
			H: strconv.Itoa(len(d.Lanes) * tlLaneH), Mid: fnum(m), LabelY: strconv.Itoa(d.Height - tlBottom), Label: skipped,
			Title: fmt.Sprintf(t.BreakTitle, skipped), S1: stroke(-3), S2: stroke(3),
			CutX: fnum(m - 3), CutY: fnum(ay - 2)})
	}

	// Bars: the span of each file's evidence in each lane, and the runs.
	type fileKey struct {
		lane int
		file string
	}
	type fileSpan struct{ a, b time.Time }
	spans := map[fileKey]*fileSpan{}
	var keys []fileKey
	for _, e := range entries {
		if e.Num == 0 {
			continue
		}
		k := fileKey{laneOf[e.lane()], e.file}
		s := spans[k]
		if s == nil {
			spans[k] = &fileSpan{e.t, e.t}
			keys = append(keys, k)
			continue
		}
		if e.t.Before(s.a) {
			s.a = e.t
		}
		if e.t.After(s.b) {
			s.b = e.t
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].lane != keys[j].lane {
			return keys[i].lane < keys[j].lane
		}
		return keys[i].file < keys[j].file
	})
	format := "2006-01-02 15:04:05"
	if clock {
		format = "15:04:05"
	}
	for _, k := range keys {
		s := spans[k]
		xa, xb := x(s.a), x(s.b)
		if xb-xa < 4 {
			xa, xb = xa-2, xa+2
		}
		name := oneLine(path.Base(strings.ReplaceAll(k.file, `\`, "/")))
		d.Spans = append(d.Spans, tlSpan{X: fnum(xa), Y: strconv.Itoa(mid(k.lane) - 4), W: fnum(xb - xa),
			Title: name + ": " + s.a.Format(format) + " – " + s.b.Format(format)})
	}
	runAt := map[int]int{} // entry index -> index in d.Runs
	for i, e := range entries {
		if e.Num != 0 || e.end.IsZero() {
			continue
		}
		xa, xb := x(e.t), x(e.end)
		if xb-xa < 4 {
			xb = xa + 4
		}
		y := mid(laneOf[e.lane()]) + 8
		runAt[i] = len(d.Runs)
		d.Runs = append(d.Runs, tlRun{X: fnum(xa), Y: strconv.Itoa(y), W: fnum(xb - xa),
			TextX: fnum(xa), TextY: strconv.Itoa(y + 16), Label: Shorten(e.Title, tlMaxRun),
			Title: e.Title + " · " + e.When + " · " + e.Location})
	}

	// Marks, and one label per finding and lane: above the mark, or below
	// it when that place is taken; when both are, beside the nearer of the
	// two labels already there, so that no two labels overlap. Runs and
	// events are named in the row below, from their start rightwards.
	type laneState struct{ above, below float64 } // the right edges of the last labels
	state := map[int]*laneState{}
	labelled := map[[2]int]bool{}
	for i, p := range entries {
		lane := laneOf[p.lane()]
		mx, my := x(p.t), mid(lane)
		st := state[lane]
		if st == nil {
			st = &laneState{above: math.Inf(-1), below: math.Inf(-1)}
			state[lane] = st
		}
		if p.Num == 0 {
			text := Shorten(p.Title, tlMaxRun)
			w := eventLabelWidth(text)
			lx := max(mx-4, st.below+labelGap)
			if lx+w > tlWidth-4 { // keep it inside the drawing: end it at the mark
				lx = max(min(lx, mx+4-w), st.below+labelGap)
			}
			// A name with no room left is not drawn; its tooltip and the
			// list under the drawing still give it.
			fits := lx+w <= tlWidth
			if fits {
				st.below = lx + w
			}
			if r, ok := runAt[i]; ok {
				d.Runs[r].TextX = fnum(lx)
				if !fits {
					d.Runs[r].Label = ""
				}
				continue
			}
			d.Events = append(d.Events, tlMark{X: fnum(mx), Y: strconv.Itoa(my), Class: "event",
				BX: fnum(mx - 4.5), BY: fnum(float64(my) - 4.5),
				Title: p.When + " · " + p.Title + " · " + p.Location})
			if fits {
				d.EventLabels = append(d.EventLabels, tlLabel{X: fnum(lx), Y: strconv.Itoa(my + 24), Text: text})
			}
			continue
		}
		d.Marks = append(d.Marks, tlMark{X: fnum(mx), Y: strconv.Itoa(my), Class: p.Class,
			Hollow: p.NoZone, Href: p.Href,
			Title: fmt.Sprintf("F%d · %s · %s · %s", p.Num, p.When, p.Title, p.Location)})
		k := [2]int{lane, p.Num}
		if labelled[k] {
			continue
		}
		labelled[k] = true
		text := fmt.Sprintf("F%d", p.Num)
		half := labelWidth(text) / 2
		// The centre each row allows: the mark's x, or just right of the
		// row's last label.
		ax, bx := max(mx, st.above+labelGap+half), max(mx, st.below+labelGap+half)
		lx, ly := ax, my-12
		if bx < ax {
			lx, ly = bx, my+22
			st.below = lx + half
		} else {
			st.above = lx + half
		}
		d.Labels = append(d.Labels, tlLabel{X: fnum(lx), Y: strconv.Itoa(ly), Text: text, Href: p.Href})
	}
	return d
}

// labelGap is the least space between two finding labels of a lane.
const labelGap = 3.0

// labelWidth is about how wide a finding label ("F12") is drawn, in the
// drawing's units (11px bold digits).
func labelWidth(s string) float64 { return 7.5*float64(len(s)) + 2 }

// eventLabelWidth is about how wide the name of a run or event is drawn
// (10px text; generous, so that names never run into each other).
func eventLabelWidth(s string) float64 { return 6 * float64(utf8.RuneCountInString(s)) }

// sevClass is the CSS class of a severity.
func sevClass(s detectors.Severity) string {
	if s < detectors.Info || s > detectors.Critical {
		return "sev-info"
	}
	return "sev-" + s.String()
}
