// Package textio reads the lines of text logs written by Windows programs in
// whatever encoding they used: UTF-8 with or without a byte-order mark,
// UTF-16 little- or big-endian with or without one, or an ANSI code page
// (Windows-1250 on Polish systems, Windows-1252 on Western ones). Line ends
// may be CRLF or LF. Lines of any length are read in bounded memory: past
// MaxLine bytes a line is cut and the rest skipped.
//
// The encoding is guessed from the first bytes, and an ANSI log often
// starts with plain ASCII (a banner, English service names) and holds its
// first national letter much later. So in a file taken for UTF-8 without a
// byte-order mark, a line that is not valid UTF-8 keeps its valid UTF-8
// sequences and has each other byte read in the ANSI code page: Windows-1250
// from the first line whose bytes look Central European on, Windows-1252
// until then.
package textio

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// MaxLine is the longest line kept whole, in decoded bytes. A longer line is
// cut at this length and Lines.Truncated reports it.
const MaxLine = 1 << 20

// Encoding names a text encoding that Detect can choose.
type Encoding string

// The encodings Detect can choose.
const (
	UTF8        Encoding = "utf-8"
	UTF8BOM     Encoding = "utf-8-bom"
	UTF16LE     Encoding = "utf-16le"
	UTF16BE     Encoding = "utf-16be"
	UTF16LEBOM  Encoding = "utf-16le-bom"
	UTF16BEBOM  Encoding = "utf-16be-bom"
	Windows1250 Encoding = "windows-1250"
	Windows1252 Encoding = "windows-1252"
)

// Detect guesses the encoding of a text from its first bytes: a byte-order
// mark if there is one; else NUL bytes in every other position mean UTF-16;
// else valid UTF-8 is UTF-8; else bytes that only Central European text
// uses mean Windows-1250, and anything else is read as Windows-1252.
func Detect(head []byte) Encoding {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return UTF8BOM
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return UTF16LEBOM
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return UTF16BEBOM
	}
	if e, ok := utf16NoBOM(head); ok {
		return e
	}
	if validUTF8Prefix(head) {
		return UTF8
	}
	if looksCentralEuropean(head) {
		return Windows1250
	}
	return Windows1252
}

// utf16NoBOM recognises UTF-16 without a byte-order mark by its NUL bytes:
// mostly-ASCII text has a NUL in every odd (LE) or even (BE) position.
func utf16NoBOM(head []byte) (Encoding, bool) {
	n := len(head) &^ 1
	if n > 1024 {
		n = 1024
	}
	if n < 4 {
		return "", false
	}
	var evenNUL, oddNUL int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			evenNUL++
		}
		if head[i+1] == 0 {
			oddNUL++
		}
	}
	pairs := n / 2
	switch {
	case oddNUL*10 >= pairs*7 && evenNUL*10 < pairs:
		return UTF16LE, true
	case evenNUL*10 >= pairs*7 && oddNUL*10 < pairs:
		return UTF16BE, true
	}
	return "", false
}

// validUTF8Prefix reports whether b is valid UTF-8, allowing a rune cut
// short at the very end (a sniff head stops anywhere).
func validUTF8Prefix(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			if len(b) < utf8.UTFMax && !utf8.FullRune(b) {
				return true
			}
			return false
		}
		b = b[size:]
	}
	return true
}

// looksCentralEuropean reports bytes that Windows-1250 uses for Polish,
// Czech and similar letters (ą ś ź ż ć ę ń ł and their capitals, š ž č ě
// ř) where Windows-1252 has rare symbols or letters of languages whose logs
// extriage is less likely to meet (¿ æ ê ñ).
func looksCentralEuropean(b []byte) bool {
	for _, c := range b {
		switch c {
		case 0xB9, 0x9C, 0x9F, 0xA5, 0x8C, 0x8F, 0xB3, 0xA3, 0x9A, 0x8A, 0x9E, 0x8E, 0xEC, 0xF8, 0xE8, 0xC8,
			0xBF, 0xAF, 0xE6, 0xC6, 0xEA, 0xCA, 0xF1, 0xD1:
			return true
		}
	}
	return false
}

// decodeMixed decodes a line that is not valid UTF-8 in a file taken for
// UTF-8: valid UTF-8 sequences stay, every other byte is read as a
// character of cm.
func decodeMixed(b []byte, cm *charmap.Charmap) string {
	out := make([]byte, 0, len(b)+len(b)/2)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			out = utf8.AppendRune(out, cm.DecodeByte(b[0]))
			b = b[1:]
			continue
		}
		out = append(out, b[:size]...)
		b = b[size:]
	}
	return string(out)
}

func decoder(e Encoding) *encoding.Decoder {
	switch e {
	case UTF8BOM, UTF8:
		return unicode.UTF8BOM.NewDecoder() // strips a BOM if present, passes UTF-8 through
	case UTF16LE, UTF16LEBOM:
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
	case UTF16BE, UTF16BEBOM:
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder()
	case Windows1250:
		return charmap.Windows1250.NewDecoder()
	default:
		return charmap.Windows1252.NewDecoder()
	}
}

// DecodeHead decodes the first bytes of a file to UTF-8 text for sniffing.
// A character cut at the end is dropped.
func DecodeHead(head []byte) string {
	e := Detect(head)
	if e == UTF16LE || e == UTF16BE || e == UTF16LEBOM || e == UTF16BEBOM {
		head = head[:len(head)&^1]
	}
	out, _, err := transform.Bytes(decoder(e), head)
	if err != nil && len(out) == 0 {
		return ""
	}
	s := string(out)
	if e == UTF8 || e == UTF8BOM {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// Lines reads decoded lines one at a time.
type Lines struct {
	br        *bufio.Reader
	enc       Encoding
	text      string
	n         int
	truncated bool
	err       error
	buf       []byte
	// ansi is the code page of the bytes that are not UTF-8 in a file
	// taken for UTF-8: nil until a line needs one, Windows-1250 for good
	// once a line looks Central European.
	ansi *charmap.Charmap
}

// NewLines returns a line reader over r, detecting its encoding from its
// first bytes.
func NewLines(r io.Reader) *Lines {
	raw := bufio.NewReaderSize(r, 64<<10)
	head, _ := raw.Peek(4096)
	return NewLinesEncoding(raw, Detect(head))
}

// NewLinesEncoding returns a line reader over r in encoding e.
func NewLinesEncoding(r io.Reader, e Encoding) *Lines {
	var src io.Reader = r
	if e != UTF8 {
		src = transform.NewReader(r, decoder(e))
	}
	return &Lines{br: bufio.NewReaderSize(src, 64<<10), enc: e}
}

// Encoding returns the encoding the lines are decoded from.
func (l *Lines) Encoding() Encoding { return l.enc }

// Next advances to the next line; it returns false at the end of the text or
// on a read error (see Err).
func (l *Lines) Next() bool {
	if l.err != nil {
		return false
	}
	l.buf = l.buf[:0]
	l.truncated = false
	for {
		chunk, isPrefix, err := l.br.ReadLine()
		if err != nil {
			if err != io.EOF {
				l.err = err
			} else if len(l.buf) > 0 || l.truncated {
				break
			}
			l.err = err
			return false
		}
		if room := MaxLine - len(l.buf); room > 0 {
			if len(chunk) > room {
				chunk = chunk[:room]
				l.truncated = true
			}
			l.buf = append(l.buf, chunk...)
		} else if len(chunk) > 0 {
			l.truncated = true
		}
		if !isPrefix {
			break
		}
	}
	l.n++
	b := bytes.TrimSuffix(l.buf, []byte{'\r'})
	if l.n == 1 {
		b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	}
	switch {
	case utf8.Valid(b):
		l.text = string(b)
	case l.enc == UTF8:
		if l.ansi != charmap.Windows1250 {
			l.ansi = charmap.Windows1252
			if looksCentralEuropean(b) {
				l.ansi = charmap.Windows1250
			}
		}
		l.text = decodeMixed(b, l.ansi)
	default:
		l.text = strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return true
}

// Text returns the current line without its line end.
func (l *Lines) Text() string { return l.text }

// Number returns the 1-based number of the current line.
func (l *Lines) Number() int { return l.n }

// Truncated reports whether the current line was longer than MaxLine and
// was cut.
func (l *Lines) Truncated() bool { return l.truncated }

// Err returns the first read error other than io.EOF.
func (l *Lines) Err() error {
	if l.err == io.EOF {
		return nil
	}
	return l.err
}
