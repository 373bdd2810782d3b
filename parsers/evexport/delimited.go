package evexport

import (
	"fmt"
	"strings"

	"github.com/extriage/extriage/parsers/wintime"

	"github.com/extriage/extriage/parsers"
)

// col is what one column of a delimited export holds.
type col int

const (
	colSkip col = iota
	colDate
	colTime
	colDateTime
	colSource
	colType
	colCategory
	colEventID
	colUser
	colComputer
	colDescription
	colChannel
	colKeywords
)

// columnNames maps header names, English and Polish, lower-cased, to
// columns.
var columnNames = map[string]col{
	// Windows 2000/2003 "Save Log File As" (.txt, .csv)
	"date":        colDate,
	"data":        colDate,
	"time":        colTime,
	"godzina":     colTime,
	"source":      colSource,
	"źródło":      colSource,
	"type":        colType,
	"typ":         colType,
	"category":    colCategory,
	"kategoria":   colCategory,
	"event":       colEventID,
	"zdarzenie":   colEventID,
	"user":        colUser,
	"użytkownik":  colUser,
	"computer":    colComputer,
	"komputer":    colComputer,
	"description": colDescription,
	"opis":        colDescription,
	// Vista and later Event Viewer CSV
	"level":                   colType,
	"poziom":                  colType,
	"date and time":           colDateTime,
	"data i godzina":          colDateTime,
	"event id":                colEventID,
	"identyfikator zdarzenia": colEventID,
	"task category":           colCategory,
	"kategoria zadania":       colCategory,
	"keywords":                colKeywords,
	"słowa kluczowe":          colKeywords,
	"log name":                colChannel,
	"nazwa dziennika":         colChannel,
}

// The column orders of exports without a header line.
var (
	// Windows 2003 "Save Log File As" field order.
	legacyCols = []col{colDate, colTime, colSource, colType, colCategory, colEventID, colUser, colComputer, colDescription}
	// The order of Event Viewer's list view, which some tools copy.
	listViewCols = []col{colType, colDate, colTime, colSource, colCategory, colEventID, colUser, colComputer, colDescription}
	// Vista and later CSV: the description is the unnamed sixth column.
	vistaCols = []col{colType, colDateTime, colSource, colEventID, colCategory, colDescription}
)

// layout is the column order and delimiter of one delimited export.
type layout struct {
	cols    []col
	delim   byte
	quotes  bool // quoted fields are honoured (CSV; not the tab format)
	dateIdx int  // column of the date or date-and-time
	timeIdx int  // column of the time, -1 when dateIdx holds both
	descIdx int
}

func newLayout(cols []col, delim byte) layout {
	l := layout{delim: delim, quotes: delim != '\t', dateIdx: -1, timeIdx: -1, descIdx: -1}
	for i, c := range cols {
		switch c {
		case colDate, colDateTime:
			if l.dateIdx < 0 {
				l.dateIdx = i
			}
		case colTime:
			if l.timeIdx < 0 {
				l.timeIdx = i
			}
		case colDescription:
			if l.descIdx < 0 {
				l.descIdx = i
			}
		}
	}
	if l.descIdx < 0 {
		// Vista's header names five columns; the description follows
		// them without a name.
		cols = append(append([]col(nil), cols...), colDescription)
		l.descIdx = len(cols) - 1
	}
	if l.dateIdx >= 0 && cols[l.dateIdx] == colDateTime {
		l.timeIdx = -1
	}
	l.cols = cols
	return l
}

// firstDelim returns the first tab, comma or semicolon in s, or 0.
func firstDelim(s string) byte {
	i := strings.IndexAny(s, "\t,;")
	if i < 0 {
		return 0
	}
	return s[i]
}

// headerLayout recognises a header line: delimited, at least three known
// column names, the first one known, and a date column among them.
func headerLayout(text string) (layout, bool) {
	delim := firstDelim(text)
	if delim == 0 {
		return layout{}, false
	}
	if first := firstFields(text, delim, delim != '\t', 1); len(first) == 0 || lookupOrZero(columnNames, first[0]) == colSkip {
		return layout{}, false
	}
	fields := splitLine(text, delim, delim != '\t')
	if len(fields) < 3 {
		return layout{}, false
	}
	cols := make([]col, len(fields))
	known := 0
	hasDate := false
	for i, f := range fields {
		c, ok := lookupKey(columnNames, f)
		if !ok {
			if i == 0 {
				return layout{}, false
			}
			continue
		}
		cols[i] = c
		known++
		if c == colDate || c == colDateTime {
			hasDate = true
		}
	}
	if known < 3 || !hasDate {
		return layout{}, false
	}
	// A trailing empty name (a header line ending in a delimiter) is
	// the description column when none is named.
	return newLayout(trimTrailingSkips(cols), delim), true
}

// lookupOrZero returns m[normKey(s)].
func lookupOrZero[V any](m map[string]V, s string) V {
	v, _ := lookupKey(m, s)
	return v
}

func trimTrailingSkips(cols []col) []col {
	for len(cols) > 0 && cols[len(cols)-1] == colSkip {
		cols = cols[:len(cols)-1]
	}
	return cols
}

// guessLayout recognises the first record of an export without a header
// by its shape: a date and a time in the first two columns (Windows 2003
// order), in the second and third (list view order), or a date and time
// in the second column followed by a source and a numeric event ID
// (Vista).
func guessLayout(text string) (layout, bool) {
	delim := firstDelim(text)
	if delim == 0 {
		return layout{}, false
	}
	f := splitLine(text, delim, delim != '\t')
	isDate := func(s string) bool { _, _, _, ok := wintime.Date(s); return ok }
	isClock := func(s string) bool { _, _, _, _, ok := wintime.Clock(s); return ok }
	switch {
	case len(f) >= 8 && isDate(f[0]) && isClock(f[1]):
		return newLayout(legacyCols, delim), true
	case len(f) >= 8 && isDate(f[1]) && isClock(f[2]):
		return newLayout(listViewCols, delim), true
	case len(f) >= 5:
		if _, _, ok := wintime.DateTime(f[1]); !ok {
			return layout{}, false
		}
		if _, _, ok := parseEventID(f[3]); !ok {
			return layout{}, false
		}
		return newLayout(vistaCols, delim), true
	}
	return layout{}, false
}

// enoughColumns reports whether a line has all the layout's columns but
// perhaps the description.
func (l layout) enoughColumns(text string) bool {
	return len(splitLine(text, l.delim, l.quotes)) >= len(l.cols)-1
}

// isStart reports whether a line begins a record: its date (and time)
// columns read as a date and a time.
func (l layout) isStart(text string) bool {
	if strings.IndexByte(text, l.delim) < 0 {
		return false
	}
	if strings.Count(text, string(l.delim))+1 < len(l.cols)/2+1 {
		return false
	}
	f := firstFields(text, l.delim, l.quotes, max(l.dateIdx, l.timeIdx)+1)
	if l.dateIdx >= len(f) || l.timeIdx >= len(f) {
		return false
	}
	if l.timeIdx < 0 {
		_, _, ok := wintime.DateTime(f[l.dateIdx])
		return ok
	}
	if _, _, _, ok := wintime.Date(f[l.dateIdx]); !ok {
		return false
	}
	_, _, _, _, ok := wintime.Clock(f[l.timeIdx])
	return ok
}

// splitter splits delimited text into fields. With quotes on, a field
// that starts with a double quote runs to the next quote that is followed
// by the delimiter or the end of a line, possibly lines later; "" inside
// it is one quote, and a lone quote followed by anything else is kept as
// text. Quotes inside an unquoted field are text.
type splitter struct {
	delim   byte
	quotes  bool
	limit   int // stop after this many fields; 0 for no limit
	fields  []string
	cur     strings.Builder
	inQuote bool
	atStart bool
}

func newSplitter(delim byte, quotes bool) *splitter {
	return &splitter{delim: delim, quotes: quotes, atStart: true}
}

// feed splits one line; it reports true when a quoted field is still
// open at its end (the next line belongs to the same field).
func (s *splitter) feed(text string) bool {
	i := 0
	for {
		if s.limit > 0 && len(s.fields) >= s.limit {
			return false
		}
		if s.inQuote {
			j := strings.IndexByte(text[i:], '"')
			if j < 0 {
				s.cur.WriteString(text[i:])
				s.cur.WriteByte('\n')
				return true
			}
			s.cur.WriteString(text[i : i+j])
			i += j
			switch {
			case i+1 < len(text) && text[i+1] == '"':
				s.cur.WriteByte('"')
				i += 2
			case i+1 == len(text) || text[i+1] == s.delim:
				s.inQuote = false
				i++
			default:
				s.cur.WriteByte('"')
				i++
			}
			continue
		}
		if s.atStart && s.quotes && i < len(text) && text[i] == '"' {
			s.inQuote = true
			s.atStart = false
			i++
			continue
		}
		j := strings.IndexByte(text[i:], s.delim)
		seg := text[i:]
		if j >= 0 {
			seg = text[i : i+j]
		}
		field := seg
		if s.cur.Len() > 0 {
			s.cur.WriteString(seg)
			field = s.cur.String()
			s.cur.Reset()
		}
		s.fields = append(s.fields, field)
		s.atStart = true
		if j < 0 {
			return false
		}
		i += j + 1
	}
}

// close ends a quoted field left open and returns the fields.
func (s *splitter) close() []string {
	if s.inQuote {
		s.inQuote = false
		s.fields = append(s.fields, strings.TrimSuffix(s.cur.String(), "\n"))
		s.cur.Reset()
		s.atStart = true
	}
	return s.fields
}

// splitLine splits one line on its own; a quote still open at its end
// closes there.
func splitLine(text string, delim byte, quotes bool) []string {
	s := newSplitter(delim, quotes)
	s.feed(text)
	return s.close()
}

// firstFields splits off at most n leading fields of one line.
func firstFields(text string, delim byte, quotes bool, n int) []string {
	s := splitter{delim: delim, quotes: quotes, atStart: true, limit: n, fields: make([]string, 0, n)}
	s.feed(text)
	return s.close()
}

// readRow reads the fields of the record that begins at first, following
// quoted fields over line ends. A quote still open after maxQuotedLines
// lines, maxRecordBytes bytes or at the end of the input is reported, the
// first line is read alone and the lines read ahead are given back.
func (st *state) readRow(lay layout, first line) []string {
	sp := &splitter{delim: lay.delim, quotes: lay.quotes, atStart: true, fields: make([]string, 0, len(lay.cols)+1)}
	if !sp.feed(first.text) {
		return sp.fields
	}
	var ahead []line
	size := len(first.text)
	for {
		l, ok := st.src.next()
		if ok {
			ahead = append(ahead, l)
			size += len(l.text) + 1
		}
		if !ok || len(ahead) > maxQuotedLines || size > maxRecordBytes {
			st.warn(first.n, "quoted field is never closed; the record is read from its first line only")
			st.src.unread(ahead)
			return splitLine(first.text, lay.delim, lay.quotes)
		}
		if !sp.feed(l.text) {
			return sp.fields
		}
	}
}

// delimited reads a tab- or comma-delimited export whose first header or
// record line is first.
func (st *state) delimited(lay layout, first line, isHeader bool) error {
	var (
		pending *parsers.Record
		desc    textBuf
		stray   bool // the previous line was outside any record
	)
	flush := func() {
		if pending == nil {
			return
		}
		msg := desc.String()
		if !lay.quotes {
			msg = unquote(msg)
		}
		pending.Message = msg
		st.emit(pending)
		pending = nil
		desc = textBuf{}
	}
	l, ok := first, true
	if isHeader {
		st.noteHeader(first.text, lay)
		l, ok = st.src.next()
	}
	for ; ok && !st.stopped; l, ok = st.src.next() {
		if st.cancelled() {
			return st.ctx.Err()
		}
		if h, isH := headerLayout(l.text); isH {
			flush()
			lay = h
			st.noteHeader(l.text, lay)
			stray = false
			continue
		}
		if lay.isStart(l.text) {
			flush()
			var d string
			pending, d = st.buildRecord(lay, st.readRow(lay, l), l.n)
			if !desc.add(d) {
				st.warn(l.n, fmt.Sprintf("description longer than %d bytes, cut", maxRecordBytes))
			}
			stray = false
			continue
		}
		if pending == nil {
			if strings.TrimSpace(l.text) != "" && !stray {
				st.warn(l.n, "text outside any record, skipped")
				stray = true
			}
			continue
		}
		if !desc.add(l.text) {
			st.warn(l.n, fmt.Sprintf("description of the record at line %d is longer than %d bytes, cut", pending.Line, maxRecordBytes))
		}
	}
	flush()
	return st.finish()
}

// buildRecord makes a record of one row's fields; it returns the
// description apart.
func (st *state) buildRecord(lay layout, fields []string, n int) (*parsers.Record, string) {
	ncols := len(lay.cols)
	if len(fields) > ncols {
		if lay.descIdx == ncols-1 {
			// An unquoted description that holds the delimiter.
			joined := strings.Join(fields[lay.descIdx:], string(lay.delim))
			fields = append(fields[:lay.descIdx:lay.descIdx], joined)
		} else {
			st.warn(n, fmt.Sprintf("record has %d fields, expected %d; the extra ones are ignored", len(fields), ncols))
		}
	}
	if len(fields) < ncols && !(len(fields) == ncols-1 && lay.descIdx == ncols-1) {
		st.warn(n, fmt.Sprintf("record has %d fields, expected %d", len(fields), ncols))
	}
	r := &parsers.Record{Line: n, TimeQ: parsers.TimeNone}
	var dateS, timeS, desc string
	for i, c := range lay.cols {
		if i >= len(fields) {
			break
		}
		v := strings.TrimSpace(fields[i])
		switch c {
		case colDate, colDateTime:
			if i == lay.dateIdx {
				dateS = v
			}
		case colTime:
			if i == lay.timeIdx {
				timeS = v
			}
		case colSource:
			r.Provider = v
		case colType:
			if lv, ok := parseLevel(v); ok {
				r.Level = lv
				st.dates.polish = st.dates.polish || isPolish(v)
			} else {
				setField(r, "type", v)
			}
		case colCategory:
			setField(r, "category", v)
		case colEventID:
			if id, q, ok := parseEventID(v); ok {
				r.EventID, r.Qualifiers = id, q
			} else if v != "" {
				st.warn(n, fmt.Sprintf("event ID %q is not a number", v))
			}
		case colUser:
			setField(r, "user", v)
		case colComputer:
			r.Host = v
		case colChannel:
			r.Channel = v
		case colKeywords:
			setField(r, "keywords", v)
		case colDescription:
			if i == lay.descIdx {
				desc = fields[i]
			}
		}
	}
	order := st.dateOrderFor(dateS, n)
	if lay.timeIdx < 0 {
		if t, q, ok := wintime.DateTimeIn(dateS, order); ok {
			r.Time, r.TimeQ = t, q
		}
	} else {
		y, m, d, ok1 := wintime.DateIn(dateS, order)
		h, mi, s, ns, ok2 := wintime.Clock(timeS)
		if ok1 && ok2 {
			r.Time, r.TimeQ = combine(y, m, d, h, mi, s, ns), parsers.TimeNoZone
		}
	}
	if kw := r.Fields["keywords"]; r.Level == "" || r.Level == parsers.LevelInformation {
		if lv, ok := parseLevel(kw); ok && (lv == parsers.LevelAuditSuccess || lv == parsers.LevelAuditFailure) {
			r.Level = lv
		}
	}
	return r, desc
}

// unquote strips the double quotes around a whole field of the tab format
// and undoes doubled quotes inside it.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return s
}
