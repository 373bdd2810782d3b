package setuplog

import (
	"fmt"
	"strings"

	"github.com/extriage/extriage/parsers"
)

// maxMessage bounds the text one record keeps, continuation lines included.
const maxMessage = 2 << 20

// out delivers records and warnings of one Parse call to its sink.
type out struct {
	in      parsers.Input
	sink    parsers.Sink
	stopped bool // the sink asked to stop
	emitted int
}

func (o *out) emit(r *parsers.Record) {
	if o.stopped {
		return
	}
	o.emitted++
	if o.sink.Record != nil && !o.sink.Record(r) {
		o.stopped = true
	}
}

func (o *out) warn(line int, format string, args ...any) {
	if o.sink.Warn != nil {
		o.sink.Warn(parsers.Warning{Path: o.in.Path, Offset: -1, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
}

// builder assembles one record from its first line and its continuation
// lines. Blank continuation lines are held back until more text follows, so
// a message never ends in empty lines; a record whose first line had no text
// takes the next line as the start of its message.
type builder struct {
	o   *out
	cur *parsers.Record
	// one holds the message while it is a single line: most records are,
	// and they then take their text without a copy. The first
	// continuation line moves it into msg.
	one    string
	msg    strings.Builder
	blanks int
	cut    bool
}

// begin starts a new record; the caller must have taken the previous one.
func (b *builder) begin(r *parsers.Record, text string) {
	b.cur = r
	b.one = ""
	b.msg.Reset()
	b.blanks = 0
	b.cut = false
	b.add(r.Line, text)
}

// cont adds a continuation line to the record being built.
func (b *builder) cont(n int, text string) {
	if strings.TrimSpace(text) == "" {
		b.blanks++
		return
	}
	if b.len() > 0 {
		for i := 0; i <= b.blanks; i++ {
			if !b.room(n, 1) {
				return
			}
			b.spill()
			b.msg.WriteByte('\n')
		}
	}
	b.blanks = 0
	b.add(n, text)
}

func (b *builder) add(n int, text string) {
	if !b.room(n, len(text)) {
		text = strings.ToValidUTF8(text[:maxMessage-b.len()], "")
	}
	if b.len() == 0 {
		b.one = text
		return
	}
	b.spill()
	b.msg.WriteString(text)
}

// len returns the length of the message so far.
func (b *builder) len() int { return len(b.one) + b.msg.Len() }

// spill moves a single-line message into msg, ahead of more text.
func (b *builder) spill() {
	if b.one != "" {
		b.msg.WriteString(b.one)
		b.one = ""
	}
}

// room reports whether k more bytes fit; the first time they do not, it
// warns.
func (b *builder) room(n, k int) bool {
	if b.len()+k <= maxMessage {
		return true
	}
	if !b.cut {
		b.cut = true
		b.o.warn(n, "record starting at line %d longer than %d bytes: cut", b.cur.Line, maxMessage)
	}
	return false
}

// take returns the finished record (nil if none) and clears the builder.
func (b *builder) take() *parsers.Record {
	r := b.cur
	if r == nil {
		return nil
	}
	b.cur = nil
	r.Message = b.one
	if b.msg.Len() > 0 {
		r.Message = b.msg.String()
	}
	return r
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
