package scan

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/extriage/extriage/fixtures/evtxwriter"
	"github.com/extriage/extriage/parsers"
	_ "github.com/extriage/extriage/parsers/evtx" // EVTX read through a streamSource
)

// randomText is compressible but not trivially so.
func randomText(n int, seed int64) []byte {
	r := rand.New(rand.NewSource(seed))
	var b bytes.Buffer
	for b.Len() < n {
		fmt.Fprintf(&b, "%08d %x %s\n", b.Len(), r.Int63(), "some log text that repeats")
	}
	return b.Bytes()[:n]
}

// gzStream returns a streamSource over data gzipped, counting reopens.
func gzStream(t *testing.T, data []byte) (*streamSource, *int) {
	t.Helper()
	gz := gzipOf(t, data)
	opens := 0
	open := func() (io.ReadCloser, error) {
		opens++
		return gzip.NewReader(bytes.NewReader(gz))
	}
	rc, err := open()
	if err != nil {
		t.Fatal(err)
	}
	return newStreamSource(rc, open, int64(len(data)), nil), &opens
}

func TestStreamSourceReads(t *testing.T) {
	ring := int64(windowSize())
	data := randomText(int(4*ring+1<<20), 1)
	s, opens := gzStream(t, data)
	reads := []struct{ off, n int64 }{
		{0, 8192},                   // the sniffer's head
		{0, 4096},                   // a parser's header, again: from the ring
		{4096, 65536},               // forward
		{200000, 65536},             // skip ahead
		{150000, 1000},              // a little back: still in the ring
		{1 << 20, 3 * ring},         // a read bigger than the ring, served in pieces
		{100, 10},                   // far back: restart
		{int64(len(data)) - 10, 10}, // the end
	}
	for _, r := range reads {
		buf := make([]byte, r.n)
		n, err := s.ReadAt(buf, r.off)
		if n != int(r.n) || err != nil {
			t.Fatalf("ReadAt(%d, %d) = %d, %v", r.off, r.n, n, err)
		}
		if !bytes.Equal(buf, data[r.off:r.off+r.n]) {
			t.Fatalf("ReadAt(%d, %d): wrong bytes", r.off, r.n)
		}
	}
	if *opens != 2 {
		t.Errorf("opens = %d, want 2 (one restart, for the far read back)", *opens)
	}
	buf := make([]byte, 20)
	if n, err := s.ReadAt(buf, int64(len(data))-10); n != 10 || err != io.EOF {
		t.Errorf("read past the end = %d, %v; want 10, EOF", n, err)
	}
	sum, err := s.sum()
	if err != nil || sum != sha(data) {
		t.Errorf("sum = %s, %v; want the SHA-256 of the data", sum, err)
	}
}

// Parallel readers a little out of order (the EVTX parser's window) never
// restart the stream.
func TestStreamSourceParallelWindow(t *testing.T) {
	data := randomText(4<<20, 2)
	s, opens := gzStream(t, data)
	const chunk = 64 << 10
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for base := 0; base < len(data); base += 4 * chunk {
		for k := 3; k >= 0; k-- { // the last chunk of each group first
			wg.Add(1)
			go func(off int) {
				defer wg.Done()
				if off >= len(data) {
					return
				}
				buf := make([]byte, min(chunk, len(data)-off))
				if _, err := s.ReadAt(buf, int64(off)); err != nil && err != io.EOF {
					errs <- err
				} else if !bytes.Equal(buf, data[off:off+len(buf)]) {
					errs <- fmt.Errorf("wrong bytes at %d", off)
				}
			}(base + k*chunk)
		}
		wg.Wait()
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if *opens != 1 {
		t.Errorf("opens = %d, want 1", *opens)
	}
}

func TestStreamSourceDamage(t *testing.T) {
	data := randomText(2<<20, 3)
	gz := gzipOf(t, data)
	cut := gz[:len(gz)/2]
	open := func() (io.ReadCloser, error) { return gzip.NewReader(bytes.NewReader(cut)) }
	rc, _ := open()
	s := newStreamSource(rc, open, int64(len(data)), nil)
	buf := make([]byte, len(data))
	n, err := s.ReadAt(buf, 0)
	if err == nil || n >= len(data) || !bytes.Equal(buf[:n], data[:n]) {
		t.Errorf("ReadAt of a truncated stream = %d, %v", n, err)
	}
	if _, err := s.sum(); err == nil {
		t.Error("sum of a truncated stream: no error")
	}
}

func TestStreamSourceLimit(t *testing.T) {
	data := make([]byte, 3<<20)
	gz := gzipOf(t, data)
	open := func() (io.ReadCloser, error) { return gzip.NewReader(bytes.NewReader(gz)) }
	rc, _ := open()
	b := &budget{lim: Limits{MaxBytes: 1 << 30, MaxRatio: 10, MinRatioBytes: 1 << 20}.withDefaults(), root: "x.zip"}
	s := newStreamSource(rc, open, int64(len(data)), b.meter(int64(len(gz))))
	_, err := s.ReadAt(make([]byte, 2<<20), 0)
	var le *limitError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want the ratio limit", err)
	}
}

func TestHashSourceOutOfOrder(t *testing.T) {
	data := randomText(1<<20, 4)
	var progress int64
	h := newHashSource(bytes.NewReader(data), int64(len(data)), func(n int64) { progress += n })
	const chunk = 64 << 10
	// Read chunk 1 before chunk 0, skip chunk 5 entirely, read the rest.
	order := []int{1, 0, 2, 4, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	for _, c := range order {
		buf := make([]byte, chunk)
		if _, err := h.ReadAt(buf, int64(c*chunk)); err != nil {
			t.Fatal(err)
		}
	}
	if h.next != 5*chunk {
		t.Errorf("hashed prefix = %d, want %d (chunk 5 was never read)", h.next, 5*chunk)
	}
	sum, err := h.sum()
	if err != nil || sum != sha(data) {
		t.Errorf("sum = %s, %v", sum, err)
	}
	if progress != int64(len(data)) {
		t.Errorf("progress = %d, want %d", progress, len(data))
	}
}

// An EVTX file read out of a deflated zip member through a streamSource
// (the member is bigger than the in-memory limit) gives the same records
// and SHA-256 as the file itself: the EVTX parser's parallel chunk reads
// are served from the ring.
func TestEVTXInArchiveStreams(t *testing.T) {
	events := make([]evtxwriter.Event, 0, 3000)
	start := time.Date(2010, 4, 14, 10, 0, 0, 0, time.UTC)
	for i := range 3000 {
		events = append(events, evtxwriter.Event{Provider: "MSExchangeIS", EventID: uint16(1000 + i%50), Level: evtxwriter.LevelInformation,
			Time: start.Add(time.Duration(i) * time.Second), Channel: "Application", Computer: "EXCH07.contoso.local",
			Data: []string{fmt.Sprintf("event %d", i), "some insertion string"}})
	}
	raw, err := evtxwriter.Bytes(events, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) < 8*64<<10 {
		t.Fatalf("EVTX of %d bytes: want several chunks", len(raw))
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"b/Application.evtx": raw, "b/case.zip": zipOf(t, entry{name: "Application.evtx", data: raw})})
	res := scanArgs(t, dir, Config{Options: Options{Limits: Limits{MemberMemory: 64 << 10}}}, "b")
	plain := input(t, res, filepath.Join("b", "Application.evtx"))
	member := input(t, res, filepath.Join("b", "case.zip")+"!Application.evtx")
	if plain.Records != 3000 || member.Records != plain.Records || member.SHA256 != sha(raw) || plain.SHA256 != sha(raw) {
		t.Errorf("plain = %+v\nmember = %+v", plain, member)
	}
	if member.Host != "EXCH07" || len(member.Warnings) != 0 {
		t.Errorf("member host %q warnings %q; want EXCH07 from the events, no warning", member.Host, member.Warnings)
	}
	// The same records come out of `events`.
	n := 0
	files, _, _ := DiscoverWith([]string{filepath.Join(dir, "b", "case.zip")}, DiscoverOptions{})
	infos, err := RecordsWith(context.Background(), files, Options{Limits: Limits{MemberMemory: 64 << 10}},
		func(r *parsers.Record) error {
			if r.Host != "EXCH07.contoso.local" {
				return fmt.Errorf("record host %q", r.Host)
			}
			n++
			return nil
		}, func(w string) { t.Errorf("warning: %s", w) })
	if err != nil || n != 3000 || len(infos) != 2 {
		t.Errorf("events: %d records, %d inputs, %v", n, len(infos), err)
	}
}

// Finishing the hash of an input the parser already read whole costs no
// read buffer: a folder of 100,000 small logs would otherwise allocate
// (and clear) 64 KiB per file just to learn there is nothing left to read.
func TestHashSourceSumAfterFullRead(t *testing.T) {
	data := randomText(1000, 3)
	const n = 200
	srcs := make([]*hashSource, n)
	for i := range srcs {
		srcs[i] = newHashSource(bytes.NewReader(data), int64(len(data)), nil)
		if _, err := srcs[i].ReadAt(make([]byte, len(data)), 0); err != nil {
			t.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, s := range srcs {
		if _, err := s.sum(); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / n; per > 4<<10 {
		t.Errorf("sum allocates %d bytes per input already read whole, want a few hundred", per)
	}
	want := sha(data)
	for _, s := range srcs[:1] {
		if got, _ := s.sum(); got != want {
			t.Errorf("sum = %s, want %s", got, want)
		}
	}
}
