package evtx

import (
	"bytes"
	"fmt"
	"hash/crc32"

	"github.com/extriage/extriage/parsers"
)

// Layout constants (evtx-format.asciidoc "File header", "Chunk").
const (
	fileHeaderSize  = 4096
	chunkSize       = 0x10000
	chunkHeaderSize = 512 // the 128-byte header plus the string and template tables
	recordHeader    = 24  // signature, size, record identifier, written time
	minRecordSize   = recordHeader + 4
)

var (
	fileMagic   = []byte("ElfFile\x00")
	chunkMagic  = []byte("ElfChnk\x00")
	recordMagic = []byte{0x2a, 0x2a, 0x00, 0x00}
)

// item is one thing a chunk yields, in file order: a record, a warning, or
// the records of a chunk the pre-filter passed over.
type item struct {
	rec     *parsers.Record
	warn    parsers.Warning
	skipped int // records not decoded (rec is nil and warn empty)
}

// chunkStats counts what a chunk held beyond its records.
type chunkStats struct {
	nestedFailed int // records with nested BinXML values that could not be read
}

// chunkParser reads one chunk at a time. Each worker owns one and reuses
// its buffers from chunk to chunk.
type chunkParser struct {
	path string
	off  int64  // file offset of the chunk
	data []byte // the chunk bytes present in the file (64 KiB unless cut short)

	tmpls  map[uint32]templateEntry
	vals   []value
	w      walker
	names  map[string]string // interned element and attribute names
	strs   map[string]string // interned channel, host and provider values
	seen   []uint64
	tmp    []byte
	nested bool // the current record has a nested BinXML value

	badNames int // names stored elsewhere that could not be read (own reader)
	readers  readerChoice
	filter   *matcher // the pre-filter's words, nil when every record is wanted
	folded   []byte   // the pre-filter's scratch buffer
	// filtering says whether the filter applies to the chunk in hand;
	// filtered, that it left a record out.
	filtering, filtered bool

	out   []item
	stats chunkStats

	// Records and Data slices are handed out from blocks, a few
	// allocations per chunk rather than two per record (see newRecord).
	recBlock  []parsers.Record
	recNext   int // the next unused record of recBlock
	dataBlock []string
}

// Block sizes: about 14 KiB of records, 8 KiB of Data strings.
const (
	recBlockLen  = 64
	dataBlockLen = 512
)

// newRecord returns a zero Record from the current block. The records of
// a block are independent values (the sink owns each one); a block is
// freed when none of its records is referenced any more.
func (cp *chunkParser) newRecord() *parsers.Record {
	if cp.recNext == len(cp.recBlock) {
		cp.recBlock, cp.recNext = make([]parsers.Record, recBlockLen), 0
	}
	cp.recNext++
	return &cp.recBlock[cp.recNext-1]
}

// dropRecord hands back the Record newRecord returned last, which nothing
// refers to (the pre-filter left it out): the next record takes its place.
func (cp *chunkParser) dropRecord() { cp.recNext-- }

// newData returns a slice of n strings from the current block, its
// capacity cut to n so that appending to it never touches a neighbour's.
func (cp *chunkParser) newData(n int) []string {
	if n > dataBlockLen/4 {
		return make([]string, n)
	}
	if len(cp.dataBlock) < n {
		cp.dataBlock = make([]string, dataBlockLen)
	}
	d := cp.dataBlock[:n:n]
	cp.dataBlock = cp.dataBlock[n:]
	return d
}

func newChunkParser(path string) *chunkParser {
	return &chunkParser{
		path:  path,
		tmpls: make(map[uint32]templateEntry),
		names: make(map[string]string),
		strs:  make(map[string]string),
	}
}

// name interns an element or attribute name.
func (cp *chunkParser) name(s string) string {
	if v, ok := cp.names[s]; ok {
		return v
	}
	if len(cp.names) > 20000 {
		clear(cp.names)
	}
	cp.names[s] = s
	return s
}

// intern returns b as a string, sharing one copy of repeated values.
func (cp *chunkParser) intern(b []byte) string {
	if v, ok := cp.strs[string(b)]; ok {
		return v
	}
	if len(cp.strs) > 20000 {
		clear(cp.strs)
	}
	s := string(b)
	cp.strs[s] = s
	return s
}

func (cp *chunkParser) warnf(off int64, format string, args ...any) {
	cp.out = append(cp.out, item{warn: parsers.Warning{Path: cp.path, Offset: off, Msg: fmt.Sprintf(format, args...)}})
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// parse reads the chunk whose bytes are data (fewer than 64 KiB when the
// file ends inside it) found at file offset off, appending records and
// warnings to cp.out. expected says whether the file header counts this
// slot as a chunk: a slot past that count without a chunk signature is
// unused space (often old disk contents) and is skipped without a warning.
func (cp *chunkParser) parse(off int64, data []byte, expected bool) {
	cp.off, cp.data = off, data
	cp.out = cp.out[:0]
	cp.stats = chunkStats{}
	clear(cp.tmpls)
	cp.seen = cp.seen[:0]
	defer func() {
		if r := recover(); r != nil {
			cp.warnf(off, "chunk could not be read: internal error: %v", r)
		}
	}()

	n := len(data)
	if !bytes.HasPrefix(data, chunkMagic) {
		switch {
		case !expected || allZero(data):
			// An unused slot.
		case n < len(chunkMagic) && bytes.HasPrefix(chunkMagic, data):
			cp.warnf(off, "chunk cut short: only %d bytes of its header are in the file", n)
		default:
			cp.warnf(off, "no chunk signature (ElfChnk) in this 64 KiB slot: slot skipped")
		}
		return
	}
	if n < chunkHeaderSize {
		cp.warnf(off, "chunk cut short: only %d of its 512 header bytes are in the file", n)
		return
	}
	truncated := n < chunkSize
	if truncated {
		cp.warnf(off, "chunk cut short: only %d of 65536 bytes are in the file; records past the end are lost", n)
	}

	// Header checksum: CRC32 of bytes 0-120 and 128-512.
	crc := crc32.Update(crc32.ChecksumIEEE(data[:120]), crc32.IEEETable, data[128:512])
	if stored := le.Uint32(data[124:]); stored != crc {
		cp.warnf(off, "chunk header checksum mismatch (stored 0x%08x, computed 0x%08x); reading its records anyway", stored, crc)
	}

	free := int(le.Uint32(data[48:]))
	lastRec := int(le.Uint32(data[44:]))
	end := n
	switch {
	case free < chunkHeaderSize || free > chunkSize:
		cp.warnf(off, "chunk free-space offset 0x%x is out of range; reading records to the end of the chunk", free)
	case free <= n:
		crc := crc32.ChecksumIEEE(data[chunkHeaderSize:free])
		if stored := le.Uint32(data[52:]); stored != crc {
			cp.warnf(off, "chunk records checksum mismatch (stored 0x%08x, computed 0x%08x); reading its records anyway", stored, crc)
		}
		end = free
		if lastRec >= free && lastRec < n {
			end = n
		}
	}
	cp.badNames = 0
	cp.records(end, truncated, lastRec)
	if cp.badNames > 0 {
		cp.warnf(off, "%d element or attribute names in this chunk could not be read; its records were read without them", cp.badNames)
	}
}

// skippable reports whether the pre-filter may pass over the chunk in
// data, and how many records it holds. Only a whole, undamaged chunk
// qualifies: signature, header and records checksums right, and record
// headers that chain from the end of the chunk header to the free-space
// offset, as many as the header's first and last record identifiers say.
// Anything else is parsed, so that its damage is reported as usual.
func skippable(data []byte) (int, bool) {
	if len(data) != chunkSize || !bytes.HasPrefix(data, chunkMagic) {
		return 0, false
	}
	crc := crc32.Update(crc32.ChecksumIEEE(data[:120]), crc32.IEEETable, data[128:512])
	if le.Uint32(data[124:]) != crc {
		return 0, false
	}
	free := int(le.Uint32(data[48:]))
	if free < chunkHeaderSize || free > chunkSize || le.Uint32(data[52:]) != crc32.ChecksumIEEE(data[chunkHeaderSize:free]) {
		return 0, false
	}
	n := 0
	p := chunkHeaderSize
	for p < free {
		if p+minRecordSize > free || !bytes.Equal(data[p:p+4], recordMagic) {
			return 0, false
		}
		size := int(le.Uint32(data[p+4:]))
		if size < minRecordSize || size > free-p || int(le.Uint32(data[p+size-4:])) != size {
			return 0, false
		}
		n++
		p += size
	}
	first, last := le.Uint64(data[24:]), le.Uint64(data[32:])
	if n == 0 || last < first || last-first != uint64(n-1) {
		return 0, false
	}
	return n, true
}

// validRecordAt says whether a plausible record header, with a size that
// fits in [p, end) and a matching size copy, starts at p.
func (cp *chunkParser) validRecordAt(p, end int) bool {
	d := cp.data
	if p+minRecordSize > end || !bytes.Equal(d[p:p+4], recordMagic) {
		return false
	}
	size := int(le.Uint32(d[p+4:]))
	return size >= minRecordSize && size <= end-p && int(le.Uint32(d[p+size-4:])) == size
}

// records walks the event records in [512, end). After a bad record it
// keeps what came before and scans forward for the next record signature,
// as libevtx does.
func (cp *chunkParser) records(end int, truncated bool, lastRec int) {
	d := cp.data
	p := chunkHeaderSize
	resynced := false
	for p+recordHeader <= end {
		var problem string
		if bytes.Equal(d[p:p+4], recordMagic) {
			size := int(le.Uint32(d[p+4:]))
			switch {
			case size < minRecordSize:
				problem = fmt.Sprintf("record size %d is too small", size)
			case size > end-p:
				if truncated && p+size > len(d) {
					// The file ends inside this record: already reported.
					return
				}
				problem = fmt.Sprintf("record size %d runs past the end of the chunk's records", size)
			case int(le.Uint32(d[p+size-4:])) != size:
				problem = fmt.Sprintf("record size %d does not match its copy %d", size, le.Uint32(d[p+size-4:]))
			default:
				cp.record(p, size, resynced)
				p += size
				continue
			}
		} else {
			if allZero(d[p:end]) {
				if p <= lastRec {
					cp.warnf(cp.off+int64(p), "zero-filled bytes where the chunk header promises more records; the rest of the chunk is empty")
				}
				return
			}
			problem = "no record signature"
		}
		q := p + 1
		for {
			i := bytes.Index(d[q:end], recordMagic)
			if i < 0 {
				q = -1
				break
			}
			q += i
			if cp.validRecordAt(q, end) {
				break
			}
			q++
		}
		if q < 0 {
			cp.warnf(cp.off+int64(p), "bad record: %s; no further record found in this chunk", problem)
			return
		}
		cp.warnf(cp.off+int64(p), "bad record: %s; skipped %d bytes to the next record signature", problem, q-p)
		p = q
		resynced = true
	}
}

// record decodes the record at chunk offset p and appends it to cp.out.
func (cp *chunkParser) record(p, size int, resynced bool) {
	d := cp.data
	hdrID := le.Uint64(d[p+8:])
	hdrTime := le.Uint64(d[p+16:])
	if resynced {
		for _, id := range cp.seen {
			if id == hdrID {
				return // an older copy of a record already read
			}
		}
	}
	cp.seen = append(cp.seen, hdrID)
	rec := cp.newRecord()
	*rec = parsers.Record{Path: cp.path, Format: parsers.FormatEVTX, Offset: cp.off + int64(p)}
	cp.nested = false
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("internal error: %v", r)
			}
		}()
		cp.w.reset(rec)
		cp.vals = cp.vals[:0]
		return cp.fragment(p+recordHeader, p+size-4, 0)
	}()
	if err != nil {
		if cp.nested {
			cp.stats.nestedFailed++
			err = fmt.Errorf("%v (the record holds nested binary XML)", err)
		}
		cp.warnf(cp.off+int64(p), "record %d could not be decoded: %v; record skipped", hdrID, err)
		return
	}
	if !cp.w.finish(cp, hdrID, hdrTime) {
		// Left out by the pre-filter: counted, not delivered. Runs of such
		// records make one item.
		cp.dropRecord()
		if n := len(cp.out); n > 0 && cp.out[n-1].skipped > 0 {
			cp.out[n-1].skipped++
		} else {
			cp.out = append(cp.out, item{skipped: 1})
		}
		cp.filtered = true
		return
	}
	cp.out = append(cp.out, item{rec: rec})
}
