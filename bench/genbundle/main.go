// Command genbundle writes the big, realistic bundle that `make bench`
// measures: the logs ExchangeLogCollector gathers from a set of Exchange
// servers after a failed cumulative update.
//
// Each server has four event logs (written with fixtures/evtxwriter, one
// 64 KiB chunk at a time): Application (Exchange services' chatter, now
// and then an MsiInstaller or MSExchangeSetup event and a few failed
// installations), System (Service Control Manager, kernel, DCOM, Schannel,
// and one information store failure), MSExchange Management (cmdlet logs)
// and Microsoft-Exchange-HighAvailability/Operational; and its setup logs:
// ExchangeSetup.log, an ExchangeSetup.msilog (Windows Installer verbose
// log) and three update.exe hotfix logs, one of them failed. The event logs
// are about 78% of the bytes, the text logs 22%, as in a real collection,
// where event logs dominate. Every file holds tens of thousands of
// records.
//
// Servers get about 96 MiB each; their number follows from -size. Three in
// four are plain folders, as an engineer unpacks them; every fourth is an
// ExchangeLogCollector archive (SERVER-Md.zip, deflated, with the setup
// logs in a nested zip), so that the scan streams compressed members too.
// The content is made up and deterministic (fixed seeds).
//
// Usage:
//
//	go run ./bench/genbundle [-size 1GiB] [-out bench/out/1GiB]
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
	size := flag.String("size", "1GiB", "total uncompressed size of the bundle")
	out := flag.String("out", "bench/out/1GiB", "folder to write bundle/ in")
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
const version = "3"

// perServer is about how many bytes of logs one server has.
const perServer = 96 << 20

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
	servers := int(max(1, (total+perServer/2)/perServer))
	for i := range servers {
		size := total / int64(servers)
		if i == servers-1 {
			size = total - size*int64(servers-1)
		}
		host := fmt.Sprintf("EXCH%02d", i+1)
		if i%4 != 3 {
			// A plain folder, as an engineer unpacks it.
			if err := writeServer(folderSink{filepath.Join(dir, host)}, host, size, int64(i+1), dir); err != nil {
				return err
			}
			continue
		}
		// ExchangeLogCollector's archive of the whole server.
		zs, err := newZipSink(filepath.Join(dir, host+"-315.zip"))
		if err != nil {
			return err
		}
		if err := writeServer(zs, host, size, int64(i+1), dir); err != nil {
			zs.close()
			return err
		}
		if err := zs.close(); err != nil {
			return err
		}
	}
	fmt.Printf("genbundle: wrote %s of logs from %d servers to %s in %s\n", human(total), servers, dir, time.Since(start).Round(time.Second))
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
	computer := strings.ToLower(host) + ".contoso.local"
	logs := []struct {
		name  string
		share int64 // percent of the server's bytes
		log   *eventLog
	}{
		{"EventLogs/Application.evtx", 32, applicationLog},
		{"EventLogs/System.evtx", 16, systemLog},
		{"EventLogs/MSExchange Management.evtx", 16, managementLog},
		{"EventLogs/Microsoft-Exchange-HighAvailability%4Operational.evtx", 14, haLog},
	}
	used := int64(0)
	for _, l := range logs {
		n := size * l.share / 100
		used += n
		if err := writeEVTX(s, l.name, computer, l.log, n, r, tmpDir); err != nil {
			return err
		}
	}
	// The setup logs, nested one archive deeper in the collector's zip.
	setupLogs, err := s.nested("ExchangeSetupLogs.zip")
	if err != nil {
		return err
	}
	setup := size * 12 / 100
	if err := writeText(setupLogs, "ExchangeSetup.log", setup, r, setupLine); err != nil {
		return err
	}
	if err := writeText(setupLogs, "ExchangeSetup.msilog", size-used-setup-3*4096, r, msiLine); err != nil {
		return err
	}
	if z, ok := setupLogs.(*zipSink); ok {
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

// source is an event source of a log and how often it writes.
type source struct {
	name   string
	guid   string // set for a manifest provider (named values)
	ids    []uint16
	level  uint8
	weight int
	// data makes the event's values; names, when set, names them.
	data  func(r *rand.Rand) []string
	names []string
}

// eventLog is a channel, its sources, and the rare events it holds.
type eventLog struct {
	channel string
	sources []source
	// failure, when set, is written every failEvery events.
	failure   func(t time.Time) evtxwriter.Event
	failEvery int
	total     int // sum of the weights
}

func (l *eventLog) pick(r *rand.Rand) *source {
	if l.total == 0 {
		for _, s := range l.sources {
			l.total += s.weight
		}
	}
	n := r.Intn(l.total)
	for i := range l.sources {
		if n < l.sources[i].weight {
			return &l.sources[i]
		}
		n -= l.sources[i].weight
	}
	return &l.sources[len(l.sources)-1]
}

// words of the made-up messages; none of them is, or makes up, a word the
// rules look for.
var words = strings.Fields(`mailbox database store transport queue connector replication started
	stopped completed directory domain controller schema organization recipient update rollup
	cumulative component certificate virtual index content copy seeding health probe monitor
	responder latency session client protocol request response cache topology site`)

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

func text(min, spread int) func(r *rand.Rand) []string {
	return func(r *rand.Rand) []string {
		return []string{sentence(r, min+r.Intn(spread)), strconv.Itoa(r.Intn(100000))}
	}
}

// The four event logs. The sources the rules read (MSExchangeIS, EventLog,
// Service Control Manager, MsiInstaller, MSExchangeSetup) come at about
// the rate they do on a real server: Service Control Manager in nearly
// every chunk of System, MSExchangeIS in about half the chunks of
// Application, the others rarely; the Exchange crimson channels hold none.
var (
	applicationLog = &eventLog{channel: "Application", sources: []source{
		{name: "MSExchange ADAccess", ids: []uint16{2080, 2070}, level: evtxwriter.LevelInformation, weight: 200, data: text(3, 8)},
		{name: "MSExchangeHM", ids: []uint16{1001, 1002}, level: evtxwriter.LevelInformation, weight: 150, data: text(4, 10)},
		{name: "ESE", ids: []uint16{326, 327, 916}, level: evtxwriter.LevelInformation, weight: 150, data: text(3, 6)},
		{name: "MSExchangeRepl", ids: []uint16{3154, 4114}, level: evtxwriter.LevelInformation, weight: 120, data: text(3, 8)},
		{name: "MSExchangeTransport", ids: []uint16{7010, 12014}, level: evtxwriter.LevelWarning, weight: 100, data: text(5, 10)},
		{name: "MSExchange Front End HTTP Proxy", guid: "{5d2f3f44-6ae6-4e4b-a8b2-2e9c3a3a6b21}", ids: []uint16{1003},
			level: evtxwriter.LevelInformation, weight: 150, names: []string{"Server", "Latency", "Protocol"},
			data: func(r *rand.Rand) []string {
				return []string{fmt.Sprintf("exch%02d.contoso.local", 1+r.Intn(20)), strconv.Itoa(r.Intn(5000)), "mapi"}
			}},
		{name: "MSExchangeIS", ids: []uint16{1000, 9523, 9646}, level: evtxwriter.LevelInformation, weight: 3, data: text(3, 8)},
		{name: "MsiInstaller", ids: []uint16{1033, 1035, 11707, 11728}, level: evtxwriter.LevelInformation, weight: 1,
			data: func(r *rand.Rand) []string {
				return []string{"Microsoft Exchange Server", "15.1.2507.6", "1033", "0", "Microsoft Corporation"}
			}},
		{name: "MSExchangeSetup", ids: []uint16{1000}, level: evtxwriter.LevelInformation, weight: 1, data: text(4, 4)},
	}, failEvery: 50000, failure: func(t time.Time) evtxwriter.Event {
		return evtxwriter.Event{Provider: "MsiInstaller", EventID: 11708, Level: evtxwriter.LevelError, Time: t,
			Data: []string{"Product: Microsoft Exchange Server -- Installation operation failed."}}
	}}
	systemLog = &eventLog{channel: "System", sources: []source{
		{name: "Service Control Manager", ids: []uint16{7036, 7040}, level: evtxwriter.LevelInformation, weight: 200,
			data: func(r *rand.Rand) []string {
				return []string{"Microsoft Exchange " + sentence(r, 1), "running"}
			}},
		{name: "Microsoft-Windows-Kernel-General", guid: "{a68ca8b7-004f-d7b6-a698-07e2de0f1f5d}", ids: []uint16{12, 13, 16},
			level: evtxwriter.LevelInformation, weight: 150, names: []string{"MajorVersion", "MinorVersion", "BuildVersion"},
			data: func(r *rand.Rand) []string { return []string{"10", "0", strconv.Itoa(14393 + r.Intn(3))} }},
		{name: "Microsoft-Windows-DistributedCOM", guid: "{1b562e86-b7aa-4131-badc-b6f3a001407e}", ids: []uint16{10016},
			level: evtxwriter.LevelWarning, weight: 300, names: []string{"param1", "param2", "param3"},
			data: func(r *rand.Rand) []string { return []string{"application-specific", "Local", sentence(r, 2)} }},
		{name: "Schannel", guid: "{1f678132-5938-4686-9fdc-c8ff68f15c85}", ids: []uint16{36887, 36874},
			level: evtxwriter.LevelError, weight: 300, names: []string{"AlertDesc"},
			data: func(r *rand.Rand) []string { return []string{strconv.Itoa(40 + r.Intn(10))} }},
		{name: "EventLog", ids: []uint16{6013}, level: evtxwriter.LevelInformation, weight: 1, data: text(2, 2)},
	}, failEvery: 40000, failure: func(t time.Time) evtxwriter.Event {
		return evtxwriter.Event{Provider: "Service Control Manager", EventID: 7024, Qualifiers: 0xC000, Level: evtxwriter.LevelError, Time: t,
			Data: []string{"Microsoft Exchange Information Store", "3355443752"}}
	}}
	managementLog = &eventLog{channel: "MSExchange Management", sources: []source{
		{name: "MSExchange CmdletLogs", ids: []uint16{1}, level: evtxwriter.LevelInformation, weight: 1,
			data: func(r *rand.Rand) []string {
				cmd := []string{"Get-MailboxDatabase", "Get-ExchangeServer", "Get-Mailbox", "Get-TransportService", "Set-Mailbox"}[r.Intn(5)]
				return []string{cmd, "{-Identity=" + sentence(r, 1) + strconv.Itoa(r.Intn(500)) + "}", "contoso.local/Users/Administrator",
					"S-1-5-21-1004336348-1177238915-682003330-500", "S-1-5-21-1004336348-1177238915-682003330-500",
					"Remote-PowerShell-Unknown", strconv.Itoa(r.Intn(9000)) + " w3wp#MSExchangePowerShellAppPool", strconv.Itoa(r.Intn(900)),
					"View Entire Forest: 'True'", "", ""}
			}},
	}}
	haLog = &eventLog{channel: "Microsoft-Exchange-HighAvailability/Operational", sources: []source{
		{name: "Microsoft-Exchange-HighAvailability", guid: "{3aa9c6c7-ce5b-4d4f-9a1c-5e2b9b5c2e11}", ids: []uint16{1010, 1012, 4113},
			level: evtxwriter.LevelInformation, weight: 1, names: []string{"DatabaseName", "ServerName", "Details"},
			data: func(r *rand.Rand) []string {
				return []string{fmt.Sprintf("DB%02d", r.Intn(40)), fmt.Sprintf("EXCH%02d", 1+r.Intn(20)), sentence(r, 6+r.Intn(10))}
			}},
	}}
)

// writeEVTX writes an EVTX log of about size bytes. The writer needs to
// seek (it fixes the header at the end), so a file in a zip is written to
// a temporary file first.
func writeEVTX(s sink, name, computer string, l *eventLog, size int64, r *rand.Rand, tmpDir string) error {
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
	chunks := int(max(1, size/(64<<10)))
	for i := 0; w.Chunks() < chunks; i++ {
		t = t.Add(time.Duration(r.Intn(4000)) * time.Millisecond)
		var ev evtxwriter.Event
		if l.failure != nil && i%l.failEvery == l.failEvery/3 {
			ev = l.failure(t)
		} else {
			src := l.pick(r)
			ev = evtxwriter.Event{Provider: src.name, ProviderGUID: src.guid, EventID: src.ids[r.Intn(len(src.ids))],
				Level: src.level, Time: t, Data: src.data(r), DataNames: src.names}
		}
		ev.Channel, ev.Computer = l.channel, computer
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
			l = strings.Repeat(" ", int(max(0, size-n-2))) + "\r\n"
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
