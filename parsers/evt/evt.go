// Package evt reads legacy Windows NT 4 / 2000 / XP / 2003 event log files
// (.evt): a 48-byte ELF_LOGFILE header, EVENTLOGRECORD records and an
// end-of-file record, laid out as a ring buffer that wraps from the end of
// the file back to offset 0x30.
//
// Records are streamed in order from the oldest one, following the ring
// across the end of the file. Each record is read on its own through
// io.ReaderAt (through a 64 KiB read window), so memory stays bounded
// whatever the file size.
//
// Damage is reported through the sink's Warn and reading goes on:
//
//   - a dirty file (flag 0x1, not closed cleanly) whose header offsets are
//     stale is read from the end-of-file record, found by scanning the ring;
//   - with no end-of-file record at all, the oldest record (lowest record
//     number among records whose leading and trailing sizes agree) is found
//     by scanning, and the ring is walked once from there;
//   - a record whose trailing size copy is 0 (zero-filled, as the event log
//     service leaves an interrupted write) or wrong is decoded as far as its
//     fields lie inside it, and the walk resynchronises on the next valid
//     record when it has to;
//   - a file cut short (the header points past its end) yields the part of
//     its last record that is present;
//   - a file whose header is damaged (no ELF_LOGFILE signature) but which
//     holds a whole record in its first 8 KiB is read by scanning, as a
//     dirty file without an end-of-file record.
//
// Each record becomes a parsers.Record: RecordID is the record number, Time
// the generated time (UTC), EventID the low 16 bits of the stored
// identifier and Qualifiers the high 16, Level follows the event type,
// Provider and Host are the source and computer names, Data the insertion
// strings, and Channel is guessed from the file name (ChannelFromPath).
// Fields holds "category" (decimal), "time_written" (RFC 3339, UTC), "sid"
// (S-1-... form, when the record has a user SID), "data_size" and, for
// data blocks of at most MaxDataHex bytes, "data_hex"; "event_type" (decimal)
// when the type is none of the five known ones; and "truncated" = "true"
// for a record that was cut short or damaged and read only in part.
package evt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/extriage/extriage/parsers"
)

// MaxRecordSize is the largest record length the parser accepts. The
// format stores a 32-bit length, so a damaged length could ask for up to
// 4 GiB; the NT event log service writes records far smaller (an insertion
// string is limited to 32K characters, and a record has to fit in a log
// whose default size is 512 KiB). A record is also never longer than the
// ring it lives in (the file size less the header). Both limits bound what
// is allocated per record.
const MaxRecordSize = 16 << 20

// MaxDataHex is the largest event data block (in bytes) that is copied into
// Fields["data_hex"]; larger blocks are only counted in Fields["data_size"].
const MaxDataHex = 256

const (
	headerSize = 0x30 // ELF_LOGFILE_HEADER size, also where the ring starts
	eofSize    = 0x28 // ELF_EOF_RECORD size
	fixedSize  = 0x38 // fixed part of EVENTLOGRECORD, where the source name starts
	windowSize = 64 << 10

	flagDirty = 0x1
	flagWrap  = 0x2
)

var (
	sigRecord = []byte("LfLe")
	sigEOF    = []byte{
		0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22,
		0x33, 0x33, 0x33, 0x33, 0x44, 0x44, 0x44, 0x44,
	}
)

// Parser reads .evt files. Its zero value is ready to use.
type Parser struct{}

func init() { parsers.Register(Parser{}) }

// Format returns parsers.FormatEVT.
func (Parser) Format() parsers.Format { return parsers.FormatEVT }

// Sniff returns 100 when head starts with an ELF_LOGFILE header (size 0x30
// followed by the "LfLe" signature); 70 when the header is damaged but head
// holds a whole event record (a length, "LfLe", and the same length as the
// record's last four bytes); 0 otherwise.
func (Parser) Sniff(head []byte) int {
	if len(head) >= 8 && binary.LittleEndian.Uint32(head) == headerSize && bytes.Equal(head[4:8], sigRecord) {
		return 100
	}
	if wholeRecordIn(head) {
		return 70
	}
	return 0
}

// wholeRecordIn reports whether b holds a whole event record: a length of
// at least the fixed part, a multiple of 4, followed by "LfLe", with the
// same length in the record's last four bytes.
func wholeRecordIn(b []byte) bool {
	le := binary.LittleEndian
	for i := 4; i+4 <= len(b); {
		j := bytes.Index(b[i:], sigRecord)
		if j < 0 {
			return false
		}
		p := i + j - 4
		i += j + 1
		L := int(le.Uint32(b[p:]))
		if L >= fixedSize && L%4 == 0 && L <= len(b)-p && int(le.Uint32(b[p+L-4:])) == L {
			return true
		}
	}
	return false
}

// ChannelFromPath guesses the event log name from a file's base name: the
// default Windows file names AppEvent.Evt, SysEvent.Evt and SecEvent.Evt,
// and MPS Reports' SERVER_Application.evt, SERVER_System.evt and
// SERVER_Security.evt. Any other name gives "". Archive member paths
// ("a.zip!dir/f.evt") and both slash styles are understood.
func ChannelFromPath(path string) string {
	base := path
	if i := strings.LastIndexAny(base, `/\!`); i >= 0 {
		base = base[i+1:]
	}
	b := strings.ToLower(base)
	switch b {
	case "appevent.evt":
		return "Application"
	case "sysevent.evt":
		return "System"
	case "secevent.evt":
		return "Security"
	}
	for _, c := range []string{"Application", "System", "Security"} {
		if strings.HasSuffix(b, "_"+strings.ToLower(c)+".evt") {
			return c
		}
	}
	return ""
}

// header is the decoded ELF_LOGFILE header.
type header struct {
	size, major, minor   uint32
	start, end           uint32
	current, oldest      uint32
	maxSize, flags, tail uint32
}

// Parse streams the records of in to sink, oldest first. It returns an error
// only when in is not an EVT file (too short, or no ELF_LOGFILE header) or
// when ctx is cancelled.
func (Parser) Parse(ctx context.Context, in parsers.Input, sink parsers.Sink) error {
	if in.Size < headerSize {
		return parsers.Fail(parsers.FormatEVT, in.Path, "%d bytes is too short for an event log header", in.Size)
	}
	var hb [headerSize]byte
	if n, _ := in.R.ReadAt(hb[:], 0); n < headerSize {
		return parsers.Fail(parsers.FormatEVT, in.Path, "cannot read the event log header")
	}
	le := binary.LittleEndian
	h := header{
		size: le.Uint32(hb[0:]), major: le.Uint32(hb[8:]), minor: le.Uint32(hb[12:]),
		start: le.Uint32(hb[16:]), end: le.Uint32(hb[20:]),
		current: le.Uint32(hb[24:]), oldest: le.Uint32(hb[28:]),
		maxSize: le.Uint32(hb[32:]), flags: le.Uint32(hb[36:]), tail: le.Uint32(hb[44:]),
	}
	noHeader := h.size != headerSize || !bytes.Equal(hb[4:8], sigRecord)
	if noHeader {
		// A damaged header (overwritten, carved from disk): the records
		// can still be found by their signatures, if the start of the
		// file holds one.
		head, _ := parsers.ReadHead(in)
		if !wholeRecordIn(head) {
			return parsers.Fail(parsers.FormatEVT, in.Path, "not an EVT file (no ELF_LOGFILE header)")
		}
		h = header{flags: flagDirty}
	}
	s := &scanner{
		ctx:     ctx,
		path:    in.Path,
		sink:    sink,
		channel: ChannelFromPath(in.Path),
		g:       ring{win: window{r: in.R}, end: in.Size, wrap: true},
	}
	if noHeader {
		s.noHeader = true
		s.warn(0, "no event log header (ELF_LOGFILE) at the start of the file: it is damaged; recovering records by scanning")
	}
	if !noHeader && (h.major != 1 || h.minor != 1) {
		s.warn(0, "unexpected format version %d.%d (want 1.1); reading on", h.major, h.minor)
	}
	if h.tail != headerSize && !noHeader {
		s.warn(44, "header's trailing size copy is 0x%x, not 0x30", h.tail)
	}
	// A file shorter than its header says, whose header points past its end,
	// was cut short (a partial copy). Its records do not wrap: what runs past
	// the end is lost.
	if int64(h.maxSize) > in.Size && (int64(h.end)+eofSize > in.Size || int64(h.start) >= in.Size) {
		s.g.wrap = false
		s.warn(in.Size, "file is cut short: %d bytes, but the header gives a maximum size of %d and the end-of-file record at 0x%x", in.Size, h.maxSize, h.end)
	}
	s.maxRec = MaxRecordSize
	if s.g.wrap {
		s.maxRec = min(s.maxRec, s.g.capacity())
	}
	if s.g.capacity() <= 0 {
		return nil // just a header
	}
	s.run(h)
	return ctx.Err()
}

// scanner holds the state of one Parse call.
type scanner struct {
	ctx     context.Context
	path    string
	sink    parsers.Sink
	channel string
	g       ring
	maxRec  int64
	buf     []byte // reused record buffer
	scanBuf []byte // reused search buffer
	u16     []uint16

	stopped    bool // the sink asked to stop, or ctx was cancelled
	recovering bool // offsets came from a scan: skip stale record copies
	noHeader   bool // the file header is damaged (already reported)
	emitted    bool
	lastNum    uint32
	stale      int
}

func (s *scanner) warn(off int64, format string, args ...any) {
	if s.sink.Warn != nil {
		s.sink.Warn(parsers.Warning{Path: s.path, Offset: off, Msg: fmt.Sprintf(format, args...)})
	}
}

func (s *scanner) done() bool {
	if !s.stopped && s.ctx.Err() != nil {
		s.stopped = true
	}
	return s.stopped
}

// run decides where the oldest record and the end-of-file record are, then
// walks the ring between them.
func (s *scanner) run(h header) {
	dirty := h.flags&flagDirty != 0
	inRing := func(off uint32) bool { return int64(off) >= headerSize && int64(off) < s.g.end }

	eof := int64(-1)
	var eofRec eofRecord
	if inRing(h.end) && s.probe(int64(h.end)).kind == kindEOF {
		eof = int64(h.end)
		eofRec, _ = s.eofAt(eof)
	}
	if eof < 0 {
		from := int64(headerSize)
		if inRing(h.end) {
			from = int64(h.end)
		}
		if p, r, ok := s.scanEOF(from); ok {
			eof, eofRec = p, r
		}
		if s.done() {
			return
		}
		switch {
		case s.noHeader:
			// already reported
		case eof >= 0 && dirty:
			s.warn(eof, "file is dirty (not closed cleanly) and its header is stale (end-of-file record at 0x%x, not 0x%x); reading from the end-of-file record", eof, h.end)
		case eof >= 0:
			s.warn(int64(h.end), "no end-of-file record at the header's offset 0x%x; found one at 0x%x", h.end, eof)
		case !s.g.wrap:
			// already reported as cut short
		case dirty:
			s.warn(int64(h.end), "file is dirty (not closed cleanly) and has no end-of-file record; recovering records by scanning")
		default:
			s.warn(int64(h.end), "no end-of-file record found (header says 0x%x); recovering records by scanning", h.end)
		}
	}

	// The oldest record: the header's start offset when the header is
	// current, else the end-of-file record's copy of it. Without an
	// end-of-file record neither can be trusted (a stale start offset may
	// now point into the middle of the ring), so the oldest record is found
	// by scanning.
	start := int64(-1)
	if eof >= 0 {
		cands := []uint32{h.start, eofRec.begin}
		if dirty || eof != int64(h.end) {
			cands = []uint32{eofRec.begin, h.start}
		}
		for _, c := range cands {
			if !inRing(c) {
				continue
			}
			if int64(c) == eof {
				if int64(eofRec.begin) == eof {
					return // an empty log
				}
				continue
			}
			if s.probe(int64(c)).kind == kindRecord {
				start = int64(c)
				break
			}
		}
		if start < 0 {
			s.warn(int64(eofRec.begin), "oldest record offset 0x%x does not point to a record; recovering records by scanning", eofRec.begin)
		}
	}
	if start < 0 {
		s.recovering = true
		p, ok := s.scanOldest()
		if s.done() {
			return
		}
		switch {
		case ok:
			start = p
		case !s.g.wrap && inRing(h.start) && s.probe(int64(h.start)).kind == kindRecord:
			start = int64(h.start) // a file cut inside its only record
		default:
			if eof < 0 {
				s.warn(headerSize, "no event records found")
			}
			return
		}
	}

	limit := s.g.capacity()
	if eof >= 0 {
		limit = s.g.dist(start, eof)
	} else if !s.g.wrap {
		limit = s.g.end - start
	}
	s.walk(start, limit, eof)
	if s.stale > 0 {
		s.warn(-1, "skipped stale copies of %d records (record numbers not newer than those already read)", s.stale)
	}
}

// walk reads records from start, following their lengths around the ring,
// for at most limit bytes. It stops at the end-of-file record.
func (s *scanner) walk(start, limit, eof int64) {
	p, walked := start, int64(0)
	// After a damaged record the walk tries the offset its length gives;
	// if nothing valid is there, it scans from just inside the damaged
	// record instead (its length may be what is damaged).
	anchor, anchorWalked := int64(-1), int64(0)
	for walked < limit {
		if s.done() {
			return
		}
		pr := s.probe(p)
		switch {
		case pr.kind == kindEOF:
			if eof >= 0 && p != eof {
				s.warn(p, "end-of-file record at 0x%x, before the expected 0x%x", p, eof)
			}
			return
		case pr.kind == kindRecord && pr.trailerOK:
			s.record(p, int(pr.length), int(pr.length), false)
			anchor = -1
		case pr.kind == kindRecord:
			L := int64(pr.length)
			switch {
			case p+L > s.g.end:
				avail := s.g.end - p
				if !s.g.wrap {
					s.warn(p, "record of %d bytes is cut off by the end of the file after %d bytes", L, avail)
					s.record(p, int(avail), int(L), true)
					return
				}
				s.warn(p, "record of %d bytes runs past the end of the file and its continuation at 0x30 does not end with its size (trailing copy 0x%x); reading the first %d bytes", L, pr.trailer, avail)
				s.record(p, int(avail), int(L), true)
			case pr.trailer == 0:
				s.warn(p, "record is truncated (zero-filled, trailing size copy is 0); reading what is left")
				s.record(p, int(L), int(L), true)
			default:
				s.warn(p, "record's trailing size copy is 0x%x, not its length 0x%x; reading it as damaged", pr.trailer, L)
				s.record(p, int(L), int(L), true)
			}
			anchor, anchorWalked = s.g.advance(p, 8), walked+8
		default:
			from, fromWalked := p, walked
			if anchor >= 0 {
				from, fromWalked = anchor, anchorWalked
				anchor = -1
			}
			s.recovering = true
			q, d, ok := s.findNext(from, limit-fromWalked)
			if s.done() {
				return
			}
			if !ok {
				// Without an end-of-file record the walk goes once around
				// the ring, and free space after the newest record is
				// expected; otherwise records were lost.
				if eof >= 0 {
					s.warn(p, "no valid record at 0x%x and none up to the end-of-file record; %d bytes not read", p, limit-walked)
				}
				return
			}
			if q != p {
				s.warn(p, "no valid record at 0x%x; skipped to the next one at 0x%x", p, q)
			}
			p, walked = q, fromWalked+d
			continue
		}
		next, ok := s.g.advanceOK(p, int64(pr.length))
		walked += int64(pr.length)
		if !ok {
			return // end of a non-wrapping (cut short) file
		}
		p = next
	}
	if eof >= 0 && walked != limit && !s.stopped {
		s.warn(eof, "records do not end at the end-of-file record at 0x%x", eof)
	}
}

// record reads a record of length L at p, of which only the first n bytes
// are usable, and sends it to the sink.
func (s *scanner) record(p int64, n, L int, damaged bool) {
	if n < fixedSize {
		s.warn(p, "record fragment of %d bytes is too short to decode", n)
		return
	}
	if cap(s.buf) < n {
		s.buf = make([]byte, n)
	}
	buf := s.buf[:n]
	if got := s.g.read(buf, p); got < n {
		if got < fixedSize {
			s.warn(p, "cannot read the record (%d of %d bytes)", got, n)
			return
		}
		buf = buf[:got]
	}
	bodyEnd := len(buf)
	if bodyEnd > L-4 {
		bodyEnd = L - 4
	}
	partial := n < L || len(buf) < n
	rec := s.decode(p, buf, bodyEnd, partial)
	if damaged || partial {
		rec.Fields["truncated"] = "true"
	}
	num := uint32(rec.RecordID)
	if s.recovering && s.emitted && num <= s.lastNum {
		s.stale++
		return
	}
	s.emitted, s.lastNum = true, num
	if s.sink.Record != nil && !s.sink.Record(rec) {
		s.stopped = true
	}
}

// decode turns the bytes of one record into a parsers.Record. Variable
// parts are read only inside buf[:bodyEnd]. A partial record (cut off by
// the end of the file) has been reported already: the parts missing from it
// are not reported one by one.
func (s *scanner) decode(p int64, buf []byte, bodyEnd int, partial bool) *parsers.Record {
	warn := func(off int64, format string, args ...any) {
		if !partial {
			s.warn(off, format, args...)
		}
	}
	le := binary.LittleEndian
	num := le.Uint32(buf[8:])
	id := le.Uint32(buf[20:])
	typ := le.Uint16(buf[24:])
	nstr := int(le.Uint16(buf[26:]))
	cat := le.Uint16(buf[28:])
	strOff := int64(le.Uint32(buf[36:]))
	sidLen := int64(le.Uint32(buf[40:]))
	sidOff := int64(le.Uint32(buf[44:]))
	dataLen := int64(le.Uint32(buf[48:]))
	dataOff := int64(le.Uint32(buf[52:]))

	rec := &parsers.Record{
		Path:       s.path,
		Format:     parsers.FormatEVT,
		RecordID:   uint64(num),
		Offset:     p,
		Time:       unixTime(le.Uint32(buf[12:])),
		EventID:    id & 0xFFFF,
		Qualifiers: uint16(id >> 16),
		Channel:    s.channel,
		Fields:     map[string]string{"category": strconv.Itoa(int(cat))},
	}
	if tw := unixTime(le.Uint32(buf[16:])); !tw.IsZero() {
		rec.Fields["time_written"] = tw.Format(time.RFC3339)
	}
	switch typ {
	case 0, 4:
		rec.Level = parsers.LevelInformation
	case 1:
		rec.Level = parsers.LevelError
	case 2:
		rec.Level = parsers.LevelWarning
	case 8:
		rec.Level = parsers.LevelAuditSuccess
	case 16:
		rec.Level = parsers.LevelAuditFailure
	default:
		rec.Fields["event_type"] = strconv.Itoa(int(typ))
	}

	var next int
	var ok bool
	rec.Provider, next, ok = s.utf16z(buf, fixedSize, bodyEnd)
	if ok {
		rec.Host, _, ok = s.utf16z(buf, next, bodyEnd)
	}
	if !ok {
		warn(p, "record %d: source or computer name runs past the end of the record", num)
	}

	end := int64(bodyEnd)
	if sidLen > 0 {
		if sidOff >= fixedSize && sidOff+sidLen <= end {
			if sid, ok := sidString(buf[sidOff : sidOff+sidLen]); ok {
				rec.Fields["sid"] = sid
			} else {
				warn(p+sidOff, "record %d: malformed user SID (%d bytes)", num, sidLen)
			}
		} else {
			warn(p, "record %d: user SID (%d bytes at offset %d) lies outside the record", num, sidLen, sidOff)
		}
	}

	if nstr > 0 {
		if strOff < fixedSize || strOff >= end {
			warn(p, "record %d: %d insertion strings at offset %d lie outside the record", num, nstr, strOff)
		} else {
			data := make([]string, 0, min(nstr, int(end-strOff)/2))
			at := int(strOff)
			for i := 0; i < nstr; i++ {
				if at >= bodyEnd {
					warn(p, "record %d: only %d of %d insertion strings fit in the record", num, i, nstr)
					break
				}
				str, n, ok := s.utf16z(buf, at, bodyEnd)
				if !ok {
					data = append(data, str)
					warn(p, "record %d: insertion string %d of %d is cut off by the end of the record", num, i+1, nstr)
					break
				}
				data = append(data, str)
				at = n
			}
			rec.Data = data
		}
	}

	if dataLen > 0 {
		if dataOff >= fixedSize && dataOff+dataLen <= end {
			rec.Fields["data_size"] = strconv.FormatInt(dataLen, 10)
			if dataLen <= MaxDataHex {
				rec.Fields["data_hex"] = hex.EncodeToString(buf[dataOff : dataOff+dataLen])
			}
		} else {
			warn(p, "record %d: event data (%d bytes at offset %d) lies outside the record", num, dataLen, dataOff)
		}
	}
	return rec
}

// unixTime converts a 32-bit POSIX time to UTC; 0 gives the zero time.
func unixTime(v uint32) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(int64(v), 0).UTC()
}

// utf16z decodes a NUL-terminated UTF-16LE string at buf[off:end]. It
// returns the string, the offset after its terminator, and false when no
// terminator was found before end (the string is then what was there).
func (s *scanner) utf16z(buf []byte, off, end int) (string, int, bool) {
	ascii := true
	i := off
	for ; i+1 < end; i += 2 {
		c := uint16(buf[i]) | uint16(buf[i+1])<<8
		if c == 0 {
			break
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	terminated := i+1 < end
	var str string
	if ascii {
		b := make([]byte, 0, (i-off)/2)
		for j := off; j < i; j += 2 {
			b = append(b, buf[j])
		}
		str = string(b)
	} else {
		u := s.u16[:0]
		for j := off; j < i; j += 2 {
			u = append(u, uint16(buf[j])|uint16(buf[j+1])<<8)
		}
		s.u16 = u
		str = string(utf16.Decode(u))
	}
	if !terminated {
		return str, end, false
	}
	return str, i + 2, true
}

// sidString formats a binary NT security identifier as S-R-A-S1-S2-...
func sidString(b []byte) (string, bool) {
	if len(b) < 8 || b[0] != 1 {
		return "", false
	}
	n := int(b[1])
	if len(b) < 8+4*n {
		return "", false
	}
	var auth uint64
	for _, c := range b[2:8] {
		auth = auth<<8 | uint64(c)
	}
	var sb strings.Builder
	sb.WriteString("S-1-")
	if auth >= 1<<32 {
		fmt.Fprintf(&sb, "0x%012X", auth)
	} else {
		sb.WriteString(strconv.FormatUint(auth, 10))
	}
	for i := 0; i < n; i++ {
		sb.WriteByte('-')
		sb.WriteString(strconv.FormatUint(uint64(binary.LittleEndian.Uint32(b[8+4*i:])), 10))
	}
	return sb.String(), true
}

// eofRecord is the decoded ELF_EOF_RECORD.
type eofRecord struct {
	begin, end, current, oldest uint32
}

// eofAt checks for an end-of-file record at ring position p.
func (s *scanner) eofAt(p int64) (eofRecord, bool) {
	var b [eofSize]byte
	if s.g.read(b[:], p) < eofSize {
		return eofRecord{}, false
	}
	le := binary.LittleEndian
	if le.Uint32(b[0:]) != eofSize || !bytes.Equal(b[4:20], sigEOF) || le.Uint32(b[36:]) != eofSize {
		return eofRecord{}, false
	}
	return eofRecord{begin: le.Uint32(b[20:]), end: le.Uint32(b[24:]), current: le.Uint32(b[28:]), oldest: le.Uint32(b[32:])}, true
}

const (
	kindNone = iota
	kindRecord
	kindEOF
)

// probeResult says what starts at a ring position.
type probeResult struct {
	kind      int
	length    uint32 // record length
	trailer   uint32 // the record's trailing size copy, if it could be read
	trailerOK bool   // the trailing copy was read and equals length
}

// probe looks at ring position p: an end-of-file record, a record (a
// plausible length followed by "LfLe"), or neither.
func (s *scanner) probe(p int64) probeResult {
	var b [8]byte
	if s.g.read(b[:], p) < 8 {
		return probeResult{}
	}
	L := binary.LittleEndian.Uint32(b[:])
	if bytes.Equal(b[4:8], sigRecord) {
		if L < fixedSize || L%4 != 0 || int64(L) > s.maxRec {
			return probeResult{}
		}
		pr := probeResult{kind: kindRecord, length: L}
		if q, ok := s.g.advanceOK(p, int64(L)-4); ok {
			var t [4]byte
			if s.g.read(t[:], q) == 4 {
				pr.trailer = binary.LittleEndian.Uint32(t[:])
				pr.trailerOK = pr.trailer == L
			}
		}
		return pr
	}
	if L == eofSize && bytes.Equal(b[4:8], sigEOF[:4]) {
		if r, ok := s.eofAt(p); ok {
			// A real end-of-file record names its own offset.
			if int64(r.end) == p {
				return probeResult{kind: kindEOF}
			}
		}
	}
	return probeResult{}
}

// scanEOF searches the whole ring, from ring position from onward, for an
// end-of-file record that names its own offset.
func (s *scanner) scanEOF(from int64) (int64, eofRecord, bool) {
	var found int64 = -1
	s.scan(from, s.scanSpan(from), sigEOF[:4], func(q int64, _ int64) bool {
		if s.probe(q).kind == kindEOF {
			found = q
			return false
		}
		return true
	})
	if found < 0 {
		return 0, eofRecord{}, false
	}
	r, _ := s.eofAt(found)
	return found, r, true
}

// scanSpan is how far a scan of the whole ring from ring position from
// goes: once around a wrapping ring, to the end of a non-wrapping file.
func (s *scanner) scanSpan(from int64) int64 {
	if s.g.wrap {
		return s.g.capacity()
	}
	return s.g.end - from
}

// scanOldest searches the ring for valid records (leading and trailing
// sizes agree) and returns the position of the one with the lowest record
// number: in a ring buffer the oldest record is where reading begins.
func (s *scanner) scanOldest() (int64, bool) {
	best, bestNum := int64(-1), uint32(0)
	skip := int64(headerSize) // the body of the last record found
	s.scan(headerSize, s.g.end-headerSize, sigRecord, func(q int64, _ int64) bool {
		if q < skip {
			return true
		}
		pr := s.probe(q)
		if pr.kind != kindRecord || !pr.trailerOK {
			return true
		}
		var nb [4]byte
		if s.g.read(nb[:], s.g.advance(q, 8)) == 4 {
			if n := binary.LittleEndian.Uint32(nb[:]); best < 0 || n < bestNum {
				best, bestNum = q, n
			}
		}
		skip = q + int64(pr.length) // a record that wraps ends the search
		return skip < s.g.end
	})
	return best, best >= 0
}

// findNext searches ring positions from..from+span (exclusive) for the
// first valid record or end-of-file record. It returns the position and
// its distance from from.
func (s *scanner) findNext(from, span int64) (int64, int64, bool) {
	var pos, dist int64 = -1, 0
	check := func(q, d int64) bool {
		pr := s.probe(q)
		if pr.kind == kindEOF || (pr.kind == kindRecord && pr.trailerOK) {
			pos, dist = q, d
			return false
		}
		return true
	}
	s.scan2(from, span, check)
	return pos, dist, pos >= 0
}

// scan calls fn(q, d) for each ring position q at distance d in [0, span)
// from from where sig starts at q+4, in order, until fn returns false.
func (s *scanner) scan(from, span int64, sig []byte, fn func(q, d int64) bool) {
	s.scanSigs(from, span, [][]byte{sig}, fn)
}

// scan2 is scan for either signature: a record's or an end-of-file
// record's.
func (s *scanner) scan2(from, span int64, fn func(q, d int64) bool) {
	s.scanSigs(from, span, [][]byte{sigRecord, sigEOF[:4]}, fn)
}

func (s *scanner) scanSigs(from, span int64, sigs [][]byte, fn func(q, d int64) bool) {
	if span <= 0 {
		return
	}
	if s.scanBuf == nil {
		s.scanBuf = make([]byte, windowSize+8)
	}
	next := make([]int, len(sigs))
	// Read a little first and more as the search goes on, so that a
	// search that ends near its start costs little.
	step := int64(4 << 10)
	for off := int64(0); off < span; off += step {
		if off > 0 {
			step = min(2*step, windowSize)
		}
		if s.done() {
			return
		}
		n := min(step, span-off)
		at, ok := s.g.advanceOK(from, off)
		if !ok {
			return
		}
		got := s.g.read(s.scanBuf[:n+8], at)
		b := s.scanBuf[:got]
		// Candidates q in [0, n) whose signature lies at b[q+4:q+8].
		for i, sg := range sigs {
			next[i] = indexFrom(b, sg, 4)
		}
		for {
			k := -1
			for i := range sigs {
				if next[i] >= 0 && (k < 0 || next[i] < next[k]) {
					k = i
				}
			}
			if k < 0 {
				break
			}
			q := int64(next[k] - 4)
			if q >= n {
				break
			}
			pos, _ := s.g.advanceOK(at, q)
			if !fn(pos, off+q) {
				return
			}
			next[k] = indexFrom(b, sigs[k], next[k]+1)
		}
	}
}

// indexFrom is bytes.Index(b[from:], sig) as an index into b, or -1.
func indexFrom(b, sig []byte, from int) int {
	if from > len(b) {
		return -1
	}
	i := bytes.Index(b[from:], sig)
	if i < 0 {
		return -1
	}
	return from + i
}

// ring addresses the record area of the file, [headerSize, end), as a
// circular buffer. When wrap is false (a file cut short) positions past the
// end do not exist.
type ring struct {
	win  window
	end  int64
	wrap bool
}

func (g *ring) capacity() int64 { return g.end - headerSize }

// dist is how many bytes lie from ring position a forward to b.
func (g *ring) dist(a, b int64) int64 {
	if b >= a {
		return b - a
	}
	return g.capacity() - (a - b)
}

// advanceOK moves ring position p forward by n bytes. It reports false
// when that runs past the end of a non-wrapping file.
func (g *ring) advanceOK(p, n int64) (int64, bool) {
	q := p + n
	if q < g.end {
		return q, true
	}
	if !g.wrap {
		return q, false
	}
	return headerSize + (q-g.end)%g.capacity(), true
}

// advance is advanceOK without the flag.
func (g *ring) advance(p, n int64) int64 {
	q, _ := g.advanceOK(p, n)
	return q
}

// read fills buf from ring position p, wrapping from the end of the file to
// headerSize. It returns how many bytes it read.
func (g *ring) read(buf []byte, p int64) int {
	n := 0
	for n < len(buf) {
		if p >= g.end {
			if !g.wrap {
				break
			}
			p = headerSize
		}
		want := min(int64(len(buf)-n), g.end-p)
		m := g.win.readAt(buf[n:n+int(want)], p)
		n += m
		p += int64(m)
		if int64(m) < want {
			break
		}
	}
	return n
}

// window is a 64 KiB read cache over an io.ReaderAt, so that walking
// records does not cost several system calls each.
type window struct {
	r   io.ReaderAt
	buf []byte
	off int64
	n   int
}

func (w *window) readAt(dst []byte, p int64) int {
	if p < 0 {
		return 0
	}
	if p >= w.off && p+int64(len(dst)) <= w.off+int64(w.n) {
		return copy(dst, w.buf[p-w.off:w.n])
	}
	if len(dst) > windowSize/2 {
		m, _ := w.r.ReadAt(dst, p)
		return m
	}
	if w.buf == nil {
		w.buf = make([]byte, windowSize)
	}
	m, _ := w.r.ReadAt(w.buf, p)
	w.off, w.n = p, m
	return copy(dst, w.buf[:m])
}
