// Package evexport reads Event Viewer exports in text form: the tab- and
// comma-delimited files that Windows 2000/2003 "Save Log File As" writes,
// the CSV that the Vista and later Event Viewer writes, and the block form
// that "copy to clipboard" produces and that KB articles print, in English
// and Polish, in any encoding that textio recognises.
//
// Delimited files: the columns come from the header line when there is one
// (English or Polish names, in any order) and otherwise from the shape of
// the first record: Date, Time, Source, Type, Category, Event, User,
// Computer, Description (Windows 2003 order); Type, Date, Time, ... (list
// view order); or Level, Date and Time, Source, Event ID, Task Category,
// Description (Vista). Quoted CSV fields may span lines. An unquoted record
// continues until the next line that starts a record (a line whose date and
// time columns read as a date and a time); the lines in between belong to
// its description.
//
// Block form: "Key: value" lines (Event Type, Event Source, ..., Log Name,
// Source, Level, ..., or their Polish names), a Description/Opis key whose
// text runs on the following lines until the next block begins (a line with
// one of the distinctive keys such as "Event Type:", "Log Name:", "Źródło
// zdarzenia:", "Event[N]:"), or until "Event Xml:" or an empty "Data:"
// (binary data, whose hex dump is skipped). A description that starts on
// the key's own line ("Opis: text", as articles print events) also ends at
// the first blank line. Lines between blocks are ignored, so an event
// pasted into an article is found among the prose.
//
// Times in exports are local wall-clock times: they come back as if UTC with
// TimeQ = TimeNoZone (an ISO stamp with a zone, as wevtutil may print, is
// exact). A record without a readable date has a zero Time and TimeNone; a
// date without a time of day is taken at midnight.
//
// Day and month: Windows writes the short date of the server's culture, so
// "03/04/2024" is March 4 from English (US) Windows and 3 April from
// en-GB, French or Spanish Windows. The order is decided per file: Parse
// first reads ahead (up to 100000 lines, keeping nothing) for a date with
// '/' or '-' and the year last whose first or second number is above 12,
// which tells the order for the whole file. A file in which no date tells
// is read month first for '/' (English Windows) and day first for '-' and in
// a Polish export (Polish header, keys or level words), with a warning at
// the first date that could be read both ways. A telling date met only
// after the look-ahead switches the order from there on, with a warning
// that the dates before it were read in the assumed order; a date that
// contradicts the decided order (a file joined from two servers) is read
// the only way it can be, with a warning. Dotted dates are day first.
//
// Record: Line (the record's first line), Offset -1, Provider (Source),
// EventID (the number as exported; a value above 65535 is split into
// EventID and Qualifiers), Level (from Type/Level: Error/Błąd, Warning/
// Ostrzeżenie, Information/Informacje, Success Audit/Inspekcja sukcesów,
// Failure Audit/Inspekcja niepowodzeń, Critical/Krytyczny, Verbose/Pełny;
// Keywords "Audit Success"/"Audit Failure" also set the audit levels), Host
// (Computer), Channel (Log Name, where the export has it), Message (the
// description). Fields: "category", "user", and where present "keywords",
// "opcode", "user_name", and "type" (the raw type when it is not a known
// level word).
package evexport

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/textio"
)

func init() { parsers.Register(Parser{}) }

// Limits that keep one damaged record from holding unbounded memory.
const (
	// maxRecordBytes is the most text kept for one record's description;
	// the rest is dropped with a warning.
	maxRecordBytes = 1 << 20
	// maxQuotedLines is how many lines a quoted CSV field may span before
	// it is taken as an unterminated quote.
	maxQuotedLines = 4096
	// maxUndecided is how many non-blank lines are read looking for the
	// first header, record or event block before the input is rejected.
	maxUndecided = 1000
)

// Parser reads Event Viewer text and CSV exports. Its zero value is ready
// to use.
type Parser struct{}

// Format returns parsers.FormatEvExport.
func (Parser) Format() parsers.Format { return parsers.FormatEvExport }

// Sniff scores the first bytes of a file: 90 for a header line with known
// column names, 85 for an event block (an event ID key, a source key and at
// least four known keys), 55-80 for one to three or more lines shaped like
// exported records.
func (Parser) Sniff(head []byte) int {
	text := textio.DecodeHead(head)
	lines := strings.Split(text, "\n")
	if len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last line may be cut short
	}
	seen := map[bkey]bool{}
	data := 0
	for i, ln := range lines {
		if i >= 200 {
			break
		}
		ln = strings.TrimRight(ln, "\r")
		if strings.TrimSpace(ln) == "" {
			continue
		}
		if _, ok := headerLayout(ln); ok {
			return 90
		}
		if k, v, ok := parseKeyLine(ln); ok {
			if k == bkData && v == "" {
				k = bkBinary
			}
			seen[k] = true
			continue
		}
		if l, ok := guessLayout(ln); ok && l.enoughColumns(ln) {
			data++
		}
	}
	if seen[bkEventID] && seen[bkSource] && len(seen) >= 4 {
		return 85
	}
	switch {
	case data >= 3:
		return 80
	case data == 2:
		return 70
	case data == 1:
		return 55
	}
	return 0
}

// Parse streams the records of an export to sink. It returns an error when
// no header, record or event block is found at all.
func (Parser) Parse(ctx context.Context, in parsers.Input, sink parsers.Sink) error {
	if in.R == nil {
		return parsers.Fail(parsers.FormatEvExport, in.Path, "no data")
	}
	// Look ahead (a bounded prefix, nothing kept) for a date that tells
	// whether the export writes the day or the month first.
	probe := newState(ctx, in, parsers.Sink{})
	probe.probing = true
	_ = probe.run() // the real pass reports what is wrong with the input
	st := newState(ctx, in, sink)
	st.dates = probe.dates
	st.dates.Limit = maxProbeLines
	st.dates.Default = st.dates.defaultOrder
	return st.run()
}

func newState(ctx context.Context, in parsers.Input, sink parsers.Sink) *state {
	st := &state{
		ctx:  ctx,
		in:   in,
		sink: sink,
		src:  &lineSource{lines: textio.NewLines(io.NewSectionReader(in.R, 0, in.Size))},
	}
	st.src.warn = st.warn
	return st
}

// line is one decoded line and its 1-based number.
type line struct {
	text string
	n    int
}

// lineSource hands out lines and takes back lines read ahead.
type lineSource struct {
	lines *textio.Lines
	back  []line // pushed-back lines, next one last
	warn  func(n int, msg string)
	count int
}

func (s *lineSource) next() (line, bool) {
	if k := len(s.back); k > 0 {
		l := s.back[k-1]
		s.back = s.back[:k-1]
		return l, true
	}
	if !s.lines.Next() {
		return line{}, false
	}
	s.count++
	l := line{text: s.lines.Text(), n: s.lines.Number()}
	if s.lines.Truncated() {
		s.warn(l.n, fmt.Sprintf("line longer than %d bytes, cut", textio.MaxLine))
	}
	return l, true
}

// unread pushes ls back so that next returns them in order.
func (s *lineSource) unread(ls []line) {
	for i := len(ls) - 1; i >= 0; i-- {
		s.back = append(s.back, ls[i])
	}
}

// state is one Parse call.
type state struct {
	ctx     context.Context
	in      parsers.Input
	sink    parsers.Sink
	src     *lineSource
	stopped bool // the sink asked to stop
	emitted int
	// probing is true in the look-ahead pass, which only learns the date
	// order: it emits and reports nothing.
	probing bool
	dates   dateOrder
}

func (st *state) warn(n int, msg string) {
	if st.sink.Warn == nil {
		return
	}
	w := parsers.Warning{Path: st.in.Path, Offset: -1, Line: n, Msg: msg}
	st.sink.Warn(w)
}

// emit hands a finished record to the sink.
func (st *state) emit(r *parsers.Record) {
	if st.stopped {
		return
	}
	r.Path = st.in.Path
	r.Format = parsers.FormatEvExport
	r.Offset = -1
	st.emitted++
	if st.probing {
		st.probeLimit()
		return
	}
	if st.sink.Record != nil && !st.sink.Record(r) {
		st.stopped = true
	}
}

// cancelled reports whether the context is done, checking it every 256
// lines.
func (st *state) cancelled() bool {
	if st.src.count&255 != 0 {
		return false
	}
	return st.ctx.Err() != nil
}

func (st *state) run() error {
	undecided := 0
	firstSkipped := 0
	for {
		l, ok := st.src.next()
		if !ok {
			break
		}
		if st.cancelled() {
			return st.ctx.Err()
		}
		if strings.TrimSpace(l.text) == "" {
			continue
		}
		if lay, ok := headerLayout(l.text); ok {
			st.skipped(firstSkipped, l.n)
			return st.delimited(lay, l, true)
		}
		if lay, ok := guessLayout(l.text); ok {
			st.skipped(firstSkipped, l.n)
			return st.delimited(lay, l, false)
		}
		if _, _, ok := parseKeyLine(l.text); ok {
			st.src.unread([]line{l})
			return st.blocks()
		}
		if firstSkipped == 0 {
			firstSkipped = l.n
		}
		undecided++
		if undecided >= maxUndecided {
			break
		}
	}
	if err := st.src.lines.Err(); err != nil {
		return parsers.Fail(parsers.FormatEvExport, st.in.Path, "%w", err)
	}
	return parsers.Fail(parsers.FormatEvExport, st.in.Path, "not an Event Viewer export: no header line, dated record or event block found")
}

// skipped warns about lines before the first record of a delimited export.
func (st *state) skipped(first, upto int) {
	if first > 0 {
		st.warn(first, fmt.Sprintf("lines %d-%d are not event records, skipped", first, upto-1))
	}
}

// finish reports a read error at the end of the input.
func (st *state) finish() error {
	if st.stopped {
		return nil
	}
	if err := st.ctx.Err(); err != nil {
		return err
	}
	if err := st.src.lines.Err(); err != nil {
		if st.emitted == 0 {
			return parsers.Fail(parsers.FormatEvExport, st.in.Path, "%w", err)
		}
		st.warn(st.src.lines.Number(), "read error: "+err.Error())
	}
	return nil
}

// textBuf collects a description up to maxRecordBytes.
type textBuf struct {
	b     strings.Builder
	lines int
	full  bool
}

// add appends one line; it reports false the first time the limit is hit.
func (t *textBuf) add(s string) bool {
	if t.full {
		return true
	}
	if t.b.Len()+len(s)+1 > maxRecordBytes {
		t.full = true
		return false
	}
	if t.lines > 0 {
		t.b.WriteByte('\n')
	}
	t.b.WriteString(s)
	t.lines++
	return true
}

// String returns the text without leading or trailing blank lines.
func (t *textBuf) String() string {
	return trimBlankLines(t.b.String())
}

// trimBlankLines drops leading and trailing lines that hold only white
// space, and trailing white space on the last line.
func trimBlankLines(s string) string {
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 || strings.TrimSpace(s[:i]) != "" {
			break
		}
		s = s[i+1:]
	}
	s = strings.TrimRight(s, " \t\r\n")
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return s
}

// setField stores a non-empty value in r.Fields.
func setField(r *parsers.Record, k, v string) {
	if v == "" {
		return
	}
	if r.Fields == nil {
		r.Fields = make(map[string]string, 4)
	}
	r.Fields[k] = v
}
