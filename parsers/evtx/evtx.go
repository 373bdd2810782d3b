// Package evtx reads Windows XML event logs (EVTX, Vista and later) into
// parsers.Records.
//
// It reads the file one 64 KiB chunk at a time (one read per chunk) rather
// than through github.com/0xrawsec/golang-evtx's File.FastEvents/Events/
// Chunks iterators, which panic inside goroutines no caller can recover.
// Every chunk slot the file size allows is visited, whatever the file
// header's chunk count says; chunk header and record-data checksums are
// verified; records are walked one by one (signature, size, size copy), and
// after a bad record the walk resynchronises on the next record signature,
// as libevtx does. Chunks are parsed in parallel by a bounded pool of
// workers, and records reach the Sink strictly in file order. Damage costs
// a warning, never the process.
//
// Template definitions are read by a BinXML reader of our own, with
// golang-evtx's as the fallback where ours fails; the per-record work
// (template instance values, nested BinXML values, the walk that fills the
// Record) is done here on the chunk bytes, see binxml.go. golang-evtx's log
// output is silenced (quiet.go).
//
// A scan that needs only some records passes a parsers.Prefilter: a chunk
// whose raw bytes hold none of its words, in ASCII or UTF-16LE, in any
// ASCII case, is not decoded, and in the other chunks a record whose
// provider name and text hold none of them is left out before its strings
// are built; both are counted through Prefilter.Skipped (see prefilter.go).
// Only whole, undamaged chunks are passed over; the first chunk of the file
// is always read whole, and so is every chunk until Prefilter.Ready says
// the consumer has what it needs (the scan: the file's host); damaged
// chunks are parsed and reported as usual.
//
// Record fields:
//
//   - RecordID: System/EventRecordID (the record header's identifier when
//     the element is missing); Offset: the record's file offset.
//   - Time: System/TimeCreated/@SystemTime in UTC, to 100 ns.
//   - Host: System/Computer; Channel: System/Channel.
//   - Provider: System/Provider/@Name, classic event sources included.
//   - EventID: System/EventID; Qualifiers: its Qualifiers attribute.
//   - Level: System/Level (1 critical, 2 error, 3 warning, 0 or 4
//     information, 5 verbose), or audit_success / audit_failure when
//     System/Keywords carries the audit keywords (Security logs).
//   - Data: the EventData/Data values in order (one per item of an array
//     value; none for a Data element whose optional value is NULL), or the
//     values under UserData in document order: the attributes of the
//     elements below its first child, then the text of each leaf element
//     (none for a leaf that has attributes and no text); Fields[name]
//     holds the named ones (Data/@Name, the UserData leaf element's name,
//     or "Element/@attribute").
//   - Message: RenderingInfo/Message where the record has it (forwarded
//     events).
//
// Values are rendered as evtxexport (libevtx) shows them: integers in
// decimal, HexInt32/64 as 0x and 8 or 16 hex digits, GUIDs as {XXXXXXXX-...},
// SIDs as S-1-..., FILETIMEs as 2006-01-02T15:04:05.000000000Z, binary data
// as upper-case hex.
package evtx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/extriage/extriage/parsers"
)

func init() {
	parsers.Register(Parser{})
}

// Parser reads EVTX files. The zero value is ready to use and is what the
// package registers.
type Parser struct {
	// Workers is how many chunks are parsed at once; 0 means GOMAXPROCS.
	Workers int

	// readers chooses the BinXML element reader(s); tests use it to
	// compare golang-evtx's with ours.
	readers readerChoice
}

// Format returns parsers.FormatEVTX.
func (Parser) Format() parsers.Format { return parsers.FormatEVTX }

// Sniff recognises the EVTX file signature "ElfFile\x00" (100), the chunk
// signature "ElfChnk\x00" of a chunk carved out of a file (90), and that of
// the first chunk after a file header whose signature is damaged (80).
func (Parser) Sniff(head []byte) int {
	switch {
	case bytes.HasPrefix(head, fileMagic):
		return 100
	case bytes.HasPrefix(head, chunkMagic):
		return 90
	case len(head) >= fileHeaderSize+len(chunkMagic) && bytes.HasPrefix(head[fileHeaderSize:], chunkMagic):
		return 80
	}
	return 0
}

// chunkAfterHeader reports whether a chunk signature follows the 4096
// bytes where the file header belongs.
func chunkAfterHeader(in parsers.Input) bool {
	var sig [8]byte
	if in.Size < fileHeaderSize+int64(len(sig)) {
		return false
	}
	n, _ := in.R.ReadAt(sig[:], fileHeaderSize)
	return n == len(sig) && bytes.Equal(sig[:], chunkMagic)
}

// Parse streams the records of an EVTX file (or of a bare chunk sequence
// starting with "ElfChnk\x00", or of the chunks after a damaged file
// header) to sink, in file order. It returns an error,
// naming the file and the problem, only when nothing could be read: an empty
// or short file, a file that is not EVTX, a read error on the header (or
// ctx's error when ctx is cancelled); damage inside the file goes to
// sink.Warn. A false return from sink.Record stops the parse early, with a
// nil error.
func (p Parser) Parse(ctx context.Context, in parsers.Input, sink parsers.Sink) error {
	warn := func(off int64, format string, args ...any) {
		if sink.Warn != nil {
			sink.Warn(parsers.Warning{Path: in.Path, Offset: off, Msg: fmt.Sprintf(format, args...)})
		}
	}
	// When nothing at all can be read, the problem is the error (the caller
	// reports it as the file's one warning), not a Warn as well.
	fail := func(format string, args ...any) error {
		return parsers.Fail(parsers.FormatEVTX, in.Path, format, args...)
	}
	if in.Size <= 0 {
		return fail("empty file: 0 bytes")
	}
	if in.R == nil {
		return fail("no reader for the file's %d bytes", in.Size)
	}

	var head [fileHeaderSize]byte
	hn := int64(len(head))
	if in.Size < hn {
		hn = in.Size
	}
	if m, err := in.R.ReadAt(head[:hn], 0); int64(m) < hn {
		return fail("cannot read the file header: %v", err)
	}

	var base int64
	headerBad := false
	switch {
	case bytes.HasPrefix(head[:hn], chunkMagic):
		// A bare chunk (carved, or a file whose header was cut off).
		base = 0
	case hn < fileHeaderSize && bytes.HasPrefix(head[:hn], fileMagic[:min(int(hn), len(fileMagic))]):
		return fail("short file: %d bytes, need at least %d", in.Size, fileHeaderSize)
	case !bytes.HasPrefix(head[:hn], fileMagic) && chunkAfterHeader(in):
		// The file header is damaged (overwritten, carved from disk) but
		// the chunks after it are there: read them as a bare sequence.
		base, headerBad = fileHeaderSize, true
		warn(0, "no ElfFile signature: the file header is damaged; reading the chunks after it")
	case !bytes.HasPrefix(head[:hn], fileMagic):
		return fail("not an EVTX file: no ElfFile signature at offset 0")
	default:
		base = fileHeaderSize
		if stored, crc := le.Uint32(head[124:]), crc32.ChecksumIEEE(head[:120]); stored != crc {
			headerBad = true
			warn(0, "file header checksum mismatch (stored 0x%08x, computed 0x%08x); reading the chunks anyway", stored, crc)
		}
		if in.Size == fileHeaderSize {
			warn(-1, "no chunks: the file holds only its %d-byte header", fileHeaderSize)
			return nil
		}
	}

	slots := int((in.Size - base + chunkSize - 1) / chunkSize)
	expected := slots // slots the header vouches for; all of them without a header
	if base > 0 && !headerBad {
		expected = int(le.Uint16(head[42:]))
	}
	if base > 0 && expected > slots {
		warn(0, "file header counts %d chunks but the file has room for %d (truncated?)", le.Uint16(head[42:]), slots)
	}
	return p.run(ctx, in, sink, base, slots, expected, warn)
}

// job is one chunk slot on its way through the worker pool.
type job struct {
	off      int64
	n        int
	expected bool // the file header counts this slot
	mayskip  bool // the pre-filter applies to this chunk
	filtered bool // the pre-filter left records out
	buf      []byte
	items    []item
	stats    chunkStats
	done     chan struct{}
}

// run parses the chunk slots in parallel and delivers their records in file
// order. At most window chunks are in flight.
func (p Parser) run(ctx context.Context, in parsers.Input, sink parsers.Sink, base int64, slots, expected int,
	warn func(int64, string, ...any)) error {
	workers := p.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, slots))
	window := 2 * workers

	var filter *matcher
	if sink.Prefilter != nil {
		filter = newMatcher(sink.Prefilter.Words)
		if filter.all {
			filter = nil
		}
	}

	jobs := make(chan *job, window)
	var stopped atomic.Bool
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cp := newChunkParser(in.Path)
			cp.readers = p.readers
			cp.filter = filter
			for j := range jobs {
				if !stopped.Load() {
					work(cp, in, j)
				}
				close(j.done)
			}
		}()
	}

	// If the sink panics, the workers still stop: they finish the chunk in
	// hand and leave.
	var closeJobs sync.Once
	defer func() {
		stopped.Store(true)
		closeJobs.Do(func() { close(jobs) })
	}()

	free := make([]*job, 0, window)
	queue := make([]*job, 0, window)
	var full *chunkParser // reads chunks again without the filter (Prefilter.Ready)
	var stats chunkStats
	var err error
	halted := false

	// deliver waits for the oldest job and hands its items to the sink.
	deliver := func() {
		j := queue[0]
		queue = queue[1:]
		defer func() {
			clear(j.items)
			j.items = j.items[:0]
			free = append(free, j)
		}()
		if halted {
			<-j.done
			return
		}
		select {
		case <-j.done:
		case <-ctx.Done():
			err, halted = ctx.Err(), true
			stopped.Store(true)
			<-j.done
			return
		}
		if j.filtered && sink.Prefilter.Ready != nil && !sink.Prefilter.Ready() {
			// The consumer still needs every record: read the chunk again,
			// whole, here.
			if full == nil {
				full = newChunkParser(in.Path)
				full.readers = p.readers
			}
			full.out = j.items[:0]
			full.parse(j.off, j.buf[:j.n], j.expected)
			j.items, j.stats, full.out = full.out, full.stats, nil
		}
		stats.nestedFailed += j.stats.nestedFailed
		skipped := 0 // records left out since the last delivery
		defer func() {
			if skipped > 0 && !halted && sink.Prefilter.Skipped != nil {
				sink.Prefilter.Skipped(skipped)
			}
		}()
		for i, it := range j.items {
			if it.skipped > 0 {
				skipped += it.skipped
				continue
			}
			if skipped > 0 && sink.Prefilter.Skipped != nil {
				sink.Prefilter.Skipped(skipped)
			}
			skipped = 0
			if it.rec == nil {
				if sink.Warn != nil {
					sink.Warn(it.warn)
				}
				continue
			}
			if i&63 == 63 && ctx.Err() != nil {
				err, halted = ctx.Err(), true
				stopped.Store(true)
				return
			}
			if sink.Record != nil && !sink.Record(it.rec) {
				halted = true
				stopped.Store(true)
				return
			}
		}
	}

	for i := 0; i < slots && !halted; i++ {
		if len(queue) == window {
			deliver()
			if halted {
				break
			}
		}
		var j *job
		if n := len(free); n > 0 {
			j, free = free[n-1], free[:n-1]
		} else {
			j = &job{buf: make([]byte, chunkSize)}
		}
		j.off = base + int64(i)*chunkSize
		j.expected = i < expected
		// The first slot is always read whole: the input's first records,
		// and the host they name, reach the sink whatever the filter says.
		j.mayskip = filter != nil && i > 0
		j.filtered = false
		j.n = int(min(chunkSize, in.Size-j.off))
		j.stats = chunkStats{}
		j.done = make(chan struct{})
		jobs <- j
		queue = append(queue, j)
	}
	closeJobs.Do(func() { close(jobs) })
	for len(queue) > 0 {
		deliver()
	}
	wg.Wait()

	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if !halted && stats.nestedFailed > 0 {
		warn(-1, "%d records hold nested binary XML values (type 0x21) that could not be decoded; they were skipped", stats.nestedFailed)
	}
	return err
}

// skip reports whether the pre-filter passes over the chunk in data, and
// how many records it holds.
func (cp *chunkParser) skip(data []byte) (int, bool) {
	if !cp.filtering || cp.filter.match(data, &cp.folded) {
		return 0, false
	}
	return skippable(data)
}

// work reads one chunk slot and parses it (or lets the pre-filter pass
// over it).
func work(cp *chunkParser, in parsers.Input, j *job) {
	cp.out = j.items[:0]
	cp.stats = chunkStats{}
	cp.filtering = j.mayskip && cp.filter != nil
	cp.filtered = false
	data := j.buf[:j.n]
	m, err := in.R.ReadAt(data, j.off)
	if m < j.n {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		cp.warnf(j.off, "cannot read chunk: %v", err)
	} else if n, ok := cp.skip(data); ok {
		cp.out = append(cp.out, item{skipped: n})
		cp.filtered = true
	} else {
		cp.parse(j.off, data, j.expected)
	}
	j.items, cp.out = cp.out, nil
	j.stats = cp.stats
	j.filtered = cp.filtered
}
