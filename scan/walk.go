package scan

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
)

// archiveKind is what sniffArchive recognises.
type archiveKind int

const (
	notArchive archiveKind = iota
	kindZip
	kindTar
	kindGzip
)

func (k archiveKind) String() string {
	switch k {
	case kindZip:
		return "zip"
	case kindTar:
		return "tar"
	case kindGzip:
		return "gzip"
	}
	return ""
}

// sniffArchive recognises an archive by its first bytes.
func sniffArchive(head []byte) archiveKind {
	switch {
	case len(head) >= 4 && (bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")) ||
		bytes.HasPrefix(head, []byte("PK\x07\x08"))):
		return kindZip
	case len(head) >= 3 && head[0] == 0x1f && head[1] == 0x8b && head[2] == 8:
		return kindGzip
	case len(head) >= 262 && string(head[257:262]) == "ustar":
		return kindTar
	}
	return notArchive
}

// item is one entry of the inventory and what the rules found in it.
type item struct {
	info InputInfo
	res  detectors.FileResult
}

// node is one input being visited: a file on disk or an archive member.
type node struct {
	path     string    // shown to the user: "outer.zip!dir/inner.zip!file.evtx"
	match    string    // for --include/--exclude: "outer.zip/dir/inner.zip/file.evtx"
	hint     string    // host hint of the node as a log
	slots    hostSlots // the host names its path suggests (see hostSlots)
	isRoot   bool      // the argument itself
	depth    int       // how many archives enclose it
	src      source
	size     int64
	mod      time.Time
	modWall  bool // mod is a wall-clock time of unknown zone (an MS-DOS stamp)
	warnings []string
	crc      *uint32 // CRC-32 to check when src is a hashSource over stored bytes
}

// parseFunc reads one recognised log and fills info; it is the difference
// between `scan` (rules) and `events` (records out).
type parseFunc func(w *walker, p parsers.Parser, in parsers.Input, n *node, info *InputInfo) detectors.FileResult

// walker reads one file on disk and everything inside it, in order, on one
// goroutine, so that the members of a compressed stream are read front to
// back and the limits are hit at the same member on every run.
type walker struct {
	ctx    context.Context
	lim    Limits
	filter *Filter
	zone   *time.Location // of logs that state none (--tz); nil is UTC
	f      *File
	parse  parseFunc
	hash   bool // compute SHA-256 and check CRCs (scan); events skips it
	// progress is told of bytes of the file on disk read for the first time.
	progress func(int64)

	bud   *budget
	items []item
	err   error // stops the walk (events: the output failed)
}

// run visits the walker's file.
func (w *walker) run() []item {
	f := w.f
	info := InputInfo{Path: f.Path, Bundle: f.Bundle, Bytes: f.Size, Warnings: []string{}}
	fh, err := os.Open(f.Path)
	if err != nil {
		info.Failed = true
		if errors.Is(err, fs.ErrNotExist) {
			info.Warnings = append(info.Warnings, "vanished during the scan: it was listed, then could not be opened (no such file)")
		} else {
			info.Warnings = append(info.Warnings, "cannot open: "+describeOpenError(err).Error())
		}
		return []item{{info: info}}
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil || !st.Mode().IsRegular() {
		info.Failed = true
		if err != nil {
			info.Warnings = append(info.Warnings, "cannot stat: "+describeOpenError(err).Error())
		} else {
			info.Warnings = append(info.Warnings, "no longer a regular file: skipped")
		}
		return []item{{info: info}}
	}
	hs := newHashSource(fh, st.Size(), w.progress)
	if !w.hash {
		hs.h = nil
	}
	n := &node{path: f.Path, match: f.Match, hint: f.HostHint, slots: hostSlots{disk: hostFromFolders(dirsOf(f.Match))},
		isRoot: f.IsRoot, src: hs, size: st.Size(), mod: st.ModTime()}
	if f.Size != st.Size() && f.Size != 0 {
		n.warnings = append(n.warnings, fmt.Sprintf("size changed between listing (%d bytes) and reading (%d bytes)", f.Size, st.Size()))
	}
	w.visit(n)
	if len(w.items) > 0 {
		if st2, err := os.Stat(f.Path); err != nil {
			w.items[0].info.Warnings = append(w.items[0].info.Warnings, "vanished while it was being read: the results from it may be incomplete")
		} else if st2.Size() != st.Size() || !st2.ModTime().Equal(st.ModTime()) {
			w.items[0].info.Warnings = append(w.items[0].info.Warnings, "changed while it was being read: the results from it may be incomplete")
		}
	}
	return w.items
}

func (w *walker) stopped() bool { return w.err != nil || w.ctx.Err() != nil }

// visit reads one node: an archive is opened, a log is parsed.
func (w *walker) visit(n *node) {
	if w.stopped() {
		return
	}
	info := InputInfo{Path: n.path, Bundle: w.f.Bundle, Bytes: n.size, Warnings: append([]string{}, n.warnings...)}
	info.modTime = n.mod
	idx := len(w.items)
	w.items = append(w.items, item{})
	head, err := parsers.ReadHead(parsers.Input{Path: n.path, R: n.src, Size: n.size})
	if err != nil && len(head) == 0 && n.size > 0 {
		info.Failed = true
		info.Warnings = append(info.Warnings, "cannot read: "+w.describe(err))
		w.items[idx].info = info
		return
	}
	if kind := sniffArchive(head); kind != notArchive {
		w.archive(n, kind, &info)
		w.items[idx].info = info
		return
	}
	if !w.filter.Included(n.match) {
		w.items = w.items[:idx]
		return
	}
	res := w.leaf(n, head, &info)
	w.items[idx] = item{info: info, res: res}
}

// eventLogName says what is wrong with a file named like an event log
// (.evtx, .evt) that no parser recognised, or "" for other names. Such a
// file is usually damaged, renamed, or an export saved under the wrong
// extension, and the engineer should hear which signature was missing.
func eventLogName(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".evtx":
		return `named like an EVTX event log, but it does not start with the EVTX signature "ElfFile" (damaged, or another format under that name?)`
	case ".evt":
		return `named like a Windows 2000/2003 event log, but no EVT header or record signature "LfLe" was found (damaged, or another format under that name?)`
	}
	return ""
}

// leaf parses a log (or says why it cannot) and finishes its hash.
func (w *walker) leaf(n *node, head []byte, info *InputInfo) detectors.FileResult {
	var res detectors.FileResult
	p := parsers.Detect(head)
	if p == nil {
		info.Unrecognised = true
		switch {
		case n.size == 0:
			info.Warnings = append(info.Warnings, "empty file: skipped")
		case archiveName(lastName(n.path)):
			info.Warnings = append(info.Warnings, "named like an archive, but it is not a zip, tar or gzip archive (damaged?): skipped")
		case eventLogName(lastName(n.path)) != "":
			info.Warnings = append(info.Warnings, eventLogName(lastName(n.path))+": skipped")
		default:
			info.Warnings = append(info.Warnings, "not a log format extriage reads: skipped")
		}
	} else {
		info.Format = p.Format()
		in := parsers.Input{Path: n.path, R: n.src, Size: n.size, ModTime: logModTime(n.mod, n.modWall, w.zone)}
		res = w.parse(w, p, in, n, info)
	}
	w.finishHash(n, info)
	return res
}

// finishHash completes the node's SHA-256 (reading what the parser did not)
// and checks its CRC-32; read errors become warnings.
func (w *walker) finishHash(n *node, info *InputInfo) {
	if !w.hash || w.ctx.Err() != nil {
		return
	}
	sum, err := n.src.sum()
	if err != nil {
		msg := w.describe(err)
		if !containsWarning(info.Warnings, msg) {
			info.Warnings = append(info.Warnings, msg)
		}
		return
	}
	info.SHA256 = sum
	if hs, ok := n.src.(*hashSource); ok && n.crc != nil && hs.crcSum() != *n.crc {
		info.Warnings = append(info.Warnings, fmt.Sprintf("checksum mismatch: the bytes' CRC-32 is %08x, the archive recorded %08x (damaged member)", hs.crcSum(), *n.crc))
	}
}

func containsWarning(ws []string, s string) bool {
	for _, w := range ws {
		if strings.Contains(w, s) {
			return true
		}
	}
	return false
}

// describe words an error from reading an input or archive member.
func (w *walker) describe(err error) string {
	var le *limitError
	switch {
	case errors.As(err, &le):
		return le.msg
	case errors.Is(err, zip.ErrChecksum):
		return "checksum mismatch: the member's bytes differ from what the archive recorded (damaged)"
	case errors.Is(err, zip.ErrFormat):
		return "damaged archive member: " + err.Error()
	}
	return describeOpenError(err).Error()
}

// lastName is the last element of a display path ("a.zip!dir/x.log" ->
// "x.log").
func lastName(p string) string {
	if i := strings.LastIndexByte(p, '!'); i >= 0 {
		p = p[i+1:]
	}
	p = strings.ReplaceAll(p, `\`, "/")
	p = strings.TrimRight(p, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	return p
}

// archive opens an archive node and visits its members.
func (w *walker) archive(n *node, kind archiveKind, info *InputInfo) {
	info.Archive = true
	info.Format = parsers.Format(kind.String())
	depth := n.depth + 1
	if depth > w.lim.MaxDepth {
		info.Failed = true
		info.Warnings = append(info.Warnings, fmt.Sprintf("not opened: an archive nested %d deep, deeper than --max-depth %d allows; raise --max-depth to read it", depth, w.lim.MaxDepth))
		w.finishHash(n, info)
		return
	}
	if w.bud == nil {
		w.bud = &budget{lim: w.lim, root: n.path, size: n.size}
	}
	ctx := n.slots.enterArchive(lastName(n.path), n.isRoot)
	switch kind {
	case kindZip:
		w.zip(n, info, ctx)
	case kindTar:
		w.tarRandom(n, info, ctx)
	case kindGzip:
		w.gzip(n, info, ctx)
	}
	w.finishHash(n, info)
	if info.Members == 0 && !info.Failed && len(info.Warnings) == 0 {
		info.Warnings = append(info.Warnings, "empty archive: no files in it")
	}
}

// member is one file inside an archive, however the archive stores it.
type member struct {
	name       string
	size       int64 // uncompressed size, as the archive states it
	csize      int64 // compressed size, 0 when unknown
	mod        time.Time
	modWall    bool // mod is an MS-DOS stamp: a wall-clock time of unknown zone
	mode       fs.FileMode
	encrypted  bool
	method     string // a compression method extriage cannot read, "" when it can
	stored     io.ReaderAt
	storedOff  int64
	crc        *uint32
	open       func() (io.ReadCloser, error) // the decompressed bytes from the start
	first      io.ReadCloser                 // an already open stream to use first
	accounted  bool                          // the bytes are counted at the archive level (tar.gz)
	warnings   []string
	unreadable string // why the member cannot be read at all
}

// unsafeName says what is wrong with a member name that, used as a path,
// would land outside the folder the archive is in.
func unsafeName(name string) string {
	n := strings.ReplaceAll(name, `\`, "/")
	switch {
	case strings.HasPrefix(n, "/"):
		return "an absolute path"
	case len(n) >= 2 && n[1] == ':':
		return "an absolute path with a drive letter"
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return `a path that climbs out of the archive with ".."`
		}
	}
	return ""
}

// memberMatch is the --include/--exclude path of a member.
func memberMatch(parent, name string) string {
	clean := strings.Trim(path.Clean("/"+strings.ReplaceAll(name, `\`, "/")), "/")
	if parent == "" {
		return clean
	}
	return parent + "/" + clean
}

// member checks one archive member against the limits, opens it and
// visits it.
func (w *walker) member(parent *node, m *member, ctx hostSlots) {
	if w.stopped() {
		if m.first != nil {
			m.first.Close()
		}
		return
	}
	name := m.name
	below := parent.match
	if parent.isRoot {
		// The archive is the argument: what lies below it, which
		// --include and --exclude patterns with a slash are matched
		// against, is the member's own path.
		below = ""
	}
	n := &node{
		path:    parent.path + "!" + name,
		match:   memberMatch(below, name),
		depth:   parent.depth + 1,
		size:    m.size,
		mod:     m.mod,
		modWall: m.modWall,
	}
	if w.filter.excludedMember(n.match) || (w.filter.hasInclude() && !w.filter.Included(n.match) && !archiveName(name)) {
		return
	}
	n.slots = ctx.member(name)
	n.hint = n.slots.pick(lastName(name))
	n.warnings = append(n.warnings, m.warnings...)
	if why := unsafeName(name); why != "" {
		n.warnings = append(n.warnings, fmt.Sprintf("member name is %s; it is read in memory under that name and never used as a file path", why))
	}
	fail := func(msg string) {
		info := InputInfo{Path: n.path, Bundle: w.f.Bundle, Bytes: m.size, Failed: true, Warnings: append(n.warnings, msg)}
		w.items = append(w.items, item{info: info})
	}
	switch {
	case m.mode&fs.ModeSymlink != 0:
		fail("a symbolic link stored in the archive: not followed")
		return
	case m.unreadable != "":
		fail(m.unreadable)
		return
	case m.encrypted:
		fail("encrypted (password-protected): cannot be read without the password; skipped")
		return
	case m.method != "":
		fail(fmt.Sprintf("compressed with %s, which extriage cannot read; skipped", m.method))
		return
	case w.bud.stopped() != "":
		fail(w.bud.stopped())
		return
	}
	if !m.accounted {
		if err := w.bud.fits(m.size); err != nil {
			fail(err.Error())
			return
		}
		if m.csize > 0 && m.size > w.lim.MinRatioBytes && float64(m.size) > w.lim.MaxRatio*float64(m.csize) {
			fail(ratioError(m.size, m.csize, w.lim.MaxRatio, false).Error())
			return
		}
	}
	var account func(int64) error
	if !m.accounted {
		account = w.bud.meter(m.csize)
	}
	var stream *streamSource
	switch {
	case m.stored != nil:
		if !m.accounted {
			w.bud.used.Add(m.size)
		}
		hs := newHashSource(io.NewSectionReader(m.stored, m.storedOff, m.size), m.size, nil)
		if w.hash && m.crc != nil {
			hs.checkCRC()
			n.crc = m.crc
		}
		if !w.hash {
			hs.h = nil
		}
		n.src = hs
	case m.size <= w.lim.MemberMemory:
		rc := m.first
		var err error
		if rc == nil {
			rc, err = m.open()
		}
		if err != nil {
			fail("cannot open the member: " + w.describe(err))
			return
		}
		buf, err := readMember(rc, m.size, account)
		rc.Close()
		if err != nil {
			if len(buf) == 0 {
				fail(w.describe(err))
				return
			}
			n.warnings = append(n.warnings, fmt.Sprintf("%s; the first %d bytes are read", w.describe(err), len(buf)))
		}
		n.size = int64(len(buf))
		n.src = memSource{buf}
	default:
		rc := m.first
		var err error
		if rc == nil {
			rc, err = m.open()
		}
		if err != nil {
			fail("cannot open the member: " + w.describe(err))
			return
		}
		stream = newStreamSource(rc, m.open, m.size, account)
		if !w.hash {
			stream.h = nil
		}
		n.src = stream
	}
	w.visit(n)
	if stream != nil {
		stream.close()
	}
}

// readMember reads a small member into memory, at most size bytes.
func readMember(rc io.Reader, size int64, account func(int64) error) ([]byte, error) {
	buf := make([]byte, size)
	got := 0
	for got < len(buf) {
		n, err := rc.Read(buf[got:min(len(buf), got+64<<10)])
		if n > 0 && account != nil {
			if aerr := account(int64(n)); aerr != nil {
				return buf[:got], aerr
			}
		}
		got += n
		if err == io.EOF {
			if got < len(buf) {
				return buf[:got], fmt.Errorf("the member ends after %d bytes, but the archive says %d: %w", got, size, io.ErrUnexpectedEOF)
			}
			break
		}
		if err != nil {
			return buf[:got], fmt.Errorf("damaged compressed data near byte %d of the member: %w", got, err)
		}
	}
	// Let archive/zip check the CRC-32 and that nothing follows.
	var one [1]byte
	if n, err := rc.Read(one[:]); n > 0 {
		return buf, fmt.Errorf("the member holds more than the %d bytes the archive says", size)
	} else if err != nil && err != io.EOF {
		return buf, err
	}
	return buf, nil
}

// zip visits the members of a zip archive. An archive whose table of
// contents (the central directory at its end) is missing or damaged, as in
// a truncated download, is read from its local headers instead.
func (w *walker) zip(n *node, info *InputInfo, ctx hostSlots) {
	zr, err := zip.NewReader(n.src, n.size)
	if zr == nil || (err != nil && !errors.Is(err, zip.ErrInsecurePath)) {
		if err == nil {
			err = errors.New("unreadable")
		}
		members, note := salvageZip(n.src, n.size, w.lim.MaxBytes)
		if len(members) == 0 {
			info.Failed = true
			info.Warnings = append(info.Warnings, fmt.Sprintf("not a readable zip archive (%v): damaged or truncated; nothing could be recovered", zipErrText(err)))
			return
		}
		msg := fmt.Sprintf("damaged zip archive (%v): its table of contents is unreadable (truncated?), so %d member(s) were recovered from their local headers", zipErrText(err), len(members))
		if note != "" {
			msg += "; " + note
		}
		info.Warnings = append(info.Warnings, msg)
		info.Members = len(members)
		for _, m := range members {
			w.member(n, m, ctx)
		}
		return
	}
	var spans dataSpans
	for _, zf := range zr.File {
		if folderEntry(zf.Name) || zf.Mode().IsDir() {
			continue
		}
		info.Members++
		m := zipMember(zf, n.src)
		if off, err := zf.DataOffset(); err == nil && m.unreadable == "" {
			if other := spans.add(off, int64(zf.CompressedSize64), zf.Name); other != "" {
				m.unreadable = fmt.Sprintf("not read: its compressed data overlaps that of the member %q, which no zip tool writes (a zip bomb built from overlapping members?)", other)
			}
		}
		w.member(n, m, ctx)
	}
}

// dataSpans are the byte ranges of a zip archive's members' data, so that
// members which share their data (one deflated block read under thousands
// of names, a zip bomb no size limit per member stops) are told apart from
// honest ones.
type dataSpans struct {
	spans []dataSpan // sorted by start, never overlapping
}

type dataSpan struct {
	start, end int64
	name       string
}

// add records the data of a member, or returns the name of the member
// whose data it overlaps (and records nothing).
func (d *dataSpans) add(off, size int64, name string) string {
	if size <= 0 {
		return ""
	}
	end := off + size
	i := sort.Search(len(d.spans), func(i int) bool { return d.spans[i].end > off })
	if i < len(d.spans) && d.spans[i].start < end {
		return d.spans[i].name
	}
	d.spans = slices.Insert(d.spans, i, dataSpan{off, end, name})
	return ""
}

// folderEntry reports whether a zip entry name is a folder's: it ends in a
// slash, or in a backslash as some Windows tools write them.
func folderEntry(name string) bool {
	return strings.HasSuffix(name, "/") || strings.HasSuffix(name, `\`)
}

func zipErrText(err error) string {
	if errors.Is(err, zip.ErrFormat) {
		return "no valid table of contents"
	}
	return err.Error()
}

// zipMember describes a member of a readable zip archive.
func zipMember(zf *zip.File, archive io.ReaderAt) *member {
	m := &member{name: memberName(zf.Name), size: int64(zf.UncompressedSize64), csize: int64(zf.CompressedSize64),
		mod: zf.Modified, mode: zf.Mode(), encrypted: zf.Flags&1 != 0, open: zf.Open,
		// archive/zip gives an MS-DOS stamp without an extended timestamp
		// as a UTC time; it is the wall clock of the machine that zipped.
		modWall: zf.Modified.Location() == time.UTC}
	switch zf.Method {
	case zip.Store:
		if !m.encrypted {
			if off, err := zf.DataOffset(); err == nil && zf.CompressedSize64 == zf.UncompressedSize64 {
				m.stored, m.storedOff = archive, off
				crc := zf.CRC32
				m.crc = &crc
			}
		}
	case zip.Deflate:
	default:
		m.method = methodName(zf.Method)
	}
	if m.size < 0 {
		m.unreadable = "the archive states an impossible size for this member"
	}
	return m
}

// methodName names a zip compression method extriage cannot read.
func methodName(m uint16) string {
	switch m {
	case 9:
		return "Deflate64 (method 9; Windows Explorer uses it for big files: re-zip with another tool)"
	case 12:
		return "bzip2 (method 12)"
	case 14:
		return "LZMA (method 14)"
	case 93:
		return "Zstandard (method 93)"
	case 95:
		return "XZ (method 95)"
	case 99:
		return "AES encryption (method 99)"
	}
	return fmt.Sprintf("compression method %d", m)
}

// salvageZip reads the members of a zip archive from their local headers,
// front to back, for an archive whose central directory cannot be read.
// It stops at the first thing that is not a local header; a member cut
// short by the end of the archive is kept and flagged.
func salvageZip(r io.ReaderAt, size, maxBytes int64) ([]*member, string) {
	var out []*member
	var off int64
	var hdr [30]byte
	for off+30 <= size && len(out) < 1<<20 {
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			break
		}
		if binary.LittleEndian.Uint32(hdr[0:]) != 0x04034b50 {
			break
		}
		flags := binary.LittleEndian.Uint16(hdr[6:])
		method := binary.LittleEndian.Uint16(hdr[8:])
		dosTime, dosDate := binary.LittleEndian.Uint16(hdr[10:]), binary.LittleEndian.Uint16(hdr[12:])
		crc := binary.LittleEndian.Uint32(hdr[14:])
		csize := int64(binary.LittleEndian.Uint32(hdr[18:]))
		usize := int64(binary.LittleEndian.Uint32(hdr[22:]))
		nlen := int64(binary.LittleEndian.Uint16(hdr[26:]))
		xlen := int64(binary.LittleEndian.Uint16(hdr[28:]))
		name := make([]byte, nlen)
		if _, err := r.ReadAt(name, off+30); err != nil || nlen == 0 {
			break
		}
		data := off + 30 + nlen + xlen
		m := &member{name: memberName(string(name)), size: usize, csize: csize, mod: dosDateTime(dosDate, dosTime), modWall: true, encrypted: flags&1 != 0}
		m.warnings = append(m.warnings, "recovered from a damaged archive: its checksum is not verified")
		if folderEntry(m.name) {
			off = data + csize
			continue
		}
		switch method {
		case zip.Store, zip.Deflate:
		default:
			m.method = methodName(method)
		}
		descriptor := flags&8 != 0
		if descriptor || csize == 0xffffffff || usize == 0xffffffff {
			// The sizes follow the data: find its end by inflating it.
			if method != zip.Deflate || m.encrypted {
				m.unreadable = "recovered from a damaged archive, but its size is recorded after its data: cannot be read"
				out = append(out, m)
				return out, "the members after " + m.name + " cannot be reached"
			}
			cr := &countingReader{r: bufio.NewReader(io.NewSectionReader(r, data, size-data))}
			fr := flate.NewReader(cr)
			u, err := io.Copy(io.Discard, io.LimitReader(fr, maxBytes))
			fr.Close()
			csize, usize = cr.n, u
			m.size, m.csize = usize, csize
			if err != nil {
				m.warnings = append(m.warnings, "truncated: the archive ends inside this member")
				csize = size - data
			}
		}
		if data+csize > size {
			csize = size - data
			m.warnings = append(m.warnings, "truncated: the archive ends inside this member")
		}
		sec := io.NewSectionReader(r, data, max(csize, 0))
		if method == zip.Store && !m.encrypted {
			m.stored, m.storedOff = sec, 0
			if m.size > csize {
				m.size = csize
			}
			c := crc
			if !descriptor && m.size == usize {
				m.crc = &c
				m.warnings = m.warnings[1:]
			}
		} else {
			m.open = func() (io.ReadCloser, error) {
				return flate.NewReader(io.NewSectionReader(sec, 0, sec.Size())), nil
			}
		}
		out = append(out, m)
		off = data + csize
		if descriptor {
			off = skipDescriptor(r, off, size)
		}
	}
	return out, ""
}

// skipDescriptor steps over a data descriptor (optionally signed, 32- or
// 64-bit sizes) to the next header.
func skipDescriptor(r io.ReaderAt, off, size int64) int64 {
	var b [4]byte
	for _, skip := range []int64{16, 12, 24, 20} {
		if off+skip+4 > size {
			continue
		}
		if _, err := r.ReadAt(b[:], off+skip); err == nil {
			if sig := binary.LittleEndian.Uint32(b[:]); sig == 0x04034b50 || sig == 0x02014b50 {
				return off + skip
			}
		}
	}
	return off + 16
}

// countingReader counts the bytes flate consumes (it reads byte by byte
// from an io.ByteReader, so the count is exact).
type countingReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// dosDateTime converts an MS-DOS date and time.
// logModTime is the modification time a parser sees: in zone (UTC when
// nil), so that a log stamped with times of day only takes its dates from
// the day the file was written in the logs' zone (--tz), whatever the zone
// of the machine running the scan. A wall-clock stamp of unknown zone (wall)
// is taken to be in zone.
func logModTime(t time.Time, wall bool, zone *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	if zone == nil {
		zone = time.UTC
	}
	if wall {
		y, m, d := t.Date()
		h, mi, s := t.Clock()
		return time.Date(y, m, d, h, mi, s, t.Nanosecond(), zone)
	}
	return t.In(zone)
}

func dosDateTime(d, t uint16) time.Time {
	if d == 0 {
		return time.Time{}
	}
	return time.Date(int(d>>9)+1980, time.Month(d>>5&0xf), int(d&0x1f), int(t>>11), int(t>>5&0x3f), int(t&0x1f)*2, 0, time.UTC)
}

// tarRandom visits the members of an uncompressed tar archive, each read
// in place.
func (w *walker) tarRandom(n *node, info *InputInfo, ctx hostSlots) {
	sr := io.NewSectionReader(n.src, 0, n.size)
	tr := tar.NewReader(sr)
	for !w.stopped() {
		hdr, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			info.Warnings = append(info.Warnings, fmt.Sprintf("damaged tar archive after %d member(s): %v; the rest cannot be read", info.Members, w.describe(err)))
			return
		}
		m := tarMember(hdr)
		if m == nil {
			continue
		}
		info.Members++
		if m.unreadable == "" {
			off, _ := sr.Seek(0, io.SeekCurrent)
			if off+m.size > n.size {
				m.warnings = append(m.warnings, "truncated: the archive ends inside this member")
				m.size = max(0, n.size-off)
			}
			m.stored, m.storedOff = n.src, off
		}
		w.member(n, m, ctx)
	}
}

// tarMember describes a tar entry, or returns nil for entries that hold no
// file (folders, and the links and devices tar can store are reported).
func tarMember(hdr *tar.Header) *member {
	m := &member{name: hdr.Name, size: hdr.Size, mod: hdr.ModTime}
	switch hdr.Typeflag {
	case tar.TypeReg, '\x00': // '\x00' is the regular file of old tar writers
	case tar.TypeDir, tar.TypeXGlobalHeader:
		return nil
	case tar.TypeSymlink:
		m.mode = fs.ModeSymlink
	case tar.TypeLink:
		m.unreadable = fmt.Sprintf("a hard link to the member %q: that member is read under its own name, not again here", hdr.Linkname)
	case tar.TypeGNUSparse:
		m.unreadable = "a sparse file: extriage does not read sparse tar members"
	default:
		m.unreadable = fmt.Sprintf("not a regular file (tar type %q): skipped", hdr.Typeflag)
	}
	if hdr.Size < 0 {
		m.unreadable = "the archive states an impossible size for this member"
	}
	return m
}

// gzip visits a gzip file: a tar.gz archive (tar inside) or one
// compressed file.
func (w *walker) gzip(n *node, info *InputInfo, ctx hostSlots) {
	open := func() (*bufio.Reader, *gzip.Reader, error) {
		gz, err := gzip.NewReader(io.NewSectionReader(n.src, 0, n.size))
		if err != nil {
			return nil, nil, err
		}
		return bufio.NewReaderSize(gz, 64<<10), gz, nil
	}
	br, gz, err := open()
	if err != nil {
		info.Failed = true
		info.Warnings = append(info.Warnings, "not a readable gzip file: "+w.describe(err))
		return
	}
	defer gz.Close()
	meter := w.bud.meter(n.size)
	peek, _ := br.Peek(512)
	if len(peek) >= 262 && string(peek[257:262]) == "ustar" {
		info.Format = "tar.gz"
		w.tarStream(n, info, ctx, &meteredReader{r: br, account: meter}, func() (io.Reader, io.Closer, error) {
			br, gz, err := open()
			if err != nil {
				return nil, nil, err
			}
			return br, gz, nil
		})
		return
	}
	// One compressed file: learn its size by reading it once (hashing it on
	// the way), keeping it if it is small.
	name := gz.Name
	if name == "" || strings.ContainsAny(name, `/\`) {
		name = strings.TrimSuffix(strings.TrimSuffix(lastName(n.path), ".gz"), ".GZ")
	}
	info.Members = 1
	var small bytes.Buffer
	mr := &meteredReader{r: br, account: meter}
	size, err := io.Copy(&limitedBuffer{b: &small, max: int(w.lim.MemberMemory)}, mr)
	m := &member{name: name, size: size, mod: gz.ModTime, accounted: true}
	if err != nil {
		m.warnings = append(m.warnings, w.describe(err)+"; the bytes before the damage are read")
	}
	if size <= w.lim.MemberMemory {
		data := small.Bytes()
		m.open = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	} else {
		m.open = func() (io.ReadCloser, error) {
			br, gz, err := open()
			if err != nil {
				return nil, err
			}
			return readCloser{io.LimitReader(br, size), gz}, nil
		}
	}
	w.member(n, m, ctx)
}

// tarStream visits the members of a tar archive read as a stream (inside
// gzip). Each member is read from the stream as it passes; a parser that
// reads backwards past the window restarts the stream (reopen) and skips
// to the member again.
func (w *walker) tarStream(n *node, info *InputInfo, ctx hostSlots, r io.Reader, reopen func() (io.Reader, io.Closer, error)) {
	tr := tar.NewReader(r)
	for index := 0; !w.stopped(); index++ {
		hdr, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			info.Warnings = append(info.Warnings, fmt.Sprintf("damaged or truncated tar.gz archive after %d member(s): %s; the rest cannot be read", info.Members, w.describe(err)))
			return
		}
		m := tarMember(hdr)
		if m == nil {
			continue
		}
		info.Members++
		m.accounted = true
		i := index
		m.first = io.NopCloser(tr)
		m.open = func() (io.ReadCloser, error) {
			r, c, err := reopen()
			if err != nil {
				return nil, err
			}
			t := tar.NewReader(r)
			for j := 0; ; j++ {
				if _, err := t.Next(); err != nil {
					c.Close()
					return nil, err
				}
				if j == i {
					return readCloser{t, c}, nil
				}
			}
		}
		w.member(n, m, ctx)
	}
}

// meteredReader reports the bytes read through it to account, and stops
// with its error.
type meteredReader struct {
	r       io.Reader
	account func(int64) error
	err     error
}

func (m *meteredReader) Read(p []byte) (int, error) {
	if m.err != nil {
		return 0, m.err
	}
	n, err := m.r.Read(p)
	if n > 0 {
		if aerr := m.account(int64(n)); aerr != nil {
			m.err = aerr
			return n, aerr
		}
	}
	return n, err
}

// limitedBuffer keeps the first max bytes written to it and counts the
// rest.
type limitedBuffer struct {
	b   *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max + 1 - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// readCloser joins a reader and what closes it.
type readCloser struct {
	io.Reader
	c io.Closer
}

func (r readCloser) Close() error { return r.c.Close() }
