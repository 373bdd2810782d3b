package scan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
)

// MaxWarningsPerFile is how many warnings one input keeps; the rest are
// counted in one last warning.
const MaxWarningsPerFile = 50

// InputInfo describes one input file: what it is and what reading it cost.
// It is the "inputs" entry of the JSON report.
type InputInfo struct {
	Path     string         `json:"path"`
	Bundle   string         `json:"bundle,omitempty"`
	Host     string         `json:"host,omitempty"`
	Format   parsers.Format `json:"format"`
	SHA256   string         `json:"sha256"`
	Bytes    int64          `json:"bytes"`
	Records  int64          `json:"records"`
	Warnings []string       `json:"warnings"`
	// Unrecognised is true when no parser knew the file; it was skipped.
	Unrecognised bool `json:"unrecognised,omitempty"`
	// Failed is true when the file could not be read at all.
	Failed bool `json:"failed,omitempty"`
}

// Options steer a scan.
type Options struct {
	Jobs int // files parsed at once; 0 means the number of CPUs
	// Filter, when set, is applied to every record before the rules see it
	// (a time window, for example); records it rejects are still counted.
	Filter func(*parsers.Record) bool
}

// Result is everything a scan found.
type Result struct {
	Inputs   []InputInfo
	Hosts    []detectors.Host
	Findings []detectors.Finding
	Warnings []string // every warning, prefixed with its file
}

// Readable reports whether at least one input was recognised and read.
func (r *Result) Readable() bool {
	for _, in := range r.Inputs {
		if !in.Unrecognised && !in.Failed {
			return true
		}
	}
	return false
}

// Run scans files with the engine's rules. Files are parsed concurrently,
// but results are combined in file order, so the output does not depend on
// scheduling. Files of different bundles never meet in one bundle rule.
func Run(ctx context.Context, files []File, probs []Problem, eng *detectors.Engine, opt Options) *Result {
	jobs := opt.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	type out struct {
		info InputInfo
		res  detectors.FileResult
	}
	outs := make([]out, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				info, res := scanFile(ctx, files[i], eng, opt)
				outs[i] = out{info, res}
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()

	res := &Result{}
	for _, p := range probs {
		res.Warnings = append(res.Warnings, p.Error())
		res.Inputs = append(res.Inputs, InputInfo{Path: p.Path, Failed: true, Warnings: []string{p.Err.Error()}})
	}
	// One collector per bundle, in the order bundles first appear.
	var order []string
	cols := map[string]*detectors.Collector{}
	for i, o := range outs {
		res.Inputs = append(res.Inputs, o.info)
		for _, w := range o.info.Warnings {
			res.Warnings = append(res.Warnings, o.info.Path+": "+w)
		}
		b := files[i].Bundle
		c := cols[b]
		if c == nil {
			c = eng.NewCollector(b)
			cols[b] = c
			order = append(order, b)
		}
		if o.info.Host != "" && !o.info.Unrecognised && !o.info.Failed {
			c.Bundle().Host(o.info.Host)
		}
		c.Add(o.res)
	}
	for _, b := range order {
		c := cols[b]
		res.Findings = append(res.Findings, c.Finish()...)
		res.Hosts = append(res.Hosts, c.Bundle().HostList()...)
	}
	detectors.SortFindings(res.Findings)
	return res
}

// scanFile reads one file: sniff, hash, parse, run the file rules.
func scanFile(ctx context.Context, f File, eng *detectors.Engine, opt Options) (info InputInfo, res detectors.FileResult) {
	info = InputInfo{Path: f.Path, Bundle: f.Bundle, Bytes: f.Size, Warnings: []string{}}
	defer func() {
		// A parser must never panic; if one does, the file costs a warning,
		// never the scan.
		if p := recover(); p != nil {
			info.Warnings = append(info.Warnings, fmt.Sprintf("internal error while reading this file (please report it): %v", p))
		}
	}()
	fh, err := os.Open(f.Path)
	if err != nil {
		info.Failed = true
		info.Warnings = append(info.Warnings, "cannot open: "+describeOpenError(err).Error())
		return
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		info.Failed = true
		info.Warnings = append(info.Warnings, "cannot stat: "+describeOpenError(err).Error())
		return
	}
	in := parsers.Input{Path: f.Path, R: fh, Size: st.Size(), ModTime: st.ModTime()}
	info.Bytes = in.Size
	return scanInput(ctx, in, f.HostHint, eng, opt, info)
}

// scanInput does the work of scanFile on an opened input.
func scanInput(ctx context.Context, in parsers.Input, hostHint string, eng *detectors.Engine, opt Options, info InputInfo) (InputInfo, detectors.FileResult) {
	var res detectors.FileResult
	sum, err := hashInput(in)
	if err != nil {
		info.Failed = true
		info.Warnings = append(info.Warnings, "cannot read: "+describeOpenError(err).Error())
		return info, res
	}
	info.SHA256 = sum
	head, err := parsers.ReadHead(in)
	if err != nil {
		info.Failed = true
		info.Warnings = append(info.Warnings, "cannot read: "+describeOpenError(err).Error())
		return info, res
	}
	p := parsers.Detect(head)
	if p == nil {
		info.Unrecognised = true
		if in.Size == 0 {
			info.Warnings = append(info.Warnings, "empty file: skipped")
		} else {
			info.Warnings = append(info.Warnings, "not a log format extriage reads: skipped")
		}
		return info, res
	}
	info.Format = p.Format()
	info.Host = hostHint
	fr := eng.NewFile(detectors.FileInfo{Path: in.Path, Format: p.Format(), HostHint: hostHint})
	hostSeen := ""
	dropped := 0
	var warnMu sync.Mutex // parsers call Warn from one goroutine at a time; be safe anyway
	sink := parsers.Sink{
		Record: func(r *parsers.Record) bool {
			info.Records++
			if hostSeen == "" && r.Host != "" {
				hostSeen = detectors.HostName(r.Host)
			}
			if opt.Filter != nil && !opt.Filter(r) {
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
	if err := p.Parse(ctx, in, sink); err != nil {
		info.Warnings = append(info.Warnings, err.Error())
		if info.Records == 0 {
			info.Failed = true
		}
	}
	if dropped > 0 {
		info.Warnings = append(info.Warnings, fmt.Sprintf("%d more warnings not shown", dropped))
	}
	if info.Host == "" {
		info.Host = hostSeen
	}
	res = fr.Finish()
	return info, res
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

func hashInput(in parsers.Input) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(in.R, 0, in.Size)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Records streams the normalised records of every file, in file order, to
// emit; it is the engine of `extriage events`. Warnings go to warn. It
// returns the input inventory.
func Records(ctx context.Context, files []File, emit func(*parsers.Record) error, warn func(string)) ([]InputInfo, error) {
	var infos []InputInfo
	for _, f := range files {
		info := InputInfo{Path: f.Path, Bundle: f.Bundle, Bytes: f.Size, Warnings: []string{}}
		err := func() error {
			fh, err := os.Open(f.Path)
			if err != nil {
				info.Failed = true
				warn(f.Path + ": cannot open: " + describeOpenError(err).Error())
				return nil
			}
			defer fh.Close()
			st, err := fh.Stat()
			if err != nil {
				info.Failed = true
				warn(f.Path + ": cannot stat: " + describeOpenError(err).Error())
				return nil
			}
			in := parsers.Input{Path: f.Path, R: fh, Size: st.Size(), ModTime: st.ModTime()}
			head, err := parsers.ReadHead(in)
			if err != nil {
				info.Failed = true
				warn(f.Path + ": cannot read: " + describeOpenError(err).Error())
				return nil
			}
			p := parsers.Detect(head)
			if p == nil {
				info.Unrecognised = true
				warn(f.Path + ": not a log format extriage reads: skipped")
				return nil
			}
			info.Format = p.Format()
			var emitErr error
			sink := parsers.Sink{
				Record: func(r *parsers.Record) bool {
					info.Records++
					if r.Host == "" && f.HostHint != "" {
						r.Host = f.HostHint
					}
					if err := emit(r); err != nil {
						emitErr = err
						return false
					}
					return ctx.Err() == nil
				},
				Warn: func(w parsers.Warning) { warn(w.String()) },
			}
			if err := p.Parse(ctx, in, sink); err != nil {
				warn(f.Path + ": " + err.Error())
				if info.Records == 0 {
					info.Failed = true
				}
			}
			return emitErr
		}()
		infos = append(infos, info)
		if err != nil {
			return infos, err
		}
		if ctx.Err() != nil {
			return infos, ctx.Err()
		}
	}
	return infos, nil
}
