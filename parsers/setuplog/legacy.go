package setuplog

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/wintime"
)

// Bounds of the records held back while an error frame of a 2000/2003 log
// is open: past either, the frame is released with its errors standing.
const (
	maxFrameRecords = 512
	maxFrameBytes   = 8 << 20
	maxScopeDepth   = 64
)

// rolloverGap is how far the time of day must go backwards for a 2000/2003
// log to count a new day.
const rolloverGap = 3600

var (
	errorCodeRe    = regexp.MustCompile(`Error code (0[Xx][0-9A-Fa-f]{1,8}) \(-?\d+\)`)
	idNoRe         = regexp.MustCompile(`(?i)\bID no\.?:?\s*(?:0x)?([0-9a-f]{6,8})\b`)
	messageIDRe    = regexp.MustCompile(`\s--\s*ID:(\d+)\s*--\s*$`)
	enteringRe     = regexp.MustCompile(`^Entering\s+(\S.*?)\s*$`)
	leavingRe      = regexp.MustCompile(`^Leaving\s+(\S.*?)\s*$`)
	ignoringRe     = regexp.MustCompile(`(?i)^=== IGNORING PREVIOUS ERRORS ===`)
	runStart2000Re = regexp.MustCompile(`(?i)^\*{3,}\s*(begin(ning)?|start(ing)?|start of)\b.*\bsetup\b`)
)

// isLegacyRunStart reports whether the text of a 5.5 or 2000/2003 record
// opens a setup run.
func isLegacyRunStart(text, gen string) bool {
	text = strings.TrimLeft(text, " \t")
	if strings.HasPrefix(text, "++++") {
		return init55Re.MatchString(text)
	}
	return gen == Gen2000 && strings.HasPrefix(text, "***") && runStart2000Re.MatchString(text)
}

// legacySeconds returns the time of day of a stamped 2000/2003 line in
// seconds, or -1 for an unstamped line or an impossible time.
func legacySeconds(line string) int {
	m := legacyRe.FindStringSubmatch(line)
	if m == nil {
		return -1
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	s, _ := strconv.Atoi(m[3])
	if h > 23 || mi > 59 || s > 59 {
		return -1
	}
	return h*3600 + mi*60 + s
}

// dayClock turns times of day into dates: it counts a new day each time the
// clock goes back by more than rolloverGap.
type dayClock struct {
	prev int // the previous time of day, -1 before the first
	days int // days counted so far
}

func (c *dayClock) add(sec int) {
	if c.prev >= 0 && sec < c.prev-rolloverGap {
		c.days++
	}
	c.prev = sec
}

// countRollovers reads the whole input once and counts the day rollovers;
// it also returns the time of day of the last stamped line (-1 for none).
func countRollovers(ctx context.Context, in parsers.Input) (int, int, error) {
	src := newLineSource(ctx, in, nil)
	c := dayClock{prev: -1}
	for src.next() {
		if s := legacySeconds(src.Text()); s >= 0 {
			c.add(s)
		}
	}
	return c.days, c.prev, src.fail()
}

// anchorDay returns the date (midnight, UTC) of day 0 of a 2000/2003 log
// whose clock counted days rollovers and whose last stamped line has the
// time of day last (-1 for none), given the file's modification time mt
// (see wintime.LastLineDay).
func (p *legacyParse) anchorDay(mt time.Time, days, last int) time.Time {
	day := time.Date(mt.Year(), mt.Month(), mt.Day(), 0, 0, 0, 0, time.UTC)
	if last >= 0 {
		day = wintime.LastLineDay(mt, time.Duration(last)*time.Second)
	}
	return day.AddDate(0, 0, -days)
}

// legacyParse is the state of parsing one 5.5 or 2000/2003 log.
type legacyParse struct {
	o          *out
	gen        string
	b          builder
	base       time.Time // the date of day 0
	clock      dayClock
	run        int
	runRecords int
	scopes     []string // open "Entering" scopes, innermost last

	frame      []*parsers.Record // records held back since the frame's first error
	frameBytes int
}

func parseLegacy(ctx context.Context, o *out, gen string) error {
	p := &legacyParse{o: o, gen: gen, b: builder{o: o}, run: 1, clock: dayClock{prev: -1}}
	p.base = time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC) // not day 1: its midnight is the zero Time, "unknown"
	if mt := o.in.ModTime; !mt.IsZero() {
		days, last, err := countRollovers(ctx, o.in)
		if err != nil && ctx.Err() != nil {
			return err
		}
		p.base = p.anchorDay(mt, days, last)
	}
	src := newLineSource(ctx, o.in, o)
	for !o.stopped && src.next() {
		p.line(src.Number(), src.Text())
	}
	p.finish()
	p.release(false)
	return src.fail()
}

func (p *legacyParse) line(n int, text string) {
	sec := legacySeconds(text)
	if sec < 0 {
		if p.gen == Gen55 || p.b.cur == nil {
			// 5.5 lines carry no stamp: each is a record. So is text
			// before the first stamped line of a 2000/2003 log.
			if strings.TrimSpace(text) == "" {
				return
			}
			p.begin(n, time.Time{}, parsers.TimeNone, -1, text)
			return
		}
		p.b.cont(n, text)
		return
	}
	p.clock.add(sec)
	t := p.base.AddDate(0, 0, p.clock.days).Add(time.Duration(sec) * time.Second)
	m := legacyRe.FindStringSubmatchIndex(text)
	indent := m[9] - m[8]
	p.begin(n, t, parsers.TimeNoDate, max(indent-1, 0), text[m[1]:])
}

// begin finishes the record being built and starts the next.
func (p *legacyParse) begin(n int, t time.Time, q parsers.TimeQuality, depth int, text string) {
	p.finish()
	if p.o.stopped {
		return
	}
	r := &parsers.Record{
		Path:   p.o.in.Path,
		Format: parsers.FormatSetupLog,
		Line:   n,
		Offset: -1,
		Time:   t,
		TimeQ:  q,
		Fields: map[string]string{"generation": p.gen},
	}
	if depth >= 0 {
		r.Fields["depth"] = strconv.Itoa(depth)
	}
	if isLegacyRunStart(text, p.gen) {
		if p.runRecords > 0 {
			p.release(false)
			p.run++
			p.runRecords = 0
			p.scopes = p.scopes[:0]
		}
	}
	r.Fields["run"] = strconv.Itoa(p.run)
	p.runRecords++
	if s := p.scope(); s != "" {
		r.Fields["scope"] = s
	}
	p.b.begin(r, text)
}

func (p *legacyParse) scope() string {
	if len(p.scopes) == 0 {
		return ""
	}
	return p.scopes[len(p.scopes)-1]
}

// finish completes the record being built and routes it through the error
// frame.
func (p *legacyParse) finish() {
	r := p.b.take()
	if r == nil {
		return
	}
	head := firstLine(r.Message)
	if m := messageIDRe.FindStringSubmatch(head); m != nil {
		r.Fields["message_id"] = m[1]
	}
	isErr := false
	if m := errorCodeRe.FindStringSubmatch(r.Message); m != nil {
		r.Fields["error_code"] = "0X" + strings.ToUpper(m[1][2:])
		isErr = true
	} else if m := idNoRe.FindStringSubmatch(r.Message); m != nil {
		r.Fields["error_code"] = "0X" + strings.ToUpper(m[1])
		isErr = true
	}
	if isErr {
		r.Level = parsers.LevelError
	}
	switch {
	case p.gen != Gen2000:
		p.o.emit(r)
	case ignoringRe.MatchString(head):
		p.release(true)
		p.o.emit(r)
	default:
		if m := enteringRe.FindStringSubmatch(head); m != nil {
			p.release(false)
			if len(p.scopes) == maxScopeDepth {
				copy(p.scopes, p.scopes[1:])
				p.scopes = p.scopes[:maxScopeDepth-1]
			}
			p.scopes = append(p.scopes, m[1])
			r.Fields["scope"] = m[1]
			p.o.emit(r)
			return
		}
		if m := leavingRe.FindStringSubmatch(head); m != nil {
			for i := len(p.scopes) - 1; i >= 0; i-- {
				if p.scopes[i] == m[1] {
					p.scopes = p.scopes[:i]
					break
				}
			}
		}
		if isErr || len(p.frame) > 0 {
			p.frame = append(p.frame, r)
			p.frameBytes += len(r.Message)
			if len(p.frame) >= maxFrameRecords || p.frameBytes >= maxFrameBytes {
				p.release(false)
			}
			return
		}
		p.o.emit(r)
	}
}

// release hands the held-back records of the error frame to the sink;
// with ignored set, their errors are marked as suppressed.
func (p *legacyParse) release(ignored bool) {
	for _, r := range p.frame {
		if ignored && r.Fields["error_code"] != "" {
			r.Fields["ignored"] = "true"
			r.Level = parsers.LevelNone
		}
		p.o.emit(r)
	}
	clear(p.frame)
	p.frame = p.frame[:0]
	p.frameBytes = 0
}
