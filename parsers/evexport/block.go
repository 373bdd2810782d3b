package evexport

import (
	"fmt"
	"strings"

	"github.com/extriage/extriage/parsers/wintime"

	"github.com/extriage/extriage/parsers"
)

// bkey is what one "Key: value" line of the block format holds.
type bkey int

const (
	bkNone bkey = iota
	bkType
	bkSource
	bkCategory
	bkEventID
	bkDate // a date, or a date and time (Vista); English "Data:" with no value is bkBinary
	bkTime
	bkUser
	bkComputer
	bkDescription
	bkChannel
	bkKeywords
	bkOpcode
	bkUserName
	bkData   // "Data:" : Polish date, or English binary data when empty
	bkBinary // binary data follows as a hex dump
	bkXML    // "Event Xml:" : the XML of the event follows
	bkStart  // "Event[N]:" as wevtutil /f:text writes it
)

// blockKeys maps the keys of the block format, lower-cased, to what they
// hold: Windows 2000/2003 clipboard and KB form (English and Polish, as KB
// 328839 prints it), the Vista "copy details as text" form (English, and
// the Polish names Event Viewer uses for its columns), and wevtutil's text
// form.
var blockKeys = map[string]bkey{
	"event type":     bkType,
	"event source":   bkSource,
	"event category": bkCategory,
	"event id":       bkEventID,
	"date":           bkDate,
	"time":           bkTime,
	"user":           bkUser,
	"computer":       bkComputer,
	"description":    bkDescription,
	"data":           bkData,

	"log name":      bkChannel,
	"source":        bkSource,
	"task category": bkCategory,
	"level":         bkType,
	"keywords":      bkKeywords,
	"opcode":        bkOpcode,
	"event xml":     bkXML,
	"task":          bkCategory,
	"keyword":       bkKeywords,
	"user name":     bkUserName,

	"typ zdarzenia":           bkType,
	"typ":                     bkType,
	"źródło zdarzenia":        bkSource,
	"kategoria zdarzenia":     bkCategory,
	"identyfikator zdarzenia": bkEventID,
	"godzina":                 bkTime,
	"użytkownik":              bkUser,
	"komputer":                bkComputer,
	"opis":                    bkDescription,
	"dane":                    bkBinary,

	"nazwa dziennika":   bkChannel,
	"źródło":            bkSource,
	"kategoria zadania": bkCategory,
	"poziom":            bkType,
	"słowa kluczowe":    bkKeywords,
	"kod operacji":      bkOpcode,
}

// strongKeys are the keys distinctive enough to end a description and
// begin the next event: a description may well hold "User:" or "Date:",
// hardly "Event Source:".
var strongKeys = map[string]bool{
	"event type":              true,
	"event source":            true,
	"event category":          true,
	"event id":                true,
	"log name":                true,
	"task category":           true,
	"typ zdarzenia":           true,
	"źródło zdarzenia":        true,
	"kategoria zdarzenia":     true,
	"identyfikator zdarzenia": true,
	"nazwa dziennika":         true,
	"kategoria zadania":       true,
}

// parseKeyLine splits a "Key: value" line of the block format; ok is
// false when the key is not one the format uses.
func parseKeyLine(text string) (k bkey, value string, ok bool) {
	k, _, value, ok = parseKeyLineName(text)
	return k, value, ok
}

func parseKeyLineName(text string) (k bkey, name, value string, ok bool) {
	i := strings.IndexByte(text, ':')
	if i <= 0 || i > 60 {
		return bkNone, "", "", false
	}
	name = normKey(text[:i])
	value = strings.TrimSpace(text[i+1:])
	if k, ok := blockKeys[name]; ok {
		return k, name, value, true
	}
	if isEventIndex(name) && value == "" {
		return bkStart, name, "", true
	}
	return bkNone, "", "", false
}

// isEventIndex matches "event[12]".
func isEventIndex(s string) bool {
	if !strings.HasPrefix(s, "event[") || !strings.HasSuffix(s, "]") || len(s) < 8 {
		return false
	}
	for _, c := range s[6 : len(s)-1] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// block is one event being read in the block format.
type block struct {
	line   int // line of its first key
	values map[bkey]string
	desc   textBuf
	full   bool // the description limit was hit and reported
	inline bool // the description began on the key's own line
}

func (b *block) has(k bkey) bool {
	_, ok := b.values[k]
	return ok
}

// Phases of a block.
const (
	phaseKeys = iota // reading "Key: value" lines
	phaseDesc        // reading the description
	phaseTail        // skipping binary data or event XML
)

// blocks reads an export in the block format.
func (st *state) blocks() error {
	var (
		cur   *block
		phase = phaseKeys
	)
	flush := func() {
		if cur != nil {
			st.emitBlock(cur)
		}
		cur = nil
		phase = phaseKeys
	}
	begin := func(n int) {
		flush()
		cur = &block{line: n, values: make(map[bkey]string, 10)}
	}
	for {
		l, ok := st.src.next()
		if !ok || st.stopped {
			break
		}
		if st.cancelled() {
			return st.ctx.Err()
		}
		k, name, v, isKey := parseKeyLineName(l.text)
		if isKey && k == bkData {
			if v == "" {
				k = bkBinary
			} else {
				k = bkDate
				st.dates.polish = true // "Data: 25.04.2024"
			}
		}
		if isKey && polishNames[name] {
			st.dates.polish = true
		}
		// A line that begins the next event in any phase.
		if isKey && (k == bkStart || (phase != phaseKeys && strongKeys[name] && strongValue(k, v))) {
			begin(l.n)
			if k != bkStart {
				cur.values[k] = v
			}
			continue
		}
		switch phase {
		case phaseDesc:
			if isKey && (k == bkXML || k == bkBinary) {
				phase = phaseTail
				continue
			}
			if cur.inline && strings.TrimSpace(l.text) == "" {
				// "Description: text" on one line is how articles and
				// hand pastes print an event; their prose follows after
				// a blank line. Event Viewer itself puts the text on
				// the lines below the key.
				phase = phaseTail
				continue
			}
			if !cur.desc.add(l.text) && !cur.full {
				cur.full = true
				st.warn(l.n, fmt.Sprintf("description of the event at line %d is longer than %d bytes, cut", cur.line, maxRecordBytes))
			}
			continue
		case phaseTail:
			continue
		}
		if !isKey {
			if strings.TrimSpace(l.text) != "" {
				// Prose: the keys of the event, if any, are over.
				flush()
			}
			continue
		}
		if k == bkXML || k == bkBinary {
			if cur != nil {
				phase = phaseTail
			}
			continue
		}
		if cur == nil || cur.has(k) {
			begin(l.n)
		}
		cur.values[k] = v
		if k == bkDescription {
			phase = phaseDesc
			cur.desc.add(v)
			cur.inline = v != ""
		}
	}
	flush()
	return st.finish()
}

// strongValue reports whether the value of a strong key is plausible
// enough to begin the next event: not empty, and a number for an event ID.
func strongValue(k bkey, v string) bool {
	if v == "" {
		return false
	}
	if k == bkEventID {
		_, _, ok := parseEventID(v)
		return ok
	}
	return true
}

// emitBlock turns a block into a record. Blocks without a source or an
// event ID (stray "Date:" lines in prose) are dropped.
func (st *state) emitBlock(b *block) {
	if !b.has(bkSource) && !b.has(bkEventID) {
		return
	}
	r := &parsers.Record{Line: b.line, TimeQ: parsers.TimeNone}
	v := b.values
	r.Provider = v[bkSource]
	r.Host = v[bkComputer]
	r.Channel = v[bkChannel]
	if s := v[bkType]; s != "" {
		if lv, ok := parseLevel(s); ok {
			r.Level = lv
			st.dates.polish = st.dates.polish || isPolish(s)
		} else {
			setField(r, "type", s)
		}
	}
	if s, ok := v[bkEventID]; ok {
		if id, q, ok := parseEventID(s); ok {
			r.EventID, r.Qualifiers = id, q
		} else if s != "" {
			st.warn(b.line, fmt.Sprintf("event ID %q is not a number", s))
		}
	}
	setField(r, "category", v[bkCategory])
	setField(r, "user", v[bkUser])
	setField(r, "user_name", v[bkUserName])
	setField(r, "keywords", v[bkKeywords])
	setField(r, "opcode", v[bkOpcode])
	if kw := v[bkKeywords]; r.Level == "" || r.Level == parsers.LevelInformation {
		if lv, ok := parseLevel(kw); ok && (lv == parsers.LevelAuditSuccess || lv == parsers.LevelAuditFailure) {
			r.Level = lv
		}
	}
	st.blockTime(b, r)
	r.Message = b.desc.String()
	st.emit(r)
}

// blockTime sets the record's time from the Date (maybe with a time) and
// Time values; an unreadable date or time is reported.
func (st *state) blockTime(b *block, r *parsers.Record) {
	ds, hasDate := b.values[bkDate]
	ts, hasTime := b.values[bkTime]
	if !hasDate || ds == "" {
		return
	}
	order := st.dateOrderFor(ds, b.line)
	if t, q, ok := wintime.DateTimeIn(ds, order); ok {
		r.Time, r.TimeQ = t, q
		return
	}
	y, m, d, ok := wintime.DateIn(ds, order)
	if !ok {
		st.warn(b.line, fmt.Sprintf("unreadable date %q", ds))
		return
	}
	h, mi, s, ns := 0, 0, 0, 0
	if hasTime && ts != "" {
		var ok bool
		if h, mi, s, ns, ok = wintime.Clock(ts); !ok {
			st.warn(b.line, fmt.Sprintf("unreadable time %q", ts))
		}
	}
	r.Time, r.TimeQ = combine(y, m, d, h, mi, s, ns), parsers.TimeNoZone
}
