package evtx

import (
	"encoding/binary"
	"math"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// BinXML value types (MS-EVEN6 2.2.18; evtx-format.asciidoc "Value types").
const (
	typeNull     = 0x00
	typeString   = 0x01
	typeAnsi     = 0x02
	typeInt8     = 0x03
	typeUint8    = 0x04
	typeInt16    = 0x05
	typeUint16   = 0x06
	typeInt32    = 0x07
	typeUint32   = 0x08
	typeInt64    = 0x09
	typeUint64   = 0x0a
	typeReal32   = 0x0b
	typeReal64   = 0x0c
	typeBool     = 0x0d
	typeBinary   = 0x0e
	typeGUID     = 0x0f
	typeSizeT    = 0x10
	typeFileTime = 0x11
	typeSysTime  = 0x12
	typeSID      = 0x13
	typeHex32    = 0x14
	typeHex64    = 0x15
	typeBinXML   = 0x21
	typeArray    = 0x80
)

// value is one substitution value of a template instance: its type and
// where its bytes are in the chunk buffer (they are never copied). It holds
// no pointer, so the per-record value slices cost the garbage collector
// nothing.
type value struct {
	typ uint8
	pos int32 // offset of the value's bytes in the chunk
	n   int32 // their length
}

// bytes returns the value's bytes within chunk.
func (v value) bytes(chunk []byte) []byte {
	return chunk[v.pos : v.pos+v.n : v.pos+v.n]
}

var le = binary.LittleEndian

// fixedSize returns the size of one element of a fixed-size value type, or
// 0 for variable-size types.
func fixedSize(t uint8) int {
	switch t {
	case typeInt8, typeUint8:
		return 1
	case typeInt16, typeUint16:
		return 2
	case typeInt32, typeUint32, typeReal32, typeBool, typeHex32:
		return 4
	case typeInt64, typeUint64, typeReal64, typeFileTime, typeHex64:
		return 8
	case typeGUID, typeSysTime:
		return 16
	}
	return 0
}

// uintValue returns the value as an unsigned integer when it is one of the
// integer types (signed ones are returned only when not negative).
func (v value) uintValue(chunk []byte) (uint64, bool) {
	d := v.bytes(chunk)
	switch v.typ {
	case typeUint8:
		if len(d) >= 1 {
			return uint64(d[0]), true
		}
	case typeInt8:
		if len(d) >= 1 && int8(d[0]) >= 0 {
			return uint64(d[0]), true
		}
	case typeUint16:
		if len(d) >= 2 {
			return uint64(le.Uint16(d)), true
		}
	case typeInt16:
		if len(d) >= 2 && int16(le.Uint16(d)) >= 0 {
			return uint64(le.Uint16(d)), true
		}
	case typeUint32, typeHex32:
		if len(d) >= 4 {
			return uint64(le.Uint32(d)), true
		}
	case typeInt32:
		if len(d) >= 4 && int32(le.Uint32(d)) >= 0 {
			return uint64(le.Uint32(d)), true
		}
	case typeUint64, typeHex64:
		if len(d) >= 8 {
			return le.Uint64(d), true
		}
	case typeInt64:
		if len(d) >= 8 && int64(le.Uint64(d)) >= 0 {
			return le.Uint64(d), true
		}
	case typeSizeT:
		switch len(d) {
		case 4:
			return uint64(le.Uint32(d)), true
		case 8:
			return le.Uint64(d), true
		}
	}
	return 0, false
}

// filetimeEpoch is the number of 100 ns intervals between 1601-01-01 and
// 1970-01-01.
const filetimeEpoch = 116444736000000000

// filetime converts a FILETIME (100 ns intervals since 1601, UTC) to a
// time.Time in UTC, keeping the full 100 ns precision.
func filetime(ft uint64) time.Time {
	if ft == 0 {
		return time.Time{}
	}
	// Split before subtracting so that times before 1970 stay exact.
	sec := int64(ft/10000000) - filetimeEpoch/10000000
	nsec := int64(ft%10000000) * 100
	return time.Unix(sec, nsec).UTC()
}

// appendFiletime formats a FILETIME the way evtxexport does:
// 2013-10-23T16:16:29.484375000Z.
func appendFiletime(b []byte, ft uint64) []byte {
	t := filetime(ft)
	if ft == 0 {
		t = time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t.AppendFormat(b, "2006-01-02T15:04:05.000000000Z")
}

// appendSystime formats a SYSTEMTIME as evtxexport does.
func appendSystime(b []byte, d []byte) []byte {
	y, mo, dd := int(le.Uint16(d[0:])), int(le.Uint16(d[2:])), int(le.Uint16(d[6:]))
	h, mi, s, ms := int(le.Uint16(d[8:])), int(le.Uint16(d[10:])), int(le.Uint16(d[12:])), int(le.Uint16(d[14:]))
	b = appendPad(b, y, 4)
	b = append(b, '-')
	b = appendPad(b, mo, 2)
	b = append(b, '-')
	b = appendPad(b, dd, 2)
	b = append(b, 'T')
	b = appendPad(b, h, 2)
	b = append(b, ':')
	b = appendPad(b, mi, 2)
	b = append(b, ':')
	b = appendPad(b, s, 2)
	b = append(b, '.')
	b = appendPad(b, ms, 3)
	b = append(b, 'Z')
	return b
}

func appendPad(b []byte, v, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(v), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

const hexDigitsUpper = "0123456789ABCDEF"
const hexDigitsLower = "0123456789abcdef"

// appendHexFixed appends v as 0x followed by exactly digits lower-case hex
// digits.
func appendHexFixed(b []byte, v uint64, digits int) []byte {
	b = append(b, '0', 'x')
	for i := digits - 1; i >= 0; i-- {
		b = append(b, hexDigitsLower[(v>>(uint(i)*4))&0xf])
	}
	return b
}

// appendGUID formats 16 little-endian GUID bytes as {XXXXXXXX-XXXX-...}.
func appendGUID(b []byte, g []byte) []byte {
	hx := func(b []byte, c byte) []byte {
		return append(b, hexDigitsUpper[c>>4], hexDigitsUpper[c&0xf])
	}
	b = append(b, '{')
	b = hx(b, g[3])
	b = hx(b, g[2])
	b = hx(b, g[1])
	b = hx(b, g[0])
	b = append(b, '-')
	b = hx(b, g[5])
	b = hx(b, g[4])
	b = append(b, '-')
	b = hx(b, g[7])
	b = hx(b, g[6])
	b = append(b, '-')
	b = hx(b, g[8])
	b = hx(b, g[9])
	b = append(b, '-')
	for _, c := range g[10:16] {
		b = hx(b, c)
	}
	return append(b, '}')
}

// appendSID formats a binary NT security identifier as S-1-5-21-....
// It returns ok=false when the bytes are not a SID.
func appendSID(b []byte, d []byte) ([]byte, bool) {
	if len(d) < 8 {
		return b, false
	}
	n := int(d[1])
	if len(d) < 8+4*n {
		return b, false
	}
	var auth uint64
	for _, c := range d[2:8] {
		auth = auth<<8 | uint64(c)
	}
	b = append(b, 'S', '-')
	b = strconv.AppendUint(b, uint64(d[0]), 10)
	b = append(b, '-')
	b = strconv.AppendUint(b, auth, 10)
	for i := 0; i < n; i++ {
		b = append(b, '-')
		b = strconv.AppendUint(b, uint64(le.Uint32(d[8+4*i:])), 10)
	}
	return b, true
}

// appendUTF16 decodes UTF-16LE bytes (dropping trailing NULs) and appends
// them as UTF-8. Unpaired surrogates become U+FFFD.
func appendUTF16(b []byte, d []byte) []byte {
	n := len(d) / 2
	for n > 0 && d[2*n-2] == 0 && d[2*n-1] == 0 {
		n--
	}
	for i := 0; i < n; i++ {
		u := uint16(d[2*i]) | uint16(d[2*i+1])<<8
		switch {
		case u < utf8.RuneSelf:
			b = append(b, byte(u))
		case utf16.IsSurrogate(rune(u)):
			if u < 0xdc00 && i+1 < n {
				u2 := uint16(d[2*i+2]) | uint16(d[2*i+3])<<8
				if r := utf16.DecodeRune(rune(u), rune(u2)); r != utf8.RuneError {
					b = utf8.AppendRune(b, r)
					i++
					continue
				}
			}
			b = utf8.AppendRune(b, utf8.RuneError)
		default:
			b = utf8.AppendRune(b, rune(u))
		}
	}
	return b
}

// appendAnsi appends a code-page string (Windows-1252, as evtxexport
// assumes by default), dropping trailing NULs.
func appendAnsi(b []byte, d []byte) []byte {
	for len(d) > 0 && d[len(d)-1] == 0 {
		d = d[:len(d)-1]
	}
	for _, c := range d {
		if c < utf8.RuneSelf {
			b = append(b, c)
		} else {
			b = utf8.AppendRune(b, charmap.Windows1252.DecodeByte(c))
		}
	}
	return b
}

// appendFloat formats a floating point value.
func appendFloat(b []byte, f float64, bits int) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "1.#INF"...)
	case math.IsInf(f, -1):
		return append(b, "-1.#INF"...)
	case math.IsNaN(f):
		return append(b, "1.#IND"...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, bits)
}

// appendScalar renders one element of a scalar (non-array) value type. It
// returns ok=false when the bytes do not fit the type.
func appendScalar(b []byte, typ uint8, d []byte) ([]byte, bool) {
	if fs := fixedSize(typ); fs > 0 && len(d) < fs {
		return b, false
	}
	switch typ {
	case typeNull:
		return b, true
	case typeString:
		return appendUTF16(b, d), true
	case typeAnsi:
		return appendAnsi(b, d), true
	case typeInt8:
		return strconv.AppendInt(b, int64(int8(d[0])), 10), true
	case typeUint8:
		return strconv.AppendUint(b, uint64(d[0]), 10), true
	case typeInt16:
		return strconv.AppendInt(b, int64(int16(le.Uint16(d))), 10), true
	case typeUint16:
		return strconv.AppendUint(b, uint64(le.Uint16(d)), 10), true
	case typeInt32:
		return strconv.AppendInt(b, int64(int32(le.Uint32(d))), 10), true
	case typeUint32:
		return strconv.AppendUint(b, uint64(le.Uint32(d)), 10), true
	case typeInt64:
		return strconv.AppendInt(b, int64(le.Uint64(d)), 10), true
	case typeUint64:
		return strconv.AppendUint(b, le.Uint64(d), 10), true
	case typeReal32:
		return appendFloat(b, float64(math.Float32frombits(le.Uint32(d))), 32), true
	case typeReal64:
		return appendFloat(b, math.Float64frombits(le.Uint64(d)), 64), true
	case typeBool:
		if le.Uint32(d) != 0 {
			return append(b, "true"...), true
		}
		return append(b, "false"...), true
	case typeBinary:
		for _, c := range d {
			b = append(b, hexDigitsUpper[c>>4], hexDigitsUpper[c&0xf])
		}
		return b, true
	case typeGUID:
		return appendGUID(b, d), true
	case typeSizeT:
		// Decimal, as evtxexport shows it.
		switch len(d) {
		case 4:
			return strconv.AppendUint(b, uint64(le.Uint32(d)), 10), true
		case 8:
			return strconv.AppendUint(b, le.Uint64(d), 10), true
		}
		return b, false
	case typeFileTime:
		return appendFiletime(b, le.Uint64(d)), true
	case typeSysTime:
		return appendSystime(b, d), true
	case typeSID:
		return appendSID(b, d)
	case typeHex32:
		return appendHexFixed(b, uint64(le.Uint32(d)), 8), true
	case typeHex64:
		return appendHexFixed(b, le.Uint64(d), 16), true
	}
	return b, false
}

// arrayItems calls fn for each element of an array value. String arrays are
// NUL-separated; other element types have a fixed size.
func arrayItems(typ uint8, d []byte, fn func(item []byte)) bool {
	base := typ &^ typeArray
	switch base {
	case typeString:
		start := 0
		for i := 0; i+1 < len(d); i += 2 {
			if d[i] == 0 && d[i+1] == 0 {
				fn(d[start:i])
				start = i + 2
			}
		}
		if start+1 < len(d) {
			fn(d[start:])
		}
		return true
	case typeAnsi:
		start := 0
		for i, c := range d {
			if c == 0 {
				fn(d[start:i])
				start = i + 1
			}
		}
		if start < len(d) {
			fn(d[start:])
		}
		return true
	case typeSID:
		for len(d) >= 8 {
			n := 8 + 4*int(d[1])
			if n > len(d) {
				return false
			}
			fn(d[:n])
			d = d[n:]
		}
		return true
	}
	fs := fixedSize(base)
	if fs == 0 {
		return false
	}
	for len(d) >= fs {
		fn(d[:fs])
		d = d[fs:]
	}
	return true
}
