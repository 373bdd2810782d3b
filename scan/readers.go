package scan

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"runtime"
	"sync"
)

// The readers in this file give parsers the io.ReaderAt they need over
// bytes that may not be random access (a deflated archive member) and
// compute each input's SHA-256 while the parser reads, so that no input is
// read twice just for its hash. See doc.go for the memory design.

// source is an input's bytes plus the means to finish its SHA-256.
type source interface {
	io.ReaderAt
	// sum reads whatever the parser did not and returns the hex SHA-256 of
	// all the bytes, with the first read error, if any.
	sum() (string, error)
}

// memSource is a member held in memory.
type memSource struct{ b []byte }

func (m memSource) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= int64(len(m.b)) {
		return 0, io.EOF
	}
	n := copy(p, m.b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (m memSource) sum() (string, error) {
	s := sha256.Sum256(m.b)
	return hex.EncodeToString(s[:]), nil
}

// maxPending is how many bytes a hashSource copies from reads that arrive
// ahead of the hashed prefix (the EVTX parser reads chunks in parallel, so
// chunk n+1 may be read before chunk n). Reads that do not fit are simply
// read again when the hash is finished.
const maxPending = 2 << 20

// maxPendingReads bounds the number of reads kept ahead (the EVTX parser
// has at most 2*GOMAXPROCS chunks in flight).
const maxPendingReads = 64

// hashSource wraps random-access bytes (a file, a stored archive member)
// and hashes them as the parser reads them in order. It can also check a
// CRC-32 the archive recorded for the bytes.
type hashSource struct {
	r    io.ReaderAt
	size int64

	mu      sync.Mutex
	h       hash.Hash
	crc     hash.Hash32 // nil unless a CRC-32 is to be checked
	next    int64       // bytes [0, next) are hashed
	pending map[int64][]byte
	pendN   int
	// onProgress, when set, is told how many more bytes were hashed.
	onProgress func(int64)
}

func newHashSource(r io.ReaderAt, size int64, progress func(int64)) *hashSource {
	return &hashSource{r: r, size: size, h: sha256.New(), onProgress: progress}
}

// checkCRC asks sum to compare the bytes' CRC-32 with want.
func (s *hashSource) checkCRC() { s.crc = crc32.NewIEEE() }

func (s *hashSource) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.size {
		return 0, io.EOF
	}
	short := false
	if rest := s.size - off; int64(len(p)) > rest {
		p, short = p[:rest], true
	}
	n, err := s.r.ReadAt(p, off)
	if n > 0 {
		s.observe(p[:n], off)
	}
	if err == nil && short {
		err = io.EOF
	}
	return n, err
}

// observe hashes b (read at off) when it extends the hashed prefix, and
// keeps a copy when it lies ahead of it.
func (s *hashSource) observe(b []byte, off int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	end := off + int64(len(b))
	switch {
	case end <= s.next:
		return
	case off <= s.next:
		s.write(b[s.next-off:])
		s.drainPending()
	case s.pendN+len(b) <= maxPending && len(s.pending) < maxPendingReads:
		if s.pending == nil {
			s.pending = map[int64][]byte{}
		}
		old, ok := s.pending[off]
		if ok && len(old) >= len(b) {
			return
		}
		s.pending[off] = append([]byte(nil), b...)
		s.pendN += len(b) - len(old)
	}
}

func (s *hashSource) write(b []byte) {
	if s.h == nil { // events: no hash, only progress
		s.next += int64(len(b))
		if s.onProgress != nil {
			s.onProgress(int64(len(b)))
		}
		return
	}
	s.h.Write(b)
	if s.crc != nil {
		s.crc.Write(b)
	}
	s.next += int64(len(b))
	if s.onProgress != nil {
		s.onProgress(int64(len(b)))
	}
}

// drainPending hashes the kept reads that now continue the prefix.
func (s *hashSource) drainPending() {
	for len(s.pending) > 0 {
		progressed := false
		for off, b := range s.pending {
			end := off + int64(len(b))
			if off > s.next {
				continue
			}
			if end > s.next {
				s.write(b[s.next-off:])
			}
			delete(s.pending, off)
			s.pendN -= len(b)
			progressed = true
		}
		if !progressed {
			return
		}
	}
}

func (s *hashSource) sum() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var buf []byte // only when bytes are left to read: most inputs are hashed by then
	for s.next < s.size {
		s.drainPending()
		if s.next >= s.size {
			break
		}
		if buf == nil {
			buf = make([]byte, min(64<<10, s.size-s.next))
		}
		want := min(int64(len(buf)), s.size-s.next)
		n, err := s.r.ReadAt(buf[:want], s.next)
		if n > 0 {
			s.write(buf[:n])
		}
		if int64(n) < want {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return "", fmt.Errorf("cannot read the whole input for its SHA-256 (stopped at byte %d of %d): %w", s.next, s.size, err)
		}
	}
	s.pending = nil
	return hex.EncodeToString(s.h.Sum(nil)), nil
}

// crcSum returns the CRC-32 of the bytes; valid after sum.
func (s *hashSource) crcSum() uint32 {
	if s.crc == nil {
		return 0
	}
	return s.crc.Sum32()
}

// windowSize is how many of the most recently decompressed bytes a
// streamSource keeps, so that reads slightly behind the furthest one (the
// EVTX parser's parallel chunk reads, a parser re-reading its header) do
// not restart the decompression. It covers the EVTX parser's window of
// 2*GOMAXPROCS chunks of 64 KiB twice over.
func windowSize() int {
	return max(1<<20, 4*runtime.GOMAXPROCS(0)*64<<10)
}

// errTooManyRestarts stops a parser whose reads jump backwards so often that
// decompressing from the start each time would take for ever.
var errTooManyRestarts = errors.New("read backwards too often in a compressed archive member (each jump back decompresses the member again from its start)")

// streamSource makes a forward-only decompressed stream look like an
// io.ReaderAt. It decompresses forward as reads ask for bytes, keeps the
// last windowSize bytes in a ring, and on a read behind the ring reopens
// the stream and decompresses again from the start. Parsers read mostly
// forward, so the ring serves nearly every read. The SHA-256 is computed
// as bytes come out of the decompressor the first time.
type streamSource struct {
	reopen func() (io.ReadCloser, error) // the member's bytes from the start
	size   int64
	// account, when set, is told of each byte decompressed for the first
	// time (limits: total bytes, ratio); an error stops the member.
	account func(n int64) error

	mu       sync.Mutex
	rc       io.ReadCloser
	pos      int64 // bytes decompressed by rc so far
	ring     []byte
	h        hash.Hash
	hashed   int64 // bytes [0, hashed) are hashed
	work     int64 // bytes decompressed in total, restarts included
	restarts int
	err      error // sticky: decompression failed or a limit was hit
	eof      bool  // rc reached its end at pos
}

// newStreamSource starts a streamSource at the beginning of rc. size is
// the member's size as the archive states it; a stream that ends early or
// runs long is reported by its reader (archive/zip checks both).
func newStreamSource(rc io.ReadCloser, reopen func() (io.ReadCloser, error), size int64, account func(int64) error) *streamSource {
	return &streamSource{rc: rc, reopen: reopen, size: size, account: account,
		ring: make([]byte, windowSize()), h: sha256.New()}
}

// maxWork bounds the bytes decompressed for one member, restarts included.
func (s *streamSource) maxWork() int64 { return 8*s.size + 256<<20 }

func (s *streamSource) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	done := 0
	for done < len(p) {
		// A read bigger than half the ring is served in pieces, so that the
		// bytes being copied are never overwritten by the decompressor.
		piece := min(len(p)-done, len(s.ring)/2)
		n, err := s.readPiece(p[done:done+piece], off+int64(done))
		done += n
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// readPiece serves one read no bigger than half the ring.
func (s *streamSource) readPiece(p []byte, off int64) (int, error) {
	if off >= s.size {
		return 0, io.EOF
	}
	end := min(off+int64(len(p)), s.size)
	if off < s.pos-int64(len(s.ring)) {
		if err := s.restart(); err != nil {
			return 0, err
		}
	}
	for s.pos < end && s.err == nil && !s.eof {
		s.fill(end)
	}
	avail := min(end, s.pos)
	if off >= avail {
		if s.err != nil {
			return 0, s.err
		}
		return 0, io.ErrUnexpectedEOF
	}
	n := s.copyOut(p[:avail-off], off)
	switch {
	case avail < end && s.err != nil:
		return n, s.err
	case avail < end:
		return n, io.ErrUnexpectedEOF
	case end < off+int64(len(p)):
		return n, io.EOF
	}
	return n, nil
}

// restart reopens the stream at its first byte.
func (s *streamSource) restart() error {
	if s.err != nil {
		return s.err
	}
	s.restarts++
	if s.work > s.maxWork() {
		s.err = errTooManyRestarts
		return s.err
	}
	if s.rc != nil {
		s.rc.Close()
		s.rc = nil
	}
	rc, err := s.reopen()
	if err != nil {
		s.err = fmt.Errorf("cannot reopen the archive member: %w", err)
		return s.err
	}
	s.rc, s.pos, s.eof = rc, 0, false
	return nil
}

// fill decompresses the next bytes into the ring, up to end or the ring's
// end, whichever is first.
func (s *streamSource) fill(end int64) {
	at := int(s.pos % int64(len(s.ring)))
	n := min(int64(len(s.ring)-at), max(end-s.pos, 32<<10))
	if s.pos < s.size {
		// Never past the stated size while the parser reads: a stream
		// that runs long must not cost the bytes before its end (sum
		// looks past it).
		n = min(n, s.size-s.pos)
	}
	m, err := s.rc.Read(s.ring[at : at+int(n)])
	if m > 0 {
		b := s.ring[at : at+m]
		if newEnd := s.pos + int64(m); newEnd > s.hashed {
			fresh := b[max(0, s.hashed-s.pos):]
			if s.h != nil {
				s.h.Write(fresh)
			}
			s.hashed = newEnd
			if s.account != nil {
				if aerr := s.account(int64(len(fresh))); aerr != nil {
					s.err = aerr
				}
			}
		}
		s.pos += int64(m)
		s.work += int64(m)
	}
	switch {
	case err == io.EOF:
		s.eof = true
	case err != nil && s.err == nil:
		s.err = fmt.Errorf("damaged compressed data near byte %d of the member: %w", s.pos, err)
	}
}

// copyOut copies the ring's bytes at off into p.
func (s *streamSource) copyOut(p []byte, off int64) int {
	done := 0
	for done < len(p) {
		at := int((off + int64(done)) % int64(len(s.ring)))
		done += copy(p[done:], s.ring[at:])
	}
	return done
}

func (s *streamSource) sum() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Bring the decompressor back to the hashed prefix if it restarted,
	// then on to the end of the stream, not just to the size the archive
	// states: only there does archive/zip check the CRC-32, and a stream
	// that goes on past that size is damaged (or its size is a lie).
	for s.err == nil && !s.eof && s.pos <= s.size {
		s.fill(s.size + 1)
	}
	if s.err != nil {
		return "", s.err
	}
	if s.hashed < s.size {
		return "", fmt.Errorf("the member ends after %d bytes, but the archive says %d: %w", s.hashed, s.size, io.ErrUnexpectedEOF)
	}
	if s.hashed > s.size {
		return "", fmt.Errorf("the member holds more than the %d bytes the archive says (damaged archive)", s.size)
	}
	return hex.EncodeToString(s.h.Sum(nil)), nil
}

// close releases the decompressor.
func (s *streamSource) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rc != nil {
		s.rc.Close()
		s.rc = nil
	}
}
