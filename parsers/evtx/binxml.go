package evtx

import (
	"errors"
	"fmt"
	"io"

	gevtx "github.com/0xrawsec/golang-evtx/evtx"
)

// How a record's binary XML is read.
//
// Template definitions (the element trees with their names, attributes and
// substitution slots: the bulk of the BinXML grammar) are parsed once per
// chunk by our own element reader (elements.go), and by golang-evtx
// (TemplateDefinitionData.Parse, Parse) when ours fails on one. Ours came
// second at first; it became the default when it read the whole corpus the
// same way (TestReadersAgree) at 40% less CPU per record: golang-evtx
// decodes each structure through reflection (encoding/binary.Read and
// golang-utils' Unmarshal), one allocation per field. Everything
// that happens once per record is done here, on the chunk bytes directly:
// the fragment and template-instance headers, the substitution values
// (located, never copied, rendered only when a Record field needs them) and
// the walk over the element tree (walk.go). This keeps the per-record cost
// low, and fixes golang-evtx's handling of nested BinXML values (type 0x21),
// which it parses as if they carried a template definition's dependency
// identifiers (MS-EVEN6 2.2.12 says they do not): here such a value is read
// as a fragment of its own.

// BinXML tokens (MS-EVEN6 2.2.12; evtx-format.asciidoc "Token types").
const (
	tokEOF          = 0x00
	tokOpenStart    = 0x01
	tokOpenStartAtt = 0x41
	tokTemplate     = 0x0c
	tokFragment     = 0x0f
)

// maxNesting bounds how deep nested BinXML values may go.
const maxNesting = 8

// errBudget is the panic value of a budgetReader that ran out of operations.
var errBudget = errors.New("binary XML structure loops or is too large")

// budgetReader is an io.ReadSeeker over a chunk's bytes that counts the
// operations done through it and panics with errBudget after too many. It
// is what golang-evtx reads from: its parser follows offsets found in the
// data (template and name offsets) and recurses on them, so crafted or
// damaged data could otherwise make it loop until the stack overflows, which
// no recover can catch. The panic happens long before that and is caught by
// the caller.
type budgetReader struct {
	b      []byte
	pos    int64
	budget int
}

func (r *budgetReader) tick() {
	r.budget--
	if r.budget < 0 {
		panic(errBudget)
	}
}

// Read implements io.Reader.
func (r *budgetReader) Read(p []byte) (int, error) {
	r.tick()
	if r.pos >= int64(len(r.b)) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.pos:])
	r.pos += int64(n)
	return n, nil
}

// Seek implements io.Seeker.
func (r *budgetReader) Seek(off int64, whence int) (int64, error) {
	r.tick()
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		off += r.pos
	case io.SeekEnd:
		off += int64(len(r.b))
	default:
		return r.pos, errors.New("bad whence")
	}
	if off < 0 {
		return r.pos, errors.New("negative position")
	}
	r.pos = off
	return off, nil
}

// opCode is one step of a compiled template.
type opCode uint8

const (
	opOpen  opCode = iota // start of an element: name
	opAttr                // an attribute of the element just opened: name, piece
	opEnd                 // end of the innermost open element
	opPiece               // content: literal text or a substitution
)

// pieceKind says what a piece of content or attribute value is.
type pieceKind uint8

const (
	pieceText  pieceKind = iota // literal text
	pieceSubst                  // a substitution value
)

// op is one compiled BinXML step.
type op struct {
	code     opCode
	kind     pieceKind
	optional bool   // optional substitution: a NULL value drops the attribute
	id       nameID // opOpen: the element name when it is one the walker knows
	sub      uint16 // substitution index
	name     string // element or attribute name
	text     string // literal text
}

// nameID numbers the element names that carry Record fields, so that the
// walk compares small integers rather than strings.
type nameID uint8

const (
	nmOther nameID = iota
	nmSystem
	nmEventData
	nmUserData
	nmRenderingInfo
	nmProvider
	nmEventID
	nmLevel
	nmKeywords
	nmTimeCreated
	nmEventRecordID
	nmChannel
	nmComputer
	nmData
	nmMessage
)

var knownNames = map[string]nameID{
	"System": nmSystem, "EventData": nmEventData, "UserData": nmUserData,
	"RenderingInfo": nmRenderingInfo, "Provider": nmProvider, "EventID": nmEventID,
	"Level": nmLevel, "Keywords": nmKeywords, "TimeCreated": nmTimeCreated,
	"EventRecordID": nmEventRecordID, "Channel": nmChannel, "Computer": nmComputer,
	"Data": nmData, "Message": nmMessage,
}

// openOp returns the op that opens element name.
func openOp(name string) op {
	return op{code: opOpen, name: name, id: knownNames[name]}
}

// template is a compiled template definition (or a template-less fragment).
type template struct {
	ops []op
}

// templateEntry caches the outcome of compiling one template definition.
type templateEntry struct {
	t   *template
	err error
}

// compile turns golang-evtx's flat element list into ops. names interns the
// element and attribute names.
func compile(elems []gevtx.Element, names func(string) string) (*template, error) {
	t := &template{ops: make([]op, 0, len(elems)+8)}
	for _, e := range elems {
		switch x := e.(type) {
		case *gevtx.ElementStart:
			t.ops = append(t.ops, openOp(names(x.Name.String())))
			for i := range x.AttributeList.Attributes {
				a := &x.AttributeList.Attributes[i]
				o, err := pieceOp(a.AttributeData)
				if err != nil {
					return nil, err
				}
				o.code = opAttr
				o.name = names(a.Name.String())
				t.ops = append(t.ops, o)
			}
		case *gevtx.BinXMLCloseStartElementTag:
			// The start tag ends; its content follows.
		case *gevtx.BinXMLCloseEmptyElementTag, *gevtx.BinXMLEndElementTag:
			t.ops = append(t.ops, op{code: opEnd})
		case *gevtx.BinXMLEOF:
			return t, nil
		default:
			o, err := pieceOp(e)
			if err != nil {
				return nil, err
			}
			o.code = opPiece
			t.ops = append(t.ops, o)
		}
	}
	return t, nil
}

// pieceOp converts one content or attribute-value element.
func pieceOp(e gevtx.Element) (op, error) {
	switch x := e.(type) {
	case *gevtx.ValueText:
		return op{kind: pieceText, text: x.String()}, nil
	case *gevtx.NormalSubstitution:
		return op{kind: pieceSubst, sub: uint16(x.SubID)}, nil
	case *gevtx.OptionalSubstitution:
		return op{kind: pieceSubst, sub: uint16(x.SubID), optional: true}, nil
	case *gevtx.CharEntityRef:
		return op{kind: pieceText, text: string(rune(uint16(x.Value)))}, nil
	case *gevtx.BinXMLEntityReference:
		return op{kind: pieceText, text: x.String()}, nil
	case nil:
		return op{}, errors.New("binary XML: missing attribute value")
	}
	return op{}, fmt.Errorf("binary XML: unsupported token %T", e)
}

// readerChoice says which BinXML element reader parses template
// definitions and template-less elements.
type readerChoice uint8

const (
	ownFirst    readerChoice = iota // ours, then golang-evtx when ours fails (the default)
	golangFirst                     // golang-evtx, then ours
	golangOnly                      // for tests
	ownOnly                         // for tests
)

// templateAt returns the compiled template definition whose data starts at
// chunk offset off. The first time, it is parsed with our own element
// reader, and with golang-evtx when ours fails (cp.readers can change the
// order, for tests).
func (cp *chunkParser) templateAt(off uint32) (*template, error) {
	if e, ok := cp.tmpls[off]; ok {
		return e.t, e.err
	}
	if cp.tmpls == nil {
		cp.tmpls = make(map[uint32]templateEntry)
	}
	var t *template
	var err error
	if int(off) < chunkHeaderSize || int(off)+28 > len(cp.data) {
		err = fmt.Errorf("template definition offset 0x%x outside the chunk", off)
	} else {
		first, second := cp.golangTemplate, cp.ownTemplate
		if cp.readers == ownFirst || cp.readers == ownOnly {
			first, second = second, first
		}
		t, err = first(off)
		if err != nil && (cp.readers == golangFirst || cp.readers == ownFirst) {
			if t2, err2 := second(off); err2 == nil {
				t, err = t2, nil
			}
		}
	}
	cp.tmpls[off] = templateEntry{t, err}
	return t, err
}

// golangTemplate parses the template definition at off with golang-evtx.
func (cp *chunkParser) golangTemplate(off uint32) (t *template, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("template definition at chunk offset 0x%x: %v", off, r)
		}
	}()
	var tdd gevtx.TemplateDefinitionData
	r := &budgetReader{b: cp.data, pos: int64(off), budget: 200000}
	if err := tdd.Parse(r); err != nil {
		return nil, fmt.Errorf("template definition at chunk offset 0x%x: %v", off, err)
	}
	return compile(tdd.Elements, cp.name)
}

// ownTemplate parses the template definition at off with readElements. The
// definition's data is 24 bytes (next-definition offset, GUID, size) and
// then size bytes of fragment.
func (cp *chunkParser) ownTemplate(off uint32) (t *template, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("template definition at chunk offset 0x%x: internal error: %v", off, r)
		}
	}()
	p := int(off) + 24
	end := len(cp.data)
	if size := int(le.Uint32(cp.data[off+20:])); size >= 0 && size <= end-p {
		end = p + size
	}
	t, _, err = cp.readElements(p, end, true)
	return t, err
}

// instance reads the template instance whose token is at chunk offset p,
// within [p, end). It returns the template, the substitution values and
// the offset after the instance data.
func (cp *chunkParser) instance(p, end int) (*template, []value, int, error) {
	d := cp.data
	if p+10 > end {
		return nil, nil, 0, fmt.Errorf("template instance at chunk offset 0x%x cut short", p)
	}
	dataOff := le.Uint32(d[p+6:])
	q := p + 10
	if int(dataOff) == q {
		// The definition is stored here (its first use in the chunk): skip it.
		if q+24 > end {
			return nil, nil, 0, fmt.Errorf("template definition at chunk offset 0x%x cut short", q)
		}
		size := int(le.Uint32(d[q+20:]))
		if size < 0 || size > end-q-24 {
			return nil, nil, 0, fmt.Errorf("template definition at chunk offset 0x%x: size %d runs past the record", q, size)
		}
		q += 24 + size
	}
	t, err := cp.templateAt(dataOff)
	if err != nil {
		return nil, nil, 0, err
	}
	if q+4 > end {
		return nil, nil, 0, fmt.Errorf("template instance data at chunk offset 0x%x cut short", q)
	}
	nv := int(le.Uint32(d[q:]))
	q += 4
	if nv < 0 || nv > (end-q)/4 {
		return nil, nil, 0, fmt.Errorf("template instance at chunk offset 0x%x: %d values cannot fit", p, nv)
	}
	desc := q
	q += 4 * nv
	base := len(cp.vals)
	for i := 0; i < nv; i++ {
		sz := int(le.Uint16(d[desc+4*i:]))
		typ := d[desc+4*i+2]
		if sz > end-q {
			cp.vals = cp.vals[:base]
			return nil, nil, 0, fmt.Errorf("template instance at chunk offset 0x%x: value %d (%d bytes) runs past the record", p, i, sz)
		}
		cp.vals = append(cp.vals, value{typ: typ, pos: int32(q), n: int32(sz)})
		q += sz
	}
	return t, cp.vals[base:len(cp.vals):len(cp.vals)], q, nil
}

// fragment walks the BinXML fragment(s) in [p, end): a record's event, or
// the content of a nested BinXML value. depth counts nesting.
func (cp *chunkParser) fragment(p, end, depth int) error {
	if depth > maxNesting {
		return errors.New("binary XML nested too deep")
	}
	d := cp.data
	for p < end {
		switch d[p] {
		case tokEOF:
			return nil
		case tokFragment:
			p += 4
		case tokTemplate:
			t, vals, next, err := cp.instance(p, end)
			if err != nil {
				return err
			}
			if err := cp.w.run(cp, t, vals, depth); err != nil {
				return err
			}
			p = next
		case tokOpenStart, tokOpenStartAtt:
			t, next, err := cp.plainElements(p, end)
			if err != nil {
				return err
			}
			if err := cp.w.run(cp, t, nil, depth); err != nil {
				return err
			}
			p = next
		default:
			return fmt.Errorf("binary XML: unexpected token 0x%02x at chunk offset 0x%x", d[p], p)
		}
	}
	return nil
}

// plainElements reads element tokens that are not part of a template (a
// template-less fragment, or a nested BinXML value that starts with an
// element) up to the end-of-fragment token or end: with our own reader,
// and with golang-evtx when ours fails (or the other way round, as
// cp.readers says).
func (cp *chunkParser) plainElements(p, end int) (*template, int, error) {
	first, second := cp.golangPlain, cp.ownPlain
	if cp.readers == ownFirst || cp.readers == ownOnly {
		first, second = second, first
	}
	t, next, err := first(p, end)
	if err != nil && (cp.readers == golangFirst || cp.readers == ownFirst) {
		if t2, next2, err2 := second(p, end); err2 == nil {
			return t2, next2, nil
		}
	}
	return t, next, err
}

// golangPlain parses plain elements with golang-evtx.
func (cp *chunkParser) golangPlain(p, end int) (t *template, next int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("binary XML elements at chunk offset 0x%x: %v", p, r)
		}
	}()
	r := &budgetReader{b: cp.data[:end], pos: int64(p), budget: 200000}
	var elems []gevtx.Element
	for r.pos < int64(end) {
		e, err := gevtx.Parse(r, nil, false)
		if err != nil {
			return nil, 0, fmt.Errorf("binary XML elements at chunk offset 0x%x: %v", p, err)
		}
		elems = append(elems, e)
		if _, ok := e.(*gevtx.BinXMLEOF); ok {
			break
		}
	}
	t, err = compile(elems, cp.name)
	return t, int(r.pos), err
}

// ownPlain reads plain elements with readElements.
func (cp *chunkParser) ownPlain(p, end int) (t *template, next int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("binary XML elements at chunk offset 0x%x: internal error: %v", p, r)
		}
	}()
	return cp.readElements(p, end, false)
}
