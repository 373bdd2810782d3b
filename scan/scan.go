package scan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
)

// MaxWarningsPerFile is how many warnings one input keeps; the rest are
// counted in one last warning.
const MaxWarningsPerFile = 50

// maxSkippedListed is how many "not a log" warnings of one bundle the
// warning list spells out; the inventory keeps every one.
const maxSkippedListed = 20

// InputInfo describes one input: a file on disk, an archive, or a member of
// an archive ("outer.zip!dir/inner.zip!file.evtx"), what it is and what
// reading it cost. It is the "inputs" entry of the JSON report.
type InputInfo struct {
	Path   string         `json:"path"`
	Bundle string         `json:"bundle,omitempty"`
	Host   string         `json:"host,omitempty"`
	Format parsers.Format `json:"format"` // the log format; for an archive: zip, tar, tar.gz or gzip
	SHA256 string         `json:"sha256"` // of the bytes as the parser saw them (a member: uncompressed)
	// Bytes is the input's size; for an archive member, uncompressed.
	Bytes    int64    `json:"bytes"`
	Records  int64    `json:"records"`
	Warnings []string `json:"warnings"`
	// Unrecognised is true when no parser knew the file; it was skipped.
	Unrecognised bool `json:"unrecognised,omitempty"`
	// Failed is true when the file could not be read at all.
	Failed bool `json:"failed,omitempty"`
	// Archive is true for an archive; its members follow it in the list.
	Archive bool `json:"archive,omitempty"`
	// Members is how many files an archive holds.
	Members int `json:"members,omitempty"`

	modTime time.Time // the file's (or member's) modification time
}

// readLog reports whether the input is a log that was read.
func (in *InputInfo) readLog() bool { return !in.Archive && !in.Unrecognised && !in.Failed }

// Progress follows a scan: Start once with the number of files on disk and
// their bytes, Add as bytes are read and files are finished, Finish at the
// end. Add may be called from several goroutines at once.
type Progress interface {
	Start(files int, bytes int64)
	Add(files int, bytes int64)
	Finish()
}

// Options steer a scan.
type Options struct {
	Jobs int // files on disk read at once; 0 means the number of CPUs
	// Filter, when set, is applied to every record before the rules see it
	// (a time window, for example); records it rejects are still counted.
	Filter func(*parsers.Record) bool
	// Paths applies --include and --exclude to archive members (files on
	// disk were filtered by Discover); nil keeps every member.
	Paths *Filter
	// Limits guard against archive bombs; zero fields take the defaults.
	Limits Limits
	// Progress, when set, is told how the scan advances.
	Progress Progress
	// MinSeverity drops findings below it before the verdicts are drawn.
	MinSeverity detectors.Severity
	// Zone is the time zone of logs that state none (--tz); nil means
	// UTC. Logs that give only a time of day take their date from the
	// file's modification time as seen in this zone, never in the zone of
	// the machine running the scan.
	Zone *time.Location

	// noPrefilter turns the parsers' keyword pre-filter off (tests compare
	// scans with and without it).
	noPrefilter bool
}

// Result is everything a scan found.
type Result struct {
	// Facts are what the bundles' logs say happened when (setup and hotfix
	// runs, service failures, cluster resource failures), for timelines.
	Facts    []detectors.Fact
	Inputs   []InputInfo
	Hosts    []detectors.Host
	Findings []detectors.Finding
	Warnings []string // every warning, prefixed with its file
	// Bundles holds one verdict per bundle, in the order of the arguments.
	Bundles []BundleVerdict
	// Summary counts the verdicts and the rules that fired across bundles.
	Summary Summary

	bundleOrder []string
	bundleHosts map[string][]string
}

// Readable reports whether at least one input was recognised and read.
func (r *Result) Readable() bool {
	for i := range r.Inputs {
		if r.Inputs[i].readLog() {
			return true
		}
	}
	return false
}

// Config is a whole scan of the user's arguments: how to find the files
// and how to read them.
type Config struct {
	Discover DiscoverOptions
	Options
}

// NothingToRead is returned by Scan when no argument named a readable file.
type NothingToRead struct{ Problems []Problem }

func (e *NothingToRead) Error() string {
	msgs := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		msgs = append(msgs, p.Error())
	}
	if len(msgs) == 0 {
		return "nothing to read: no file found"
	}
	return "nothing to read: " + strings.Join(msgs, "; ")
}

// Scan finds the files behind args and scans them: the one entry point for
// the commands that run the rules (scan, report). It returns the files on
// disk it read, so that a caller can make sure it never writes to one. The
// error is for bad patterns (--include, --exclude) and for arguments that
// name nothing readable (*NothingToRead).
func Scan(ctx context.Context, args []string, eng *detectors.Engine, cfg Config) (*Result, []File, error) {
	files, probs, err := DiscoverWith(args, cfg.Discover)
	if err != nil {
		return nil, nil, err
	}
	if len(files) == 0 {
		return nil, nil, &NothingToRead{probs}
	}
	opt := cfg.Options
	if opt.Paths == nil {
		if opt.Paths, err = NewFilter(cfg.Discover.Include, cfg.Discover.Exclude); err != nil {
			return nil, nil, err
		}
	}
	return Run(ctx, files, probs, eng, opt), files, nil
}

// Run scans files with the engine's rules. Files are read concurrently
// (archives member by member on one worker), but results are combined in
// file order, so the output does not depend on scheduling. Files of
// different bundles never meet in one bundle rule.
func Run(ctx context.Context, files []File, probs []Problem, eng *detectors.Engine, opt Options) *Result {
	parse := func(w *walker, p parsers.Parser, in parsers.Input, n *node, info *InputInfo) detectors.FileResult {
		return scanParse(w.ctx, p, in, n.hint, w.f.RootHost, eng, opt.Filter, !opt.noPrefilter, info)
	}
	outs := runAll(ctx, files, opt, parse, true)

	res := &Result{bundleHosts: map[string][]string{}}
	order, fileIdx, probsOf := groupByBundle(files, probs)
	for _, b := range order {
		c := eng.NewCollector(b)
		skipped := 0
		for _, p := range probsOf[b] {
			res.Warnings = append(res.Warnings, p.Error())
			res.Inputs = append(res.Inputs, InputInfo{Path: p.Path, Bundle: b, Failed: true, Warnings: []string{p.Err.Error()}})
		}
		for _, i := range fileIdx[b] {
			for _, it := range outs[i] {
				res.Inputs = append(res.Inputs, it.info)
				for _, w := range it.info.Warnings {
					if it.info.Unrecognised {
						skipped++
						if skipped > maxSkippedListed {
							continue
						}
					}
					res.Warnings = append(res.Warnings, it.info.Path+": "+w)
				}
				if it.info.Host != "" && it.info.readLog() {
					c.Bundle().Host(it.info.Host)
				}
				c.AddInput(detectors.Input{Path: it.info.Path, Host: it.info.Host, ModTime: it.info.modTime, Format: string(it.info.Format)})
				c.Add(it.res)
			}
			outs[i] = nil
		}
		if skipped > maxSkippedListed {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %d more files skipped because they are empty or not in a log format extriage reads (each is listed in the inputs)",
				b, skipped-maxSkippedListed))
		}
		res.Findings = append(res.Findings, c.Finish()...)
		for _, f := range c.Bundle().Facts {
			switch f.Kind {
			case detectors.FactInstall, detectors.FactServiceFailure, detectors.FactClusterResourceFailure:
				res.Facts = append(res.Facts, f)
			}
		}
		hosts := c.Bundle().HostList()
		names := make([]string, 0, len(hosts))
		for _, h := range hosts {
			h.Bundle = b
			res.Hosts = append(res.Hosts, h)
			names = append(names, h.Name)
		}
		res.bundleHosts[b] = names
	}
	res.bundleOrder = order
	if opt.MinSeverity > detectors.Info {
		kept := res.Findings[:0]
		for _, f := range res.Findings {
			if f.Severity >= opt.MinSeverity {
				kept = append(kept, f)
			}
		}
		res.Findings = kept
	}
	detectors.SortFindings(res.Findings)
	res.Summarize()
	return res
}

// groupByBundle lists the bundles in the order of the arguments they come
// from, with the indexes of their files and their problems.
func groupByBundle(files []File, probs []Problem) ([]string, map[string][]int, map[string][]Problem) {
	fileIdx := map[string][]int{}
	probsOf := map[string][]Problem{}
	first := map[string]int{} // bundle -> lowest argument index
	note := func(b string, arg int) {
		if a, ok := first[b]; !ok || arg < a {
			first[b] = arg
		}
	}
	for i, f := range files {
		note(f.Bundle, f.Arg)
		fileIdx[f.Bundle] = append(fileIdx[f.Bundle], i)
	}
	for _, p := range probs {
		if p.Bundle == "" && len(files) > 0 {
			p.Bundle = files[0].Bundle
		}
		note(p.Bundle, p.Arg)
		probsOf[p.Bundle] = append(probsOf[p.Bundle], p)
	}
	order := make([]string, 0, len(first))
	for b := range first {
		order = append(order, b)
	}
	sort.Slice(order, func(i, j int) bool {
		if first[order[i]] != first[order[j]] {
			return first[order[i]] < first[order[j]]
		}
		return order[i] < order[j]
	})
	return order, fileIdx, probsOf
}

// runAll walks every file on a pool of opt.Jobs workers and returns each
// file's items, in file order.
func runAll(ctx context.Context, files []File, opt Options, parse parseFunc, hash bool) [][]item {
	jobs := opt.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	lim := opt.Limits.withDefaults()
	prog := opt.Progress
	if prog != nil {
		var total int64
		for _, f := range files {
			total += f.Size
		}
		prog.Start(len(files), total)
		defer prog.Finish()
	}
	outs := make([][]item, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(jobs, max(len(files), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				outs[i] = walkFile(ctx, &files[i], opt.Paths, opt.Zone, lim, prog, parse, hash)
			}
		}()
	}
	for _, i := range largestFirst(files) {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return outs
}

// largestFirst returns the indexes of files, the largest first (ties in
// file order). Handing the workers the big files first keeps them all busy
// to the end: a big archive that came last would be read by one worker
// while the others idle. The results still land in file order.
func largestFirst(files []File) []int {
	order := make([]int, len(files))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return files[order[a]].Size > files[order[b]].Size })
	return order
}

// walkFile reads one file on disk and all it holds.
func walkFile(ctx context.Context, f *File, paths *Filter, zone *time.Location, lim Limits, prog Progress, parse parseFunc, hash bool) []item {
	var reported atomic.Int64
	w := &walker{ctx: ctx, lim: lim, filter: paths, zone: zone, f: f, parse: parse, hash: hash}
	if prog != nil {
		w.progress = func(n int64) {
			reported.Add(n)
			prog.Add(0, n)
		}
	}
	items := w.run()
	if prog != nil {
		prog.Add(1, max(0, f.Size-reported.Load()))
	}
	for i := range items {
		items[i].res.Hits = compactHits(items[i].res.Hits)
	}
	return items
}

// compactHits merges the hits of one file that the collector would merge
// anyway (same rule, host and key), keeping what it keeps: the summed
// count, the first MaxEvidence evidence items, the highest severity and the
// first value of each name. A file with thousands of matching records then
// costs one hit per finding while the other files are read.
func compactHits(hits []detectors.RuleHit) []detectors.RuleHit {
	if len(hits) < 2 {
		return hits
	}
	type key struct{ rule, host, key string }
	idx := map[key]int{}
	out := make([]detectors.RuleHit, 0, len(hits))
	for _, rh := range hits {
		k := key{rh.Rule.Meta().ID, rh.Hit.Host, rh.Hit.Key}
		n := rh.Hit.Count
		if n == 0 {
			n = len(rh.Hit.Evidence)
		}
		i, ok := idx[k]
		if !ok {
			h := rh.Hit
			h.Count = n
			h.Evidence = append([]detectors.Evidence(nil), h.Evidence[:min(len(h.Evidence), detectors.MaxEvidence)]...)
			if len(h.Values) > 0 {
				vals := make(map[string]string, len(h.Values))
				for name, v := range h.Values {
					vals[name] = v
				}
				h.Values = vals
			}
			idx[k] = len(out)
			out = append(out, detectors.RuleHit{Rule: rh.Rule, Hit: h})
			continue
		}
		m := &out[i].Hit
		m.Count += n
		for _, ev := range rh.Hit.Evidence {
			if len(m.Evidence) < detectors.MaxEvidence {
				m.Evidence = append(m.Evidence, ev)
			}
		}
		if s := rh.Hit.Severity; s != nil {
			eff := rh.Rule.Meta().Severity
			if m.Severity != nil {
				eff = *m.Severity
			}
			if *s > eff {
				eff = *s
			}
			m.Severity = &eff
		}
		for name, v := range rh.Hit.Values {
			if m.Values == nil {
				m.Values = map[string]string{}
			}
			if _, ok := m.Values[name]; !ok {
				m.Values[name] = v
			}
		}
	}
	return out
}

// scanParse parses one log for `scan`: records go to the file rules. With
// prefilter, the parser is given the words of the engine's pre-filter for
// the format (Engine.Keywords), when the rules allow one: it may then pass
// over regions of the file (EVTX chunks) and records in which no rule can
// find anything, and the records it leaves out still count in the
// inventory.
func scanParse(ctx context.Context, p parsers.Parser, in parsers.Input, hint, rootHost string, eng *detectors.Engine,
	filter func(*parsers.Record) bool, prefilter bool, info *InputInfo) (res detectors.FileResult) {
	ruleHint := hint
	if ruleHint == "" {
		ruleHint = rootHost
	}
	fr := eng.NewFile(detectors.FileInfo{Path: in.Path, Format: p.Format(), HostHint: ruleHint})
	hostSeen := ""
	dropped := 0
	var warnMu sync.Mutex // parsers call Warn from one goroutine at a time; be safe anyway
	sink := parsers.Sink{
		Record: func(r *parsers.Record) bool {
			info.Records++
			if hostSeen == "" && r.Host != "" {
				hostSeen = detectors.HostName(r.Host)
			}
			if filter != nil && !filter(r) {
				return ctx.Err() == nil
			}
			fr.Record(r)
			return ctx.Err() == nil
		},
		Warn: func(w parsers.Warning) {
			warnMu.Lock()
			defer warnMu.Unlock()
			if len(info.Warnings) < MaxWarningsPerFile {
				info.Warnings = append(info.Warnings, warningText(w))
			} else {
				dropped++
			}
		},
	}
	if prefilter {
		if words := eng.Keywords(p.Format()); words != nil {
			sink.Prefilter = &parsers.Prefilter{Words: words,
				Skipped: func(n int) { info.Records += int64(n) },
				// The input's host is the first one its records name.
				Ready: func() bool { return hostSeen != "" }}
		}
	}
	parseSafely(ctx, p, in, sink, info)
	if dropped > 0 {
		info.Warnings = append(info.Warnings, fmt.Sprintf("%d more warnings not shown", dropped))
	}
	switch {
	case hostSeen != "":
		info.Host = hostSeen
	case hint != "":
		info.Host = hint
	default:
		info.Host = rootHost
	}
	defer func() {
		if p := recover(); p != nil {
			info.Warnings = append(info.Warnings, fmt.Sprintf("internal error in the rules while reading this file (please report it): %v", p))
			res = detectors.FileResult{}
		}
	}()
	return fr.Finish()
}

// parseSafely runs a parser; a panic costs a warning, never the scan.
func parseSafely(ctx context.Context, p parsers.Parser, in parsers.Input, sink parsers.Sink, info *InputInfo) {
	defer func() {
		if r := recover(); r != nil {
			info.Warnings = append(info.Warnings, fmt.Sprintf("internal error while reading this file (please report it): %v", r))
		}
	}()
	if err := p.Parse(ctx, in, sink); err != nil && !errors.Is(err, context.Canceled) {
		info.Warnings = append(info.Warnings, parseErrorText(err, p.Format()))
		if info.Records == 0 {
			info.Failed = true
		}
	}
}

// parseErrorText renders the error of a parser that could read nothing as
// "format: problem", without the path: the warning is shown as "path:
// text". Parsers report such failures as a *parsers.Error, which keeps the
// path apart; a read error inside it names the file on disk (which may not
// be the path shown), so only its operation and cause are kept.
func parseErrorText(err error, f parsers.Format) string {
	var pe *parsers.Error
	if errors.As(err, &pe) {
		err, f = pe.Err, pe.Format
	}
	s := err.Error()
	var fe *fs.PathError
	if errors.As(err, &fe) {
		s = strings.Replace(s, fe.Error(), fe.Op+": "+fe.Err.Error(), 1)
	}
	if f == parsers.FormatUnknown {
		return s
	}
	return string(f) + ": " + s
}

// warningText renders a parser warning without the path, which the input
// entry already names.
func warningText(w parsers.Warning) string {
	switch {
	case w.Line > 0:
		return fmt.Sprintf("line %d: %s", w.Line, w.Msg)
	case w.Offset >= 0:
		return fmt.Sprintf("offset 0x%x: %s", w.Offset, w.Msg)
	}
	return w.Msg
}

// Records streams the normalised records of every file, in file order, to
// emit; it is the engine of `extriage events`. Warnings go to warn. It
// returns the input inventory (without SHA-256 sums, which it does not
// compute).
func Records(ctx context.Context, files []File, emit func(*parsers.Record) error, warn func(string)) ([]InputInfo, error) {
	return RecordsWith(ctx, files, Options{}, emit, warn)
}

// RecordsWith is Records with options: archive limits, --include and
// --exclude for archive members, a record filter, progress. Files are read
// one after another (the EVTX parser still reads chunks in parallel), so
// that records come out in file order without being held in memory.
func RecordsWith(ctx context.Context, files []File, opt Options, emit func(*parsers.Record) error, warn func(string)) ([]InputInfo, error) {
	var emitErr error
	parse := func(w *walker, p parsers.Parser, in parsers.Input, n *node, info *InputInfo) detectors.FileResult {
		host := n.hint
		if host == "" {
			host = w.f.RootHost
		}
		dropped := 0
		sink := parsers.Sink{
			Record: func(r *parsers.Record) bool {
				info.Records++
				if r.Host == "" {
					r.Host = host
				}
				if opt.Filter != nil && !opt.Filter(r) {
					return w.ctx.Err() == nil
				}
				if err := emit(r); err != nil {
					w.err, emitErr = err, err
					return false
				}
				return w.ctx.Err() == nil
			},
			Warn: func(pw parsers.Warning) {
				if len(info.Warnings) < MaxWarningsPerFile {
					info.Warnings = append(info.Warnings, warningText(pw))
				} else {
					dropped++
				}
			},
		}
		parseSafely(w.ctx, p, in, sink, info)
		if dropped > 0 {
			info.Warnings = append(info.Warnings, fmt.Sprintf("%d more warnings not shown", dropped))
		}
		info.Host = host
		return detectors.FileResult{}
	}
	lim := opt.Limits.withDefaults()
	if opt.Progress != nil {
		var total int64
		for _, f := range files {
			total += f.Size
		}
		opt.Progress.Start(len(files), total)
		defer opt.Progress.Finish()
	}
	var infos []InputInfo
	skipped := 0
	// As in Run, a folder of thousands of files that are not logs costs
	// a few lines of warnings and one count, not a line per file.
	defer func() {
		if skipped > maxSkippedListed {
			warn(fmt.Sprintf("%d more files skipped because they are empty or not in a log format extriage reads",
				skipped-maxSkippedListed))
		}
	}()
	for i := range files {
		items := walkFile(ctx, &files[i], opt.Paths, opt.Zone, lim, opt.Progress, parse, false)
		for _, it := range items {
			infos = append(infos, it.info)
			if it.info.Unrecognised {
				if skipped++; skipped > maxSkippedListed {
					continue
				}
			}
			for _, w := range it.info.Warnings {
				warn(it.info.Path + ": " + w)
			}
		}
		if emitErr != nil {
			return infos, emitErr
		}
		if ctx.Err() != nil {
			return infos, ctx.Err()
		}
	}
	return infos, nil
}

// ReadableInputs reports whether at least one of infos is a log that was
// read.
func ReadableInputs(infos []InputInfo) bool {
	for i := range infos {
		if infos[i].readLog() {
			return true
		}
	}
	return false
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
