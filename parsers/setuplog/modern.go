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

var (
	// runStart2007Re matches the line that opens a 2007+ setup run.
	runStart2007Re = regexp.MustCompile(`(?i)Starting Microsoft Exchange (Server (\d{4}|Subscription Edition)|2007) Setup`)
	bannerRe       = regexp.MustCompile(`^\*{10,}\s*$`)
	errorRefRe     = regexp.MustCompile(`(?i)^\[ERROR-REFERENCE\] Id=(\S+)`)
)

// modernTime reads the stamp groups of modernRe, a culture-written date
// (see stampEvidence) in the order o; ok is false for a date or time out
// of range.
func modernTime(line string, m []int, o wintime.Order) (t time.Time, ok bool) {
	num := func(i int) int {
		if m[2*i] < 0 {
			return 0
		}
		v, _ := strconv.Atoi(line[m[2*i]:m[2*i+1]])
		return v
	}
	a, b, c := num(1), num(2), num(3)
	var year, month, day int
	switch la, lc := m[3]-m[2], m[7]-m[6]; {
	case la == 4 && lc <= 2: // yyyy-MM-dd
		year, month, day = a, b, c
	case la <= 2 && lc == 4:
		year = c
		// MM/dd/yyyy, the fixed pattern of 2010 and later (a fraction
		// of a second) and the US short date; dd.MM.yyyy otherwise; a
		// culture's short date as the file's dates show it.
		switch {
		case m[14] < 0 && o == wintime.MonthFirst && line[m[3]] != '.':
			month, day = a, b
		case m[14] < 0 && o == wintime.DayFirst && line[m[3]] != '.':
			day, month = a, b
		case m[14] >= 0 || line[m[3]] == '/':
			month, day = a, b
		default:
			day, month = a, b
		}
		if month > 12 && day <= 12 {
			month, day = day, month
		}
	default:
		return time.Time{}, false
	}
	hour, minute, sec := num(4), num(5), num(6)
	var nsec int
	if m[14] >= 0 {
		frac := line[m[14]:m[15]]
		f, _ := strconv.Atoi(frac)
		for i := len(frac); i < 9; i++ {
			f *= 10
		}
		nsec = f
	}
	if m[16] >= 0 {
		if hour < 1 || hour > 12 {
			return time.Time{}, false
		}
		pm := strings.EqualFold(line[m[16]:m[17]], "PM")
		switch {
		case pm && hour < 12:
			hour += 12
		case !pm && hour == 12:
			hour = 0
		}
	}
	if year < 1601 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t = time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day {
		return time.Time{}, false // the 31st of a 30-day month
	}
	return t, true
}

// modernParse is the state of parsing one 2007+ ExchangeSetup.log.
type modernParse struct {
	o          *out
	b          builder
	run        int             // current run index
	runRecords int             // records given to the current run so far
	pending    *parsers.Record // a finished banner record held back
	badStamps  int             // stamps whose date could not be read
	stamp      [20]int         // matchModern's indices for the current line
	dates      wintime.FileOrder
}

// maxOrderLines is how many lines parseModern reads ahead, at most,
// looking for a stamp that tells the culture's day/month order. It is a
// variable so that tests can try the limit on small inputs.
var maxOrderLines = 200000

// stampEvidence returns what a stamp's date tells about the order of day
// and month. Only a date the server's culture wrote counts: a 2007 stamp
// (no fraction of a second) with the year last and '/' or '-' between its
// numbers. Dotted culture dates are day first, and the stamps of 2010 and
// later (with a fraction) follow the fixed MM/dd/yyyy pattern.
func stampEvidence(line string, m []int) wintime.Evidence {
	if m[14] >= 0 || m[3]-m[2] > 2 || m[7]-m[6] != 4 {
		return wintime.Evidence{}
	}
	a, _ := strconv.Atoi(line[m[2]:m[3]])
	b, _ := strconv.Atoi(line[m[4]:m[5]])
	return wintime.OrderEvidence(a, b, line[m[3]])
}

// fixedStampLines is how many stamps of the fixed 2010+ pattern (with a
// fraction of a second) lookAhead reads, with no 2007 culture stamp among
// them, before it takes the file for a log of Exchange 2010 or later,
// whose stamps tell nothing of the culture, and stops: reading on would
// only read such a file twice.
const fixedStampLines = 1000

// lookAhead reads up to maxOrderLines lines for a stamp that tells the
// day/month order (see stampEvidence), keeping nothing. It returns how many
// lines it read.
func (p *modernParse) lookAhead(ctx context.Context) int {
	p.dates = wintime.FileOrder{Limit: maxOrderLines, Default: func(sep byte) (wintime.Order, string) {
		if sep == '-' {
			return wintime.DayFirst, "as dates written with '-' usually are"
		}
		return wintime.MonthFirst, "as the 2007 setup logs of English Windows write them"
	}}
	src := newLineSource(ctx, p.o.in, nil)
	fixed, culture := 0, false
	for src.next() {
		if src.Number() > maxOrderLines {
			p.dates.Cut = true
			return src.Number()
		}
		m := matchModern(src.Text(), p.stamp[:0])
		if m == nil {
			continue
		}
		if m[14] >= 0 { // a fraction of a second: the fixed 2010+ stamp
			if fixed++; fixed >= fixedStampLines && !culture {
				p.dates.Limit, p.dates.Cut = src.Number(), true
				return src.Number()
			}
		} else {
			culture = true
		}
		if p.dates.Learn(stampEvidence(src.Text(), m), src.Number()) {
			return src.Number()
		}
	}
	return src.Number()
}

func parseModern(ctx context.Context, o *out) error {
	p := &modernParse{o: o, b: builder{o: o}, run: 1}
	p.lookAhead(ctx)
	src := newLineSource(ctx, o.in, o)
	for !o.stopped && src.next() {
		p.line(src.Number(), src.Text())
	}
	p.finish()
	if p.pending != nil {
		p.deliver(p.pending)
		p.pending = nil
	}
	if p.badStamps > 0 {
		o.warn(0, "%d line(s) with an unreadable date in the stamp: kept without a time", p.badStamps)
	}
	return src.fail()
}

func (p *modernParse) line(n int, text string) {
	m := matchModern(text, p.stamp[:0]) // as modernRe.FindStringSubmatchIndex
	var (
		t     time.Time
		ok    bool
		depth string
		rest  string
	)
	switch {
	case m != nil:
		ev := stampEvidence(text, m)
		order, msg := p.dates.Read(ev, text[1:m[7]], n)
		if msg != "" {
			p.o.warn(n, "%s", msg)
		}
		t, ok = modernTime(text, m, order)
		depth, rest = text[m[18]:m[19]], text[m[1]:]
	default:
		lm := modernLooseRe.FindStringSubmatchIndex(text)
		if lm == nil {
			if p.b.cur == nil {
				// Text before the first stamped line: a record of its own.
				if strings.TrimSpace(text) == "" {
					return
				}
				p.begin(n, time.Time{}, parsers.TimeNone, "", text)
				return
			}
			p.b.cont(n, text)
			return
		}
		depth, rest = text[lm[2]:lm[3]], text[lm[1]:]
	}
	if !ok {
		if p.badStamps == 0 {
			p.o.warn(n, "unreadable date in stamp %q", text[:strings.IndexByte(text, ']')+1])
		}
		p.badStamps++
		p.begin(n, time.Time{}, parsers.TimeNone, depth, rest)
		return
	}
	p.begin(n, t, parsers.TimeNoZone, depth, rest)
}

// begin finishes the record being built and starts the next.
func (p *modernParse) begin(n int, t time.Time, q parsers.TimeQuality, depth, text string) {
	p.finish()
	r := &parsers.Record{
		Path:   p.o.in.Path,
		Format: parsers.FormatSetupLog,
		Line:   n,
		Offset: -1,
		Time:   t,
		TimeQ:  q,
		Fields: map[string]string{"generation": Gen2007},
	}
	if depth != "" {
		r.Fields["depth"] = depth
	}
	p.b.begin(r, text)
}

// finish completes the record being built: its level, its run, and whether
// it is held back as a banner.
func (p *modernParse) finish() {
	r := p.b.take()
	if r == nil {
		return
	}
	head := firstLine(r.Message)
	switch {
	case hasTag(head, "[ERROR]"), hasTag(head, "[ERROR-REFERENCE]"), hasTag(head, "[REQUIRED]"):
		r.Level = parsers.LevelError
	case hasTag(head, "[WARNING]"), hasTag(head, "[RECOMENDED]"), hasTag(head, "[RECOMMENDED]"):
		r.Level = parsers.LevelWarning
	}
	if r.Level == parsers.LevelError {
		if m := errorRefRe.FindStringSubmatch(head); m != nil {
			r.Fields["error_reference"] = m[1]
		}
	}
	if nStartingMicrosoftExchange.In(head) && runStart2007Re.MatchString(head) {
		if p.runRecords > 0 {
			p.run++
			p.runRecords = 0
		}
		if p.pending != nil { // the banner above the start line opens the run with it
			p.deliver(p.pending)
			p.pending = nil
		}
		p.deliver(r)
		return
	}
	if p.pending != nil {
		p.deliver(p.pending)
		p.pending = nil
	}
	if bannerRe.MatchString(r.Message) {
		p.pending = r
		return
	}
	p.deliver(r)
}

// deliver gives r to the current run and to the sink.
func (p *modernParse) deliver(r *parsers.Record) {
	r.Fields["run"] = strconv.Itoa(p.run)
	p.runRecords++
	p.o.emit(r)
}

// hasTag reports whether a message starts with a severity tag, in any case.
func hasTag(msg, tag string) bool {
	return len(msg) >= len(tag) && strings.EqualFold(msg[:len(tag)], tag)
}
