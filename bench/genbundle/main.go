// Command genbundle writes the big bundle that `make bench` scans: two
// Exchange servers' logs, one server as a plain folder and one as an
// ExchangeLogCollector-style archive (SERVER-Md.zip holding the logs and a
// nested zip of the setup logs). Each server has Application and System
// EVTX logs (written with fixtures/evtxwriter, a 64 KiB chunk at a time),
// an ExchangeSetup.log, a Windows Installer verbose log and update.exe
// hotfix logs. The content is made up, deterministic (a fixed seed), and
// holds a few failure signatures among a great many ordinary lines, as a
// real bundle does.
//
// Usage:
//
//	go run ./bench/genbundle [-size 2GiB] [-out bench/out]
//
// It writes OUT/bundle/ and OUT/bundle.stamp; when the stamp matches the
// size asked for, it does nothing (the bundle is already there).
package main

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/fixtures/evtxwriter"
)

func main() {
	size := flag.String("size", "2GiB", "total uncompressed size of the bundle")
	out := flag.String("out", "bench/out", "folder to write bundle/ in")
	flag.Parse()
	total, err := parseSize(*size)
	if err != nil || total < 8<<20 {
		fmt.Fprintln(os.Stderr, "genbundle: -size: want at least 8MiB")
		os.Exit(2)
	}
	if err := run(*out, total); err != nil {
		fmt.Fprintln(os.Stderr, "genbundle:", err)
		os.Exit(1)
	}
}

// version changes when the bundle's content changes, to regenerate it.
const version = "2"

func run(out string, total int64) error {
	stamp := filepath.Join(out, "bundle.stamp")
	want := fmt.Sprintf("genbundle v%s size %d\n", version, total)
	if b, err := os.ReadFile(stamp); err == nil && string(b) == want {
		fmt.Printf("genbundle: %s/bundle is up to date (%s)\n", out, human(total))
		return nil
	}
	dir := filepath.Join(out, "bundle")
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	os.Remove(stamp)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	start := time.Now()
	half := total / 2
	// Server 1: a plain folder, as an engineer unpacks it.
	if err := writeServer(folderSink{filepath.Join(dir, "EXCH01")}, "EXCH01", half, 1, dir); err != nil {
		return err
	}
	// Server 2: ExchangeLogCollector's archive of the whole server.
	zs, err := newZipSink(filepath.Join(dir, "EXCH02-315.zip"))
	if err != nil {
		return err
	}
	if err := writeServer(zs, "EXCH02", total-half, 2, dir); err != nil {
		zs.close()
		return err
	}
	if err := zs.close(); err != nil {
		return err
	}
	fmt.Printf("genbundle: wrote %s of logs to %s in %s\n", human(total), dir, time.Since(start).Round(time.Second))
	return os.WriteFile(stamp, []byte(want), 0o644)
}

// sink is where a server's files go: a folder or a zip.
type sink interface {
	// create returns a writer for the file name (slash path).
	create(name string) (io.WriteCloser, error)
	// nested returns a sink for a zip inside this sink.
	nested(name string) (sink, error)
}

type folderSink struct{ dir string }

func (f folderSink) create(name string) (io.WriteCloser, error) {
	p := filepath.Join(f.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	return os.Create(p)
}

func (f folderSink) nested(name string) (sink, error) {
	return folderSink{filepath.Join(f.dir, filepath.FromSlash(strings.TrimSuffix(name, ".zip")))}, nil
}

// zipSink writes members of a zip, deflated fast (the bench measures the
// scan, not the generator).
type zipSink struct {
	fh     *os.File
	zw     *zip.Writer
	parent *zipSink // a nested zip is written to a temporary file, then copied in
	name   string
}

func newZipSink(path string) (*zipSink, error) {
	fh, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	zw := zip.NewWriter(fh)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	return &zipSink{fh: fh, zw: zw}, nil
}

var stamp = time.Date(2021, 3, 15, 9, 0, 0, 0, time.UTC)

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func (z *zipSink) create(name string) (io.WriteCloser, error) {
	w, err := z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: stamp})
	return nopCloser{w}, err
}

func (z *zipSink) nested(name string) (sink, error) {
	inner, err := newZipSink(z.fh.Name() + "." + strings.ReplaceAll(name, "/", "_") + ".tmp")
	if err != nil {
		return nil, err
	}
	inner.parent, inner.name = z, name
	return inner, nil
}

// close finishes the zip; a nested one is copied into its parent.
func (z *zipSink) close() error {
	if err := z.zw.Close(); err != nil {
		return err
	}
	if z.parent == nil {
		return z.fh.Close()
	}
	defer os.Remove(z.fh.Name())
	defer z.fh.Close()
	if _, err := z.fh.Seek(0, io.SeekStart); err != nil {
		return err
	}
	w, err := z.parent.create(z.name)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, z.fh)
	return err
}

// writeServer writes one server's logs, size bytes in all.
func writeServer(s sink, host string, size int64, seed int64, tmpDir string) error {
	r := rand.New(rand.NewSource(seed))
	app, sys := size*40/100, size*20/100
	setup := size * 20 / 100
	msi := size - app - sys - setup - 3*4096
	if err := writeEVTX(s, "EventLogs/Application.evtx", host, "Application", app, r, tmpDir); err != nil {
		return err
	}
	if err := writeEVTX(s, "EventLogs/System.evtx", host, "System", sys, r, tmpDir); err != nil {
		return err
	}
	// The setup logs, nested one archive deeper in the collector's zip.
	logs, err := s.nested("Exchange_Setup_Logs.zip")
	if err != nil {
		return err
	}
	if err := writeText(logs, "ExchangeSetup.log", setup, r, setupLine); err != nil {
		return err
	}
	if err := writeText(logs, "ExchangeSetup.msilog", msi, r, msiLine); err != nil {
		return err
	}
	if z, ok := logs.(*zipSink); ok {
		if err := z.close(); err != nil {
			return err
		}
	}
	for i, kb := range []string{"KB2938053", "KB3011140", "KB4536987"} {
		w, err := s.create("Hotfix/" + kb + ".log")
		if err != nil {
			return err
		}
		fmt.Fprint(w, updateLog(kb, i == 1))
		if err := w.Close(); err != nil {
			return err
		}
	}
	return nil
}

// providers of the made-up events: source, channel, typical IDs, level.
// The last two (Windows Installer and Exchange Setup) are rare, as in a
// real log: the rules and the host inventory look at each of theirs.
var providers = []struct {
	name, channel string
	ids           []uint16
	level         uint8
}{
	{"MSExchangeIS", "Application", []uint16{1000, 1001, 9523, 9646}, evtxwriter.LevelInformation},
	{"MSExchange ADAccess", "Application", []uint16{2080, 2070}, evtxwriter.LevelInformation},
	{"MSExchangeTransport", "Application", []uint16{7010, 12014}, evtxwriter.LevelWarning},
	{"Service Control Manager", "System", []uint16{7036, 7040, 7045}, evtxwriter.LevelInformation},
	{"EventLog", "System", []uint16{6005, 6006, 6013}, evtxwriter.LevelInformation},
	{"Microsoft-Windows-Kernel-General", "System", []uint16{12, 13}, evtxwriter.LevelInformation},
	{"MsiInstaller", "Application", []uint16{1033, 1035, 11707, 11728}, evtxwriter.LevelInformation},
	{"MSExchangeSetup", "Application", []uint16{1000, 1001}, evtxwriter.LevelInformation},
}

// rare is how many of the common providers' events come for one of a rare
// provider's.
const rare = 3000

// pickProvider chooses the source of the next event.
func pickProvider(r *rand.Rand) int {
	common := len(providers) - 2
	if r.Intn(rare) == 0 {
		return common + r.Intn(2)
	}
	return r.Intn(common)
}

var words = strings.Fields(`mailbox database store transport queue connector replication service
	started stopped completed directory server domain controller schema organization recipient
	update rollup cumulative setup component certificate virtual directory index content`)

// writeEVTX writes an EVTX log of about size bytes. The writer needs to
// seek (it fixes the header at the end), so a file in a zip is written to
// a temporary file first.
func writeEVTX(s sink, name, host, channel string, size int64, r *rand.Rand, tmpDir string) error {
	var fh *os.File
	var err error
	fs, direct := s.(folderSink)
	if direct {
		p := filepath.Join(fs.dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		fh, err = os.Create(p)
	} else {
		fh, err = os.CreateTemp(tmpDir, "evtx-*.tmp")
		if err == nil {
			defer os.Remove(fh.Name())
		}
	}
	if err != nil {
		return err
	}
	defer fh.Close()
	bw := &seekBuffer{f: fh, w: bufio.NewWriterSize(fh, 1<<20)}
	w, err := evtxwriter.NewWriter(bw, nil)
	if err != nil {
		return err
	}
	t := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	computer := strings.ToLower(host) + ".contoso.local"
	chunks := int(size / (64 << 10))
	for i := 0; w.Chunks() < chunks; i++ {
		p := providers[pickProvider(r)]
		if p.channel != channel {
			continue
		}
		t = t.Add(time.Duration(r.Intn(4000)) * time.Millisecond)
		ev := evtxwriter.Event{Provider: p.name, EventID: p.ids[r.Intn(len(p.ids))], Level: p.level, Time: t,
			Channel: channel, Computer: computer, Data: []string{sentence(r, 3+r.Intn(10)), strconv.Itoa(r.Intn(100000))}}
		if i%50000 == 7 { // now and then, an install failure
			ev = evtxwriter.Event{Provider: "MsiInstaller", EventID: 11708, Qualifiers: 0, Level: evtxwriter.LevelError, Time: t,
				Channel: "Application", Computer: computer, Data: []string{"Product: Microsoft Exchange Server -- Installation operation failed."}}
		}
		if err := w.Add(ev); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := bw.w.Flush(); err != nil {
		return err
	}
	if direct {
		return nil
	}
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return err
	}
	zw, err := s.create(name)
	if err != nil {
		return err
	}
	if _, err := io.Copy(zw, fh); err != nil {
		return err
	}
	return zw.Close()
}

// seekBuffer is a buffered io.WriteSeeker: a seek flushes the buffer.
type seekBuffer struct {
	f *os.File
	w *bufio.Writer
}

func (s *seekBuffer) Write(p []byte) (int, error) { return s.w.Write(p) }

func (s *seekBuffer) Seek(off int64, whence int) (int64, error) {
	if err := s.w.Flush(); err != nil {
		return 0, err
	}
	return s.f.Seek(off, whence)
}

func sentence(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.Intn(len(words))])
	}
	return b.String()
}

// writeText writes a text log of size bytes, line by line.
func writeText(s sink, name string, size int64, r *rand.Rand, line func(*rand.Rand, int, time.Time) string) error {
	w, err := s.create(name)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	t := time.Date(2021, 3, 13, 5, 1, 29, 0, time.UTC)
	var n int64
	for i := 0; n < size; i++ {
		t = t.Add(time.Duration(r.Intn(900)) * time.Millisecond)
		l := line(r, i, t)
		if n+int64(len(l)) > size {
			l = strings.Repeat(" ", int(size-n-2)) + "\r\n"
		}
		bw.WriteString(l)
		n += int64(len(l))
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return w.Close()
}

// setupLine is a line of an Exchange 2013+ ExchangeSetup.log.
func setupLine(r *rand.Rand, i int, t time.Time) string {
	ts := t.Format("01/02/2006 15:04:05") + fmt.Sprintf(".%04d", t.Nanosecond()/100000)
	switch {
	case i == 0:
		return fmt.Sprintf("[%s] [0] Starting Microsoft Exchange Server 2013 Setup\r\n", ts)
	case i == 1:
		return fmt.Sprintf("[%s] [0] Setup version: 15.0.1497.2.\r\n", ts)
	case i%40000 == 39999:
		return fmt.Sprintf("[%s] [1] Evaluated [Rule:RebootPending] [HasException:False] [Value:\"False\"] [ParentValue:\"<NULL>\"] [Thread:18] [Duration:00:00:00.0312494]\r\n", ts)
	}
	return fmt.Sprintf("[%s] [%d] %s %s.\r\n", ts, r.Intn(3), strings.ToUpper(sentence(r, 1)[:1])+sentence(r, 1)[1:], sentence(r, 4+r.Intn(12)))
}

// msiLine is a line of a Windows Installer verbose log.
func msiLine(r *rand.Rand, i int, t time.Time) string {
	if i == 0 {
		return "=== Verbose logging started: 3/13/2021  05:01:30  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\ExchangeCU23\\Setup.exe ===\r\n"
	}
	side := "s"
	if r.Intn(4) == 0 {
		side = "c"
	}
	return fmt.Sprintf("MSI (%s) (54:%02X) [%s:%03d]: %s %s\r\n", side, r.Intn(256), t.Format("15:04:05"), t.Nanosecond()/1e6,
		"Note:", sentence(r, 5+r.Intn(10)))
}

// updateLog is a small update.exe log; failed gives it a file in use and
// an error code.
func updateLog(kb string, failed bool) string {
	var b strings.Builder
	b.WriteString("0.000: ========================================================================\r\n")
	b.WriteString("0.000: Started: 2021/03/14 (Y/M/D) 10:21:07.125 (local)\r\n")
	fmt.Fprintf(&b, "0.015: Command line: c:\\%s\\update\\update.exe\r\n", strings.ToLower(kb))
	b.WriteString("0.844: [PatchFilesFromResponseBlob] returning STATUS_READY_TO_INSTALL\r\n")
	if failed {
		b.WriteString("1.203: FileInUse:: Added to Filelist: c:\\program files\\exchsrvr\\bin\\store.exe\r\n")
		fmt.Fprintf(&b, "12.484: %s installation did not complete.\r\n", kb)
		b.WriteString("12.484: Update.exe extended error code = 0xf201\r\n")
	} else {
		b.WriteString("12.484: Update.exe extended error code = 0x0\r\n")
	}
	return b.String()
}

// parseSize reads "2GiB", "500MiB", "1048576".
func parseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSuffix(t, u.suffix), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(v * float64(mult)), nil
}

func human(n int64) string {
	return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
}
