package evtx

import (
	"fmt"
)

// A BinXML element reader of our own, the default for template definitions
// and template-less fragments (golang-evtx's is the fallback). It reads the
// same grammar (MS-EVEN6 2.2.12; evtx-format.asciidoc "Binary XML") into
// the same ops as golang-evtx's, without reflection, and tolerates what
// golang-evtx does not:
//
//   - a name stored elsewhere in the chunk that cannot be read (chunks keep
//     each element and attribute name once and point to it; when those bytes
//     are damaged golang-evtx fails every template of the chunk, here only
//     the name is lost);
//   - attribute values made of several pieces (text, then an entity
//     reference, ...), which golang-evtx reads as one;
//   - CDATA sections, processing instructions and 0x48 character references.

// More BinXML tokens.
const (
	tokCloseStart  = 0x02
	tokCloseEmpty  = 0x03
	tokEndElement  = 0x04
	tokValue       = 0x05
	tokValueMore   = 0x45
	tokAttr        = 0x06
	tokAttrMore    = 0x46
	tokCDATA       = 0x07
	tokCDATAMore   = 0x47
	tokCharRef     = 0x08
	tokCharRefMore = 0x48
	tokEntity      = 0x09
	tokEntityMore  = 0x49
	tokPITarget    = 0x0a
	tokPIData      = 0x0b
	tokNormalSubst = 0x0d
	tokOptSubst    = 0x0e
)

// isPieceToken says whether tok starts content string data or attribute
// data.
func isPieceToken(tok byte) bool {
	switch tok {
	case tokValue, tokValueMore, tokCDATA, tokCDATAMore, tokCharRef, tokCharRefMore,
		tokEntity, tokEntityMore, tokNormalSubst, tokOptSubst:
		return true
	}
	return false
}

// nameAt reads the BinXML name structure at chunk offset off: 4 unknown
// bytes, a 2-byte hash, a 2-byte character count, the UTF-16 characters and
// a terminating NUL. It returns the name and the structure's size.
func (cp *chunkParser) nameAt(off int) (string, int, bool) {
	d := cp.data
	if off < 0 || off+8 > len(d) {
		return "", 0, false
	}
	n := int(le.Uint16(d[off+6:]))
	size := 8 + 2*n + 2
	if off+size > len(d) {
		return "", 0, false
	}
	cp.tmp = appendUTF16(cp.tmp[:0], d[off+8:off+8+2*n])
	if v, ok := cp.names[string(cp.tmp)]; ok {
		return v, size, true
	}
	return cp.name(string(cp.tmp)), size, true
}

// nameRef reads a name reference at p (a 4-byte chunk offset); when the name
// is stored right there it is skipped. A damaged name stored elsewhere
// leaves the name empty; one stored inline cannot be skipped and is an error.
func (cp *chunkParser) nameRef(p, end int) (string, int, error) {
	if p+4 > end {
		return "", 0, fmt.Errorf("binary XML name offset at chunk offset 0x%x cut short", p)
	}
	off := int(le.Uint32(cp.data[p:]))
	p += 4
	if off != p {
		name, _, ok := cp.nameAt(off)
		if !ok {
			cp.badNames++
		}
		return name, p, nil
	}
	name, size, ok := cp.nameAt(off)
	if !ok || p+size > end {
		return "", 0, fmt.Errorf("binary XML name at chunk offset 0x%x is damaged", off)
	}
	return name, p + size, nil
}

// entityText returns the text an entity reference stands for.
func entityText(name string) string {
	switch name {
	case "amp":
		return "&"
	case "lt":
		return "<"
	case "gt":
		return ">"
	case "quot":
		return "\""
	case "apos":
		return "'"
	}
	return "&" + name + ";"
}

// piece reads one piece of content or attribute data at p.
func (cp *chunkParser) piece(p, end int) (op, int, error) {
	d := cp.data
	short := func() (op, int, error) {
		return op{}, 0, fmt.Errorf("binary XML token 0x%02x at chunk offset 0x%x cut short", d[p], p)
	}
	switch d[p] {
	case tokValue, tokValueMore:
		if p+4 > end {
			return short()
		}
		if d[p+1] != typeString {
			return op{}, 0, fmt.Errorf("binary XML value text at chunk offset 0x%x has type 0x%02x", p, d[p+1])
		}
		n := 2 * int(le.Uint16(d[p+2:]))
		if p+4+n > end {
			return short()
		}
		cp.tmp = appendUTF16(cp.tmp[:0], d[p+4:p+4+n])
		return op{kind: pieceText, text: string(cp.tmp)}, p + 4 + n, nil
	case tokCDATA, tokCDATAMore:
		if p+3 > end {
			return short()
		}
		n := 2 * int(le.Uint16(d[p+1:]))
		if p+3+n > end {
			return short()
		}
		cp.tmp = appendUTF16(cp.tmp[:0], d[p+3:p+3+n])
		return op{kind: pieceText, text: string(cp.tmp)}, p + 3 + n, nil
	case tokCharRef, tokCharRefMore:
		if p+3 > end {
			return short()
		}
		return op{kind: pieceText, text: string(rune(le.Uint16(d[p+1:])))}, p + 3, nil
	case tokEntity, tokEntityMore:
		name, next, err := cp.nameRef(p+1, end)
		if err != nil {
			return op{}, 0, err
		}
		return op{kind: pieceText, text: entityText(name)}, next, nil
	case tokNormalSubst, tokOptSubst:
		if p+4 > end {
			return short()
		}
		return op{kind: pieceSubst, sub: le.Uint16(d[p+1:]), optional: d[p] == tokOptSubst}, p + 4, nil
	}
	return op{}, 0, fmt.Errorf("binary XML: unexpected token 0x%02x at chunk offset 0x%x", d[p], p)
}

// readElements reads element tokens in [p, end) into a template, up to and
// including the end-of-fragment token (or end). depID says whether element
// starts carry the 2-byte dependency identifier: template definitions do,
// nested BinXML values do not (MS-EVEN6 2.2.12).
func (cp *chunkParser) readElements(p, end int, depID bool) (*template, int, error) {
	d := cp.data
	t := &template{ops: make([]op, 0, 32)}
	for p < end {
		tok := d[p]
		switch tok {
		case tokEOF:
			return t, p + 1, nil
		case tokFragment:
			p += 4
		case tokOpenStart, tokOpenStartAtt:
			p++
			if depID {
				p += 2
			}
			p += 4 // data size
			name, next, err := cp.nameRef(p, end)
			if err != nil {
				return nil, 0, err
			}
			p = next
			t.ops = append(t.ops, openOp(name))
			if tok == tokOpenStartAtt {
				p += 4 // attribute list size
				for {
					if p >= end {
						return nil, 0, fmt.Errorf("binary XML attribute list cut short at chunk offset 0x%x", p)
					}
					at := d[p]
					if at != tokAttr && at != tokAttrMore {
						return nil, 0, fmt.Errorf("binary XML: bad attribute token 0x%02x at chunk offset 0x%x", at, p)
					}
					aname, next, err := cp.nameRef(p+1, end)
					if err != nil {
						return nil, 0, err
					}
					p = next
					a := op{code: opAttr, name: aname, kind: pieceText}
					for p < end && isPieceToken(d[p]) {
						pc, next, err := cp.piece(p, end)
						if err != nil {
							return nil, 0, err
						}
						p = next
						switch {
						case pc.kind == pieceSubst && a.kind == pieceText && a.text == "":
							a.kind, a.sub, a.optional = pc.kind, pc.sub, pc.optional
						case pc.kind == pieceText && a.kind == pieceText:
							a.text += pc.text
						}
					}
					t.ops = append(t.ops, a)
					if at == tokAttr {
						break
					}
				}
			}
			if p >= end {
				return nil, 0, fmt.Errorf("binary XML element start cut short at chunk offset 0x%x", p)
			}
			switch d[p] {
			case tokCloseStart:
			case tokCloseEmpty:
				t.ops = append(t.ops, op{code: opEnd})
			default:
				return nil, 0, fmt.Errorf("binary XML: bad token 0x%02x after element start at chunk offset 0x%x", d[p], p)
			}
			p++
		case tokCloseStart:
			p++
		case tokCloseEmpty, tokEndElement:
			t.ops = append(t.ops, op{code: opEnd})
			p++
		case tokPITarget:
			_, next, err := cp.nameRef(p+1, end)
			if err != nil {
				return nil, 0, err
			}
			p = next
		case tokPIData:
			if p+3 > end {
				return nil, 0, fmt.Errorf("binary XML PI data cut short at chunk offset 0x%x", p)
			}
			p += 3 + 2*int(le.Uint16(d[p+1:]))
		default:
			if !isPieceToken(tok) {
				return nil, 0, fmt.Errorf("binary XML: unexpected token 0x%02x at chunk offset 0x%x", tok, p)
			}
			pc, next, err := cp.piece(p, end)
			if err != nil {
				return nil, 0, err
			}
			pc.code = opPiece
			t.ops = append(t.ops, pc)
			p = next
		}
	}
	return t, p, nil
}
