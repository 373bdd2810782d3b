package report

import (
	"math"
	"sort"
	"time"
)

// The broken time axis of the timeline drawings. A case's evidence tends
// to come in bursts: a service stopping the day before, then the failed
// update runs within minutes of each other. Drawn to one scale, the
// minutes that matter shrink to a pixel or two and their order is lost.
// So where nothing happens for long the axis is broken: each burst is
// drawn to its own scale, and the breaks between them say how much time
// they skip. Time still runs left to right everywhere.
const (
	tlBreakW    = 44.0 // the room a break takes on the axis
	tlMinSegW   = 70.0 // the least width of a stretch drawn to scale
	tlMaxSegs   = 6    // at most this many stretches (five breaks)
	tlTickRoom  = 90.0 // the room one tick label needs
	tlBreakFrac = 5    // a quiet gap breaks the axis when longer than 1/5 of the whole span ...
	tlBreakMin  = 30 * time.Minute
)

// axisSeg is one stretch of the axis, drawn to scale: the times t0..t1
// map to x0..x1.
type axisSeg struct {
	t0, t1 time.Time
	x0, x1 float64
}

// axis maps times to x across its stretches; between two stretches (in a
// break) it interpolates, so the mapping is monotonic everywhere.
type axis struct {
	segs []axisSeg
}

// newAxis lays out the axis for times (any order, at least one). Quiet
// gaps longer than a fifth of the whole span and than 30 minutes break it,
// the longest first, up to tlMaxSegs stretches. Each stretch is padded by
// 1/25 of its length (at least a minute) and gets tlMinSegW plus a share
// of the rest of the width in proportion to its length. Without a break
// this is the plain linear axis over the whole range.
func newAxis(times []time.Time) *axis {
	ts := append([]time.Time(nil), times...)
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	span := ts[len(ts)-1].Sub(ts[0])
	limit := max(span/tlBreakFrac, tlBreakMin)
	var gaps []int // index i: the gap between ts[i] and ts[i+1]
	for i := 0; i+1 < len(ts); i++ {
		if ts[i+1].Sub(ts[i]) > limit {
			gaps = append(gaps, i)
		}
	}
	if len(gaps) > tlMaxSegs-1 {
		sort.SliceStable(gaps, func(a, b int) bool {
			return ts[gaps[a]+1].Sub(ts[gaps[a]]) > ts[gaps[b]+1].Sub(ts[gaps[b]])
		})
		gaps = gaps[:tlMaxSegs-1]
		sort.Ints(gaps)
	}
	var segs []axisSeg
	start := 0
	for _, g := range append(gaps, len(ts)-1) {
		a, b := ts[start], ts[g]
		pad := max(b.Sub(a)/25, time.Minute)
		segs = append(segs, axisSeg{t0: a.Add(-pad), t1: b.Add(pad)})
		start = g + 1
	}
	free := tlPlotX1 - tlPlotX0 - float64(len(segs)-1)*tlBreakW - float64(len(segs))*tlMinSegW
	var total float64
	for _, s := range segs {
		total += float64(s.t1.Sub(s.t0))
	}
	x := tlPlotX0
	for i := range segs {
		s := &segs[i]
		s.x0 = x
		s.x1 = x + tlMinSegW + free*float64(s.t1.Sub(s.t0))/total
		x = s.x1 + tlBreakW
	}
	segs[len(segs)-1].x1 = tlPlotX1 // no rounding drift at the end
	return &axis{segs: segs}
}

// x places a time on the axis.
func (a *axis) x(t time.Time) float64 {
	lerp := func(t, t0, t1 time.Time, x0, x1 float64) float64 {
		if !t1.After(t0) {
			return x0
		}
		return x0 + float64(t.Sub(t0))/float64(t1.Sub(t0))*(x1-x0)
	}
	for i, s := range a.segs {
		if t.After(s.t1) {
			continue
		}
		if i > 0 && t.Before(s.t0) { // in the break before s
			p := a.segs[i-1]
			return lerp(t, p.t1, s.t0, p.x1, s.x0)
		}
		return lerp(t, s.t0, s.t1, s.x0, s.x1)
	}
	last := a.segs[len(a.segs)-1]
	return lerp(t, last.t0, last.t1, last.x0, last.x1)
}

// ticks labels each stretch at round times, as many as its width has
// room for (at least one), with the date on the first tick of a stretch
// and wherever the day changes (never on a time-of-day axis). A tick that
// would crowd the one before it is left out.
func (a *axis) ticks(clock bool) []tlTick {
	var out []tlTick
	prevDate, prevX, prevWide := "", math.Inf(-1), false
	for _, s := range a.segs {
		span := s.t1.Sub(s.t0)
		room := max(1, int((s.x1-s.x0)/tlTickRoom))
		step := tickSteps[len(tickSteps)-1]
		for _, st := range tickSteps {
			if span/st <= time.Duration(room) {
				step = st
				break
			}
		}
		var at []time.Time
		secs := int64(step / time.Second)
		for u := (s.t0.Unix() + secs - 1) / secs * secs; u <= s.t1.Unix(); u += secs {
			at = append(at, time.Unix(u, 0).UTC())
		}
		if len(at) == 0 { // a narrow stretch with no round time in it
			at = append(at, s.t0.Add(span/2).UTC().Truncate(time.Second))
		}
		first := true
		for _, tt := range at {
			x := a.x(tt)
			tk := tlTick{X: fnum(x)}
			switch {
			case step >= 24*time.Hour:
				tk.Label = tt.Format("2006-01-02")
			case step < time.Minute:
				tk.Label = tt.Format("15:04:05")
			default:
				tk.Label = tt.Format("15:04")
			}
			dd := tt.Format("2006-01-02")
			if !clock && step < 24*time.Hour && (first || dd != prevDate) {
				tk.Date = dd
			}
			wide := tk.Date != "" || len(tk.Label) > 5
			need := 44.0
			if wide || prevWide {
				need = 66
			}
			if x-prevX < need {
				continue
			}
			if tk.Date != "" {
				prevDate = dd
			}
			first = false
			prevX, prevWide = x, wide
			out = append(out, tk)
		}
	}
	return out
}
