package evtx

import (
	"errors"
	"strings"
	"time"

	"github.com/extriage/extriage/parsers"
)

// role says what an element's content means for the Record.
type role uint8

const (
	roleNone      role = iota
	roleEvent          // the root <Event>
	roleSystem         // <System>
	roleEventData      // <EventData>
	roleUserData       // <UserData> and everything under it
	roleRendering      // <RenderingInfo> (forwarded events)
	roleProvider       // System/Provider (attributes only)
	roleEventID        // System/EventID
	roleLevel          // System/Level
	roleKeywords       // System/Keywords
	roleTime           // System/TimeCreated (attribute only)
	roleRecordID       // System/EventRecordID
	roleChannel        // System/Channel
	roleComputer       // System/Computer
	roleData           // EventData/Data
	roleMessage        // RenderingInfo/Message
)

// frame is one open element.
type frame struct {
	role      role
	name      string
	textStart int    // where this element's text starts in the record buffer
	pieces    int    // pieces of content seen
	single    value  // the value, when the only piece is one substitution
	hasSingle bool   // single is set
	hasChild  bool   // an element opened inside this one
	done      bool   // the content was already emitted (array values)
	dropped   bool   // an optional substitution was NULL: the element is absent
	attrs     bool   // a UserData element whose attributes became Data values
	dataName  string // the Name attribute of EventData/Data
}

// span is a piece of the record buffer that becomes a Data value.
type span struct {
	name       string
	start, end int
}

// maxDepth bounds the element stack; deeper elements are walked but ignored.
const maxDepth = 64

// walker turns the events of a compiled template walk into Record fields.
// One walker serves one worker; it is reset for every record.
type walker struct {
	stack []frame
	depth int // open elements, including those beyond maxDepth

	buf  []byte // text of the record's values, turned into one string
	tmp  []byte // scratch for attribute values
	data []span

	rec       *parsers.Record
	level     int
	hasLevel  bool
	keywords  uint64
	haveID    bool
	recordID  uint64
	haveTime  bool
	msgStart  int
	msgEnd    int
	haveMsg   bool
	chanStart int
	chanEnd   int
	compStart int
	compEnd   int
}

func (w *walker) reset(rec *parsers.Record) {
	w.stack = w.stack[:0]
	w.depth = 0
	w.buf = w.buf[:0]
	w.data = w.data[:0]
	w.rec = rec
	w.level, w.hasLevel, w.keywords = 0, false, 0
	w.haveID, w.recordID, w.haveTime = false, 0, false
	w.haveMsg = false
	w.chanStart, w.chanEnd, w.compStart, w.compEnd = -1, -1, -1, -1
}

var errBadSubst = errors.New("binary XML: substitution index out of range")

// run walks one compiled template with its substitution values.
func (w *walker) run(cp *chunkParser, t *template, vals []value, depth int) error {
	for i := range t.ops {
		o := &t.ops[i]
		switch o.code {
		case opOpen:
			w.open(o.name, o.id)
		case opEnd:
			w.close(cp)
		case opAttr:
			if err := w.attr(cp, o, vals); err != nil {
				return err
			}
		case opPiece:
			if o.kind == pieceText {
				w.text(o.text)
				continue
			}
			if int(o.sub) >= len(vals) {
				return errBadSubst
			}
			v := vals[o.sub]
			switch {
			case v.typ == typeNull:
				// An empty value. An optional one removes the element.
				if o.optional {
					if f := w.top(); f != nil {
						f.dropped = true
					}
				}
			case v.typ == typeBinXML:
				cp.nested = true
				if err := cp.fragment(int(v.pos), int(v.pos+v.n), depth+1); err != nil {
					return err
				}
			default:
				w.value(v, cp.data)
			}
		}
	}
	return nil
}

// top returns the innermost tracked frame, or nil when the innermost open
// element is beyond maxDepth or nothing is open.
func (w *walker) top() *frame {
	if w.depth == 0 || w.depth > maxDepth {
		return nil
	}
	return &w.stack[w.depth-1]
}

func (w *walker) open(name string, id nameID) {
	parent := w.top()
	if parent != nil {
		parent.hasChild = true
	}
	w.depth++
	if w.depth > maxDepth {
		return
	}
	r := roleNone
	switch {
	case w.depth == 1:
		// The root of an event record is <Event> (whatever its name says
		// when that name is damaged).
		r = roleEvent
	case parent == nil:
	case parent.role == roleEvent:
		switch id {
		case nmSystem:
			r = roleSystem
		case nmEventData:
			r = roleEventData
		case nmUserData:
			r = roleUserData
		case nmRenderingInfo:
			r = roleRendering
		}
	case parent.role == roleSystem:
		switch id {
		case nmProvider:
			r = roleProvider
		case nmEventID:
			r = roleEventID
		case nmLevel:
			r = roleLevel
		case nmKeywords:
			r = roleKeywords
		case nmTimeCreated:
			r = roleTime
		case nmEventRecordID:
			r = roleRecordID
		case nmChannel:
			r = roleChannel
		case nmComputer:
			r = roleComputer
		}
	case parent.role == roleEventData:
		if id == nmData {
			r = roleData
		}
	case parent.role == roleUserData:
		r = roleUserData
	case parent.role == roleRendering:
		if id == nmMessage {
			r = roleMessage
		}
	}
	if w.depth <= len(w.stack) {
		w.stack = w.stack[:w.depth]
	} else {
		w.stack = append(w.stack, frame{})
	}
	w.stack[w.depth-1] = frame{role: r, name: name, textStart: len(w.buf)}
}

// wantsText says whether content of an element with role r is kept.
func wantsText(r role) bool {
	switch r {
	case roleEventID, roleLevel, roleKeywords, roleRecordID, roleChannel,
		roleComputer, roleData, roleUserData, roleMessage:
		return true
	}
	return false
}

func (w *walker) text(s string) {
	f := w.top()
	if f == nil || !wantsText(f.role) {
		return
	}
	f.pieces++
	f.hasSingle = false
	w.buf = append(w.buf, s...)
}

func (w *walker) value(v value, chunk []byte) {
	f := w.top()
	if f == nil || !wantsText(f.role) {
		return
	}
	f.pieces++
	f.hasSingle = f.pieces == 1
	f.single = v
	if v.typ&typeArray != 0 {
		if f.role == roleData || f.role == roleUserData {
			// An array value stands for the element repeated once per item.
			name := f.dataName
			if f.role == roleUserData {
				name = f.name
			}
			items := 0
			arrayItems(v.typ, v.bytes(chunk), func(item []byte) {
				s := len(w.buf)
				w.buf, _ = appendScalar(w.buf, v.typ&^typeArray, item)
				w.data = append(w.data, span{name: name, start: s, end: len(w.buf)})
				items++
			})
			if items == 0 {
				// An empty array still stands for one (empty) element.
				w.data = append(w.data, span{name: name, start: len(w.buf), end: len(w.buf)})
			}
			f.done = true
			return
		}
		first := true
		arrayItems(v.typ, v.bytes(chunk), func(item []byte) {
			if !first {
				w.buf = append(w.buf, ", "...)
			}
			first = false
			w.buf, _ = appendScalar(w.buf, v.typ&^typeArray, item)
		})
		return
	}
	w.buf, _ = appendScalar(w.buf, v.typ, v.bytes(chunk))
}

// attr handles one attribute of the element just opened.
func (w *walker) attr(cp *chunkParser, o *op, vals []value) error {
	f := w.top()
	if f == nil {
		return nil
	}
	var v value
	isValue := false
	if o.kind == pieceSubst {
		if int(o.sub) >= len(vals) {
			return errBadSubst
		}
		v = vals[o.sub]
		if v.typ == typeNull || v.typ == typeBinXML {
			return nil
		}
		isValue = true
	}
	// render gives the attribute value as bytes in w.tmp.
	render := func() []byte {
		if !isValue {
			return append(w.tmp[:0], o.text...)
		}
		w.tmp, _ = appendScalar(w.tmp[:0], v.typ&^typeArray, v.bytes(cp.data))
		return w.tmp
	}
	switch f.role {
	case roleProvider:
		if o.name == "Name" {
			if isValue {
				w.rec.Provider = cp.intern(render())
			} else {
				w.rec.Provider = o.text
			}
		}
	case roleEventID:
		if o.name == "Qualifiers" {
			if n, ok := numeric(isValue, v, cp.data, render); ok {
				w.rec.Qualifiers = uint16(n)
			}
		}
	case roleTime:
		if o.name == "SystemTime" {
			if isValue && v.typ == typeFileTime && v.n >= 8 {
				w.rec.Time = filetime(le.Uint64(v.bytes(cp.data)))
				w.haveTime = true
			} else if t, err := time.Parse(time.RFC3339Nano, string(render())); err == nil {
				w.rec.Time = t.UTC()
				w.haveTime = true
			}
		}
	case roleData:
		if o.name == "Name" {
			if isValue {
				f.dataName = cp.intern(render())
			} else {
				f.dataName = o.text
			}
		}
	case roleUserData:
		// Below <UserData>, events such as CAPI2's keep their values in
		// attributes (<Result value="0"/>): each becomes a Data value named
		// "Element/@attribute". Namespace declarations are not values.
		if w.depth < 3 || o.name == "xmlns" || strings.HasPrefix(o.name, "xmlns:") {
			return nil
		}
		start := len(w.buf)
		w.buf = append(w.buf, render()...)
		w.data = append(w.data, span{name: f.name + "/@" + o.name, start: start, end: len(w.buf)})
		f.textStart = len(w.buf) // the element's own text starts after it
		f.attrs = true
	}
	return nil
}

// numeric returns an integer attribute or element value: straight from the
// binary value when it is an integer type, else parsed from its text.
func numeric(isValue bool, v value, chunk []byte, render func() []byte) (uint64, bool) {
	if isValue {
		if n, ok := v.uintValue(chunk); ok {
			return n, true
		}
	}
	return parseUint(render())
}

// parseUint parses a decimal or 0x-prefixed hexadecimal number.
func parseUint(b []byte) (uint64, bool) {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return 0, false
	}
	base := 10
	if len(b) > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X') {
		b, base = b[2:], 16
	}
	var n uint64
	for _, c := range b {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case base == 16 && c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		n = n*uint64(base) + uint64(d)
	}
	return n, true
}

func (w *walker) close(cp *chunkParser) {
	if w.depth == 0 {
		return
	}
	w.depth--
	if w.depth >= maxDepth {
		return
	}
	f := &w.stack[w.depth]
	text := w.buf[f.textStart:]
	num := func() (uint64, bool) {
		if f.hasSingle {
			if n, ok := f.single.uintValue(cp.data); ok {
				return n, true
			}
		}
		return parseUint(text)
	}
	switch f.role {
	case roleEventID:
		if n, ok := num(); ok {
			w.rec.EventID = uint32(n & 0xffff)
			if n > 0xffff && w.rec.Qualifiers == 0 {
				w.rec.Qualifiers = uint16(n >> 16)
			}
		}
		w.buf = w.buf[:f.textStart]
	case roleLevel:
		if n, ok := num(); ok {
			w.level, w.hasLevel = int(n), true
		}
		w.buf = w.buf[:f.textStart]
	case roleKeywords:
		if n, ok := num(); ok {
			w.keywords = n
		}
		w.buf = w.buf[:f.textStart]
	case roleRecordID:
		if n, ok := num(); ok {
			w.recordID, w.haveID = n, true
		}
		w.buf = w.buf[:f.textStart]
	case roleChannel:
		w.chanStart, w.chanEnd = f.textStart, len(w.buf)
	case roleComputer:
		w.compStart, w.compEnd = f.textStart, len(w.buf)
	case roleMessage:
		w.msgStart, w.msgEnd, w.haveMsg = f.textStart, len(w.buf), true
	case roleData:
		if !f.done && !(f.dropped && f.pieces == 0) {
			w.data = append(w.data, span{name: f.dataName, start: f.textStart, end: len(w.buf)})
		}
	case roleUserData:
		// Leaf elements below <UserData> and its first child carry the values.
		// A direct child of <UserData> only when it holds text itself.
		// An element whose attributes were its values and that holds no
		// text adds nothing more.
		if (w.depth >= 3 || w.depth == 2 && f.pieces > 0) && !f.hasChild && !f.done && !(f.dropped && f.pieces == 0) &&
			!(f.attrs && len(text) == 0) {
			w.data = append(w.data, span{name: f.name, start: f.textStart, end: len(w.buf)})
		}
	}
}

// finish fills the Record from what the walk collected. It returns false,
// leaving the Record unfinished, when the pre-filter is on and the record
// holds none of its words.
func (w *walker) finish(cp *chunkParser, hdrID uint64, hdrTime uint64) bool {
	rec := w.rec
	if w.haveID {
		rec.RecordID = w.recordID
	} else {
		rec.RecordID = hdrID
	}
	if !w.haveTime {
		rec.Time = filetime(hdrTime)
	}
	if w.chanStart >= 0 {
		rec.Channel = cp.intern(w.buf[w.chanStart:w.chanEnd])
	}
	if w.compStart >= 0 {
		rec.Host = cp.intern(w.buf[w.compStart:w.compEnd])
	}
	rec.Level = level(w.level, w.hasLevel, w.keywords)
	if cp.filtering && !w.wanted(cp) {
		return false
	}
	if len(w.data) == 0 && !w.haveMsg {
		return true
	}
	blob := string(w.buf)
	if w.haveMsg {
		rec.Message = blob[w.msgStart:w.msgEnd]
	}
	if len(w.data) == 0 {
		return true
	}
	rec.Data = cp.newData(len(w.data))
	named := 0
	for i, s := range w.data {
		rec.Data[i] = blob[s.start:s.end]
		if s.name != "" {
			named++
		}
	}
	if named == 0 {
		return true
	}
	rec.Fields = make(map[string]string, named)
	for i, s := range w.data {
		if s.name == "" {
			continue
		}
		if _, dup := rec.Fields[s.name]; !dup {
			rec.Fields[s.name] = rec.Data[i]
		}
	}
	return true
}

// wanted says whether the record holds one of the pre-filter's words in
// its provider name or its text (the message and the Data values, as
// parsers.Record.Text joins them), the way the rule engine looks for them.
func (w *walker) wanted(cp *chunkParser) bool {
	m := cp.filter
	if m.wantsProvider(w.rec.Provider, &cp.folded) {
		return true
	}
	text := cp.folded[:0]
	if w.haveMsg {
		text = append(text, w.buf[w.msgStart:w.msgEnd]...)
	}
	for _, s := range w.data {
		text = append(text, ' ')
		text = append(text, w.buf[s.start:s.end]...)
	}
	cp.folded = text
	return m.wantsText(text)
}

// Audit keywords (evtx-format.asciidoc "Keywords").
const (
	keywordAuditFailure = 0x0010000000000000
	keywordAuditSuccess = 0x0020000000000000
)

// level normalises an EVTX level, with the audit keywords that Security
// logs use in place of a level.
func level(l int, has bool, keywords uint64) parsers.Level {
	if has && (l == 0 || l == 4) {
		switch {
		case keywords&keywordAuditSuccess != 0:
			return parsers.LevelAuditSuccess
		case keywords&keywordAuditFailure != 0:
			return parsers.LevelAuditFailure
		}
	}
	if !has {
		return parsers.LevelNone
	}
	switch l {
	case 0, 4:
		return parsers.LevelInformation
	case 1:
		return parsers.LevelCritical
	case 2:
		return parsers.LevelError
	case 3:
		return parsers.LevelWarning
	case 5:
		return parsers.LevelVerbose
	}
	return parsers.LevelNone
}
