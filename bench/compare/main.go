// Command compare is the harness of `make bench` and `make bench-scale`.
//
// In its first form it measures, in one run on one bundle (see
// bench/genbundle), extriage against the tools people use, and prints one
// table: wall time, MB/s, records/s and peak resident memory of
//
//   - `extriage events` (every record, JSON lines, to /dev/null),
//     golang-evtx's File.FastEvents (bench/fastevents, counting events),
//     libevtx's `evtxexport` and python-evtx's `evtx_dump.py`, all on the
//     same EVTX files (the first ones of the bundle, -evtx-mib of them);
//     evtx_dump.py is so slow that it reads only the first chunks of the
//     first file (-python-records records) and its time is scaled up;
//   - `extriage scan` of the whole bundle (JSON report) against `cat` of
//     the same files to /dev/null (the floor: reading the bytes), and
//     reading them with a SHA-256 in this process (the floor of a scan that
//     must hash every input, as extriage's inventory does);
//
// then the ratios, with the targets of the performance issue. In its second
// form (-scale) it scans bundles of several sizes and prints how the cost
// grows, which must be linear, and the peak memory of each, which must stay
// under -max-rss.
//
// Files are read once before anything is timed, so that every tool reads
// them from the page cache. Each measurement is one run: on a shared
// machine absolute times drift from run to run, the ratios much less.
//
// Usage:
//
//	go run ./bench/compare -bin bin/extriage -fastevents bin/fastevents BUNDLE
//	go run ./bench/compare -bin bin/extriage -scale [-max-rss 150] BUNDLE...
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
)

var (
	bin        = flag.String("bin", "bin/extriage", "the extriage binary to measure")
	fastevents = flag.String("fastevents", "bin/fastevents", "the bench/fastevents binary")
	evtxMiB    = flag.Int("evtx-mib", 160, "MiB of EVTX files for the parser comparison (the bundle's first files)")
	pyRecords  = flag.Int("python-records", 3000, "records evtx_dump.py reads (it is slow): the first chunks of the first EVTX file")
	scale      = flag.Bool("scale", false, "scan each bundle given and print how the cost grows with its size")
	maxRSS     = flag.Float64("max-rss", 150, "with -scale: the most peak memory allowed for a scan, in MiB")
	jobs       = flag.Int("jobs", 0, "--jobs for extriage (0: the number of CPUs)")
)

func main() {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: compare [-bin bin/extriage] [-fastevents bin/fastevents] BUNDLE")
		fmt.Fprintln(os.Stderr, "       compare [-bin bin/extriage] -scale [-max-rss MiB] BUNDLE...")
		flag.PrintDefaults()
	}
	flag.Parse()
	var err error
	switch {
	case *scale && flag.NArg() >= 1:
		err = runScale(flag.Args())
	case !*scale && flag.NArg() == 1:
		err = runCompare(flag.Arg(0))
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

// result is one row of a table.
type result struct {
	name    string
	note    string
	bytes   int64
	records int64
	wall    time.Duration
	rss     float64 // MiB; 0 when not measured
	skipped string  // why the row has no figures
}

func (r result) mbps() float64 { return float64(r.bytes) / 1e6 / r.wall.Seconds() }
func (r result) rps() float64  { return float64(r.records) / r.wall.Seconds() }

// run starts a command with its output going to out (nil: /dev/null) and
// returns its wall time and peak RSS.
func run(out io.Writer, name string, args ...string) (time.Duration, float64, error) {
	cmd := exec.Command(name, args...)
	if out == nil {
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return 0, 0, err
		}
		defer null.Close()
		cmd.Stdout = null
	} else {
		cmd.Stdout = out
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	rss, _ := peakRSS(cmd.ProcessState)
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 400 {
			msg = msg[:400] + "..."
		}
		return wall, rss, fmt.Errorf("%s: %w: %s", filepath.Base(name), err, msg)
	}
	return wall, rss, nil
}

// bundleFiles lists the regular files under dir, sorted, with their total
// size.
func bundleFiles(dir string) ([]string, int64, error) {
	var files []string
	var total int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			files = append(files, p)
			total += fi.Size()
		}
		return nil
	})
	sort.Strings(files)
	return files, total, err
}

// warm reads the files once, so that every tool finds them in the page
// cache.
func warm(files []string) error {
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, fh)
		fh.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// evtxRecords counts an EVTX file's records from its chunk headers (first
// and last record identifier of each chunk with a signature).
func evtxRecords(path string) (int64, error) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return 0, err
	}
	var n int64
	hdr := make([]byte, 40)
	for off := int64(4096); off+512 <= fi.Size(); off += 65536 {
		if _, err := fh.ReadAt(hdr, off); err != nil {
			return 0, err
		}
		if string(hdr[:8]) != "ElfChnk\x00" {
			continue
		}
		first, last := binary.LittleEndian.Uint64(hdr[24:]), binary.LittleEndian.Uint64(hdr[32:])
		if last >= first {
			n += int64(last - first + 1)
		}
	}
	return n, nil
}

// evtxSubset writes to dst the first chunks of the EVTX file src, enough
// for want records, with the file header fixed to match. It returns the
// records it holds. It copies a chunk at a time: the harness keeps its own
// memory small, since Linux counts it in the peak RSS of the commands it
// starts (see peakRSS).
func evtxSubset(src, dst string, want int) (int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	head := make([]byte, 4096)
	if _, err := io.ReadFull(in, head); err != nil || string(head[:8]) != "ElfFile\x00" {
		return 0, fmt.Errorf("%s: not an EVTX file", src)
	}
	out, err := os.Create(dst)
	if err != nil {
		return 0, err
	}
	defer out.Close()
	if _, err := out.Write(head); err != nil {
		return 0, err
	}
	le := binary.LittleEndian
	chunk := make([]byte, 65536)
	var recs int64
	k := 0
	for recs < int64(want) {
		if _, err := io.ReadFull(in, chunk); err != nil {
			break
		}
		if _, err := out.Write(chunk); err != nil {
			return 0, err
		}
		recs += int64(le.Uint64(chunk[32:]) - le.Uint64(chunk[24:]) + 1)
		k++
	}
	if k == 0 {
		return 0, fmt.Errorf("%s: no chunk", src)
	}
	le.PutUint64(head[16:], uint64(k-1))                     // last chunk number
	le.PutUint64(head[24:], le.Uint64(chunk[32:])+1)         // next record identifier
	le.PutUint16(head[42:], uint16(k))                       // number of chunks
	le.PutUint32(head[124:], crc32.ChecksumIEEE(head[:120])) // header checksum
	if _, err := out.WriteAt(head, 0); err != nil {
		return 0, err
	}
	return recs, out.Close()
}

// pickEVTX chooses the EVTX files of the parser comparison: files on disk
// (not in archives), in path order, until about limit bytes.
func pickEVTX(files []string, limit int64) ([]string, int64) {
	var set []string
	var total int64
	for _, f := range files {
		if !strings.EqualFold(filepath.Ext(f), ".evtx") || total >= limit {
			continue
		}
		fi, err := os.Stat(f)
		if err != nil {
			continue
		}
		set = append(set, f)
		total += fi.Size()
	}
	return set, total
}

// scanResult is what a scan's JSON report says about its inputs.
type scanResult struct {
	logBytes, records int64
	logs, findings    int
}

// scanBundle runs `extriage scan` with a JSON report written to report;
// extra are more flags.
func scanBundle(bundle, report string, extra ...string) (time.Duration, float64, scanResult, error) {
	args := append([]string{"scan", "--format", "json", "--progress", "never", "--fail-on", "none",
		"--jobs", strconv.Itoa(*jobs), "-o", report}, extra...)
	wall, rss, err := run(nil, *bin, append(args, bundle)...)
	if err != nil {
		return wall, rss, scanResult{}, err
	}
	var doc struct {
		Inputs []struct {
			Bytes        int64 `json:"bytes"`
			Records      int64 `json:"records"`
			Archive      bool  `json:"archive"`
			Failed       bool  `json:"failed"`
			Unrecognised bool  `json:"unrecognised"`
		} `json:"inputs"`
		Findings []json.RawMessage `json:"findings"`
	}
	data, err := os.ReadFile(report)
	if err == nil {
		err = json.Unmarshal(data, &doc)
	}
	if err != nil {
		return wall, rss, scanResult{}, fmt.Errorf("reading the scan's report %s: %v", report, err)
	}
	var sr scanResult
	for _, in := range doc.Inputs {
		if !in.Archive && !in.Failed && !in.Unrecognised {
			sr.logBytes += in.Bytes
			sr.records += in.Records
			sr.logs++
		}
	}
	sr.findings = len(doc.Findings)
	return wall, rss, sr, nil
}

// hashFloor reads the files and computes their SHA-256 in this process,
// files in parallel on GOMAXPROCS goroutines.
func hashFloor(files []string) (time.Duration, error) {
	start := time.Now()
	next := make(chan string)
	errs := make(chan error, len(files))
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 1<<20)
			for f := range next {
				fh, err := os.Open(f)
				if err != nil {
					errs <- err
					continue
				}
				h := sha256.New()
				_, err = io.CopyBuffer(h, fh, buf)
				fh.Close()
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	close(errs)
	return time.Since(start), <-errs
}

func runCompare(bundle string) error {
	files, diskBytes, err := bundleFiles(bundle)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("%s: no files", bundle)
	}
	set, setBytes := pickEVTX(files, int64(*evtxMiB)<<20)
	if len(set) == 0 {
		return fmt.Errorf("%s: no EVTX file outside archives", bundle)
	}
	var setRecords int64
	recsOf := map[string]int64{}
	for _, f := range set {
		n, err := evtxRecords(f)
		if err != nil {
			return err
		}
		recsOf[f] = n
		setRecords += n
	}
	if err := warm(files); err != nil {
		return err
	}
	out := filepath.Dir(filepath.Clean(bundle))
	_, floorRSS, _ := run(nil, "true")
	fmt.Printf("bench: %s: %.2f GiB in %d files on disk; %d CPUs, %s/%s; peak RSS of a command that does nothing: %.0f MiB\n",
		bundle, float64(diskBytes)/(1<<30), len(files), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, floorRSS)
	fmt.Printf("bench: EVTX comparison on %d files (%.0f MiB, %d records), from %s to %s\n",
		len(set), float64(setBytes)/(1<<20), setRecords, rel(bundle, set[0]), rel(bundle, set[len(set)-1]))

	var rows []result
	progress := func(r result) {
		rows = append(rows, r)
		if r.skipped != "" {
			fmt.Fprintf(os.Stderr, "bench: %-28s %s\n", r.name, r.skipped)
			return
		}
		fmt.Fprintf(os.Stderr, "bench: %-28s %6.2f s\n", r.name, r.wall.Seconds())
	}

	// extriage events: all the files in one run, as a user would.
	ev := result{name: "extriage events", note: "JSON lines", bytes: setBytes, records: setRecords}
	args := append([]string{"events", "--progress", "never", "--jobs", strconv.Itoa(*jobs)}, set...)
	if ev.wall, ev.rss, err = run(nil, *bin, args...); err != nil {
		return err
	}
	progress(ev)

	// golang-evtx FastEvents: one process per file, as it may panic.
	fe := result{name: "golang-evtx FastEvents", note: "count only"}
	var left []string
	for _, f := range set {
		var stdout bytes.Buffer
		wall, rss, err := run(&stdout, *fastevents, f)
		if err != nil {
			left = append(left, rel(bundle, f))
			continue
		}
		var n int64
		fmt.Sscanf(stdout.String(), "records %d", &n)
		if n != recsOf[f] {
			fe.note = fmt.Sprintf("count only; read %d of %d records in %s", n, recsOf[f], rel(bundle, f))
		}
		fe.wall += wall
		fe.rss = max(fe.rss, rss)
		fe.bytes += fileSize(f)
		fe.records += n
	}
	if len(left) > 0 {
		fe.note += fmt.Sprintf("; panicked on %d files, left out: %s", len(left), strings.Join(left, ", "))
	}
	if fe.records == 0 {
		fe.skipped = "read nothing: " + fe.note
	}
	progress(fe)

	// evtxexport: one process per file (it takes one).
	ee := result{name: "evtxexport", note: "libevtx, text output"}
	if path, err := exec.LookPath("evtxexport"); err != nil {
		ee.skipped = "not installed (Debian: libevtx-utils)"
	} else {
		for _, f := range set {
			wall, rss, err := run(nil, path, f)
			if err != nil {
				return err
			}
			ee.wall += wall
			ee.rss = max(ee.rss, rss)
		}
		ee.bytes, ee.records = setBytes, setRecords
	}
	progress(ee)

	// evtx_dump.py on the first chunks of the first file, scaled up.
	py := result{name: "evtx_dump.py", bytes: setBytes, records: setRecords}
	if path, err := exec.LookPath("evtx_dump.py"); err != nil {
		py.skipped = "not installed (Debian: python3-evtx)"
	} else {
		sub := filepath.Join(out, "python-subset.evtx")
		n, err := evtxSubset(set[0], sub, *pyRecords)
		if err != nil {
			return err
		}
		wall, rss, err := run(nil, path, sub)
		if err != nil {
			return err
		}
		py.rss = rss
		py.wall = time.Duration(float64(wall) * float64(setRecords) / float64(n))
		py.note = fmt.Sprintf("XML; ran on %d records (%.1f s), time scaled", n, wall.Seconds())
	}
	progress(py)

	// The whole bundle: extriage scan, cat, read + SHA-256.
	sc := result{name: "extriage scan", bytes: diskBytes}
	var sr scanResult
	if sc.wall, sc.rss, sr, err = scanBundle(bundle, filepath.Join(out, "scan.json")); err != nil {
		return err
	}
	sc.records = sr.records
	sc.note = fmt.Sprintf("JSON report; %d logs, %.2f GiB unpacked, %d findings", sr.logs, float64(sr.logBytes)/(1<<30), sr.findings)
	progress(sc)
	// The same scan split by kind of log, to show where its time goes.
	for _, part := range []struct{ name, flag, note string }{
		{"  of the EVTX logs", "--include", "--include '*.evtx' (archives are still opened)"},
		{"  of the text logs", "--exclude", "--exclude '*.evtx'"},
	} {
		r := result{name: part.name, bytes: diskBytes}
		var pr scanResult
		if r.wall, r.rss, pr, err = scanBundle(bundle, filepath.Join(out, "scan-part.json"), part.flag, "*.evtx"); err != nil {
			return err
		}
		r.records = pr.records
		r.note = fmt.Sprintf("%s; %d logs, %.2f GiB unpacked", part.note, pr.logs, float64(pr.logBytes)/(1<<30))
		r.bytes = 0 // MB/s of a part over the whole bundle would mislead
		progress(r)
	}
	ct := result{name: "cat > /dev/null", note: "the floor: reading the bytes", bytes: diskBytes}
	if ct.wall, ct.rss, err = run(nil, "cat", files...); err != nil {
		return err
	}
	progress(ct)
	gr := result{name: "grep -F -i", bytes: diskBytes}
	if kws, err := ruleKeywords(); err != nil {
		gr.skipped = err.Error()
	} else if _, lerr := exec.LookPath("grep"); lerr != nil {
		gr.skipped = "not installed"
	} else {
		gr.note = fmt.Sprintf("one thread, the %d words the rules pre-filter on; what an engineer would do by hand", len(kws))
		if gr.wall, gr.rss, err = grepFiles(kws, files); err != nil {
			return err
		}
	}
	progress(gr)
	hf := result{name: "read + SHA-256", note: fmt.Sprintf("Go, in-process, %d threads: the floor of a hashing scan", runtime.GOMAXPROCS(0)), bytes: diskBytes}
	if hf.wall, err = hashFloor(files); err != nil {
		return err
	}
	progress(hf)

	fmt.Println()
	printTable(rows[:4], fmt.Sprintf("EVTX, %d files, %.0f MiB, %d records", len(set), float64(setBytes)/(1<<20), setRecords))
	fmt.Println()
	printTable(rows[4:], fmt.Sprintf("whole bundle, %d files, %.0f MiB on disk", len(files), float64(diskBytes)/(1<<20)))
	fmt.Println()
	fmt.Println("ratios (one run, same machine, same files):")
	ratio := func(what string, a, b result, target string, ok func(float64) bool, useWall bool) {
		if a.skipped != "" || b.skipped != "" {
			fmt.Printf("  %-44s n/a (%s)\n", what, strings.TrimSpace(a.skipped+" "+b.skipped))
			return
		}
		v := a.rps() / b.rps()
		if useWall {
			v = a.wall.Seconds() / b.wall.Seconds()
		}
		verdict := ""
		if target != "" {
			verdict = "  target " + target + ": "
			if ok(v) {
				verdict += "met"
			} else {
				verdict += "NOT met"
			}
		}
		fmt.Printf("  %-44s %7.1fx%s\n", what, v, verdict)
	}
	ratio("events records/s vs FastEvents", ev, fe, ">= 3x", func(v float64) bool { return v >= 3 }, false)
	ratio("events records/s vs evtxexport", ev, ee, "> 1x", func(v float64) bool { return v > 1 }, false)
	ratio("events records/s vs evtx_dump.py", ev, py, "", nil, false)
	ratio("scan wall time vs cat", sc, ct, "<= 2x", func(v float64) bool { return v <= 2 }, true)
	ratio("  of which the EVTX logs, vs cat of the bundle", rows[5], ct, "", nil, true)
	ratio("  of which the text logs, vs cat of the bundle", rows[6], ct, "", nil, true)
	ratio("scan wall time vs read + SHA-256", sc, hf, "", nil, true)
	ratio("scan wall time vs grep -F -i", sc, gr, "", nil, true)
	return nil
}

// ruleKeywords returns the words the built-in rules pre-filter event logs
// on (detectors.Engine.Keywords): the cheapest search that could find what
// the rules find, so grep for them is a fair yardstick of "just looking".
func ruleKeywords() ([]string, error) {
	rules, err := detectors.Catalog()
	if err != nil {
		return nil, err
	}
	kws := detectors.NewEngine(rules, detectors.English).Keywords(parsers.FormatEVTX)
	if len(kws) == 0 {
		return nil, errors.New("the rules name no keywords")
	}
	return kws, nil
}

// grepFiles times GNU grep counting the lines of files that hold any of
// kws, case-insensitively. Its exit status 1 (no line matched) is success.
func grepFiles(kws, files []string) (time.Duration, float64, error) {
	args := []string{"-c", "-a", "-i", "-F"}
	for _, k := range kws {
		args = append(args, "-e", k)
	}
	args = append(args, "--")
	wall, rss, err := run(nil, "grep", append(args, files...)...)
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 1 {
		err = nil
	}
	return wall, rss, err
}

func printTable(rows []result, title string) {
	fmt.Println(title + ":")
	fmt.Printf("  %-24s %8s %8s %10s %9s  %s\n", "tool", "wall s", "MB/s", "records/s", "peak RSS", "")
	for _, r := range rows {
		if r.skipped != "" {
			fmt.Printf("  %-24s %8s %8s %10s %9s  %s\n", r.name, "-", "-", "-", "-", r.skipped)
			continue
		}
		mbps, rps, rss := "-", "-", "-"
		if r.bytes > 0 {
			mbps = fmt.Sprintf("%.0f", r.mbps())
		}
		if r.records > 0 {
			rps = fmt.Sprintf("%.0f", r.rps())
		}
		if r.rss > 0 {
			rss = fmt.Sprintf("%.0f MiB", r.rss)
		}
		fmt.Printf("  %-24s %8.2f %8s %10s %9s  %s\n", r.name, r.wall.Seconds(), mbps, rps, rss, r.note)
	}
}

func runScale(bundles []string) error {
	type point struct {
		bundle string
		disk   int64
		wall   time.Duration
		rss    float64
		sr     scanResult
	}
	var pts []point
	for _, b := range bundles {
		files, disk, err := bundleFiles(b)
		if err != nil {
			return err
		}
		if err := warm(files); err != nil {
			return err
		}
		wall, rss, sr, err := scanBundle(b, filepath.Join(filepath.Dir(filepath.Clean(b)), "scan.json"))
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "bench: scan of %s: %.2f s\n", b, wall.Seconds())
		pts = append(pts, point{b, disk, wall, rss, sr})
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].sr.logBytes < pts[j].sr.logBytes })
	fmt.Println("extriage scan at several bundle sizes (one run each):")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "logs GiB\tlogs\trecords\tfindings\twall s\tMB/s\trecords/s\ts per GiB\tpeak RSS MiB\t")
	var over []string
	minPer, maxPer := 0.0, 0.0
	for i, p := range pts {
		gib := float64(p.sr.logBytes) / (1 << 30)
		per := p.wall.Seconds() / gib
		if i == 0 || per < minPer {
			minPer = per
		}
		maxPer = max(maxPer, per)
		fmt.Fprintf(tw, "%.2f\t%d\t%d\t%d\t%.2f\t%.0f\t%.0f\t%.2f\t%.0f\t\n", gib, p.sr.logs, p.sr.records, p.sr.findings,
			p.wall.Seconds(), float64(p.sr.logBytes)/1e6/p.wall.Seconds(), float64(p.sr.records)/p.wall.Seconds(), per, p.rss)
		if p.rss > *maxRSS {
			over = append(over, fmt.Sprintf("%s: %.0f MiB", p.bundle, p.rss))
		}
	}
	tw.Flush()
	if len(pts) > 1 {
		fmt.Printf("time per GiB varies by %.0f%% from the smallest to the largest bundle (%.2f to %.2f s; linear cost keeps it flat)\n",
			100*(maxPer/minPer-1), minPer, maxPer)
	}
	if len(over) > 0 {
		return errors.New("peak RSS over the -max-rss target of " + strconv.FormatFloat(*maxRSS, 'f', 0, 64) + " MiB: " + strings.Join(over, "; "))
	}
	fmt.Printf("peak RSS within the target of %.0f MiB at every size\n", *maxRSS)
	return nil
}

func fileSize(p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func rel(base, p string) string {
	if r, err := filepath.Rel(base, p); err == nil {
		return r
	}
	return p
}
