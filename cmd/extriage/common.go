package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/scan"
)

// inputFlags are the flags every command that reads logs shares.
type inputFlags struct {
	lang   string
	jobs   int
	since  string
	until  string
	tz     string
	output string
	strict bool

	include   []string
	exclude   []string
	progress  string
	maxBytes  string
	maxRatio  float64
	maxDepth  int
	perBundle bool
}

func (f *inputFlags) add(c *cobra.Command) {
	c.Flags().StringVar(&f.lang, "lang", "", "language of titles and remedies: en or pl (default from LC_ALL/LC_MESSAGES/LANG, else en)")
	c.Flags().IntVarP(&f.jobs, "jobs", "j", 0, "files read at once, and threads used in all (default: the number of CPUs)")
	c.Flags().StringVar(&f.since, "since", "", "only records at or after this time (RFC 3339 or YYYY-MM-DD[ HH:MM[:SS]], UTC)")
	c.Flags().StringVar(&f.until, "until", "", "only records before this time (same forms as --since)")
	c.Flags().StringVar(&f.tz, "tz", "", "time zone of text logs that do not state one (IANA name, e.g. Europe/Warsaw; default UTC)")
	c.Flags().StringVarP(&f.output, "output", "o", "", "write to this file instead of standard output")
	c.Flags().BoolVar(&f.strict, "strict", false, "treat a problem with any input (unreadable, unrecognised, damaged) as a usage error (exit 2)")
	c.Flags().StringArrayVar(&f.include, "include", nil, "read only logs whose path matches this doublestar glob ('*.evtx' matches the name, 'EX01/**/*.log' the path below the argument, archive members included); repeatable")
	c.Flags().StringArrayVar(&f.exclude, "exclude", nil, "skip files, folders and archive members whose path matches this glob (same forms as --include); repeatable")
	c.Flags().StringVar(&f.progress, "progress", "auto", "progress display on stderr: auto (when stderr is a terminal), always or never")
	c.Flags().StringVar(&f.maxBytes, "max-archive-bytes", "32GiB", "most bytes read out of one archive, nested archives included (a guard against zip bombs), e.g. 64GiB")
	c.Flags().Float64Var(&f.maxRatio, "max-ratio", scan.DefaultMaxRatio, "highest expansion ratio accepted for an archive member, and for an archive as a whole, past 64 MiB (a guard against zip bombs)")
	c.Flags().IntVar(&f.maxDepth, "max-depth", scan.DefaultMaxDepth, "how deep archives inside archives are opened")
}

// addBatch adds --per-bundle, for the commands that give verdicts.
func (f *inputFlags) addBatch(c *cobra.Command) {
	c.Flags().BoolVar(&f.perBundle, "per-bundle", false, "treat each argument (folder or archive) as a bundle of its own: one verdict per bundle and a summary across bundles; rules never compare hosts of different bundles")
}

// limits reads the archive limit flags.
func (f *inputFlags) limits() (scan.Limits, error) {
	l := scan.DefaultLimits()
	if f.maxBytes != "" {
		n, err := parseSize(f.maxBytes)
		if err != nil || n <= 0 {
			return l, usageError("--max-archive-bytes: %q is not a size (e.g. 500MiB, 64GiB, 1TB)", f.maxBytes)
		}
		l.MaxBytes = n
	}
	if f.maxRatio < 1 {
		return l, usageError("--max-ratio: want a number of at least 1")
	}
	l.MaxRatio = f.maxRatio
	if f.maxDepth < 1 {
		return l, usageError("--max-depth: want at least 1")
	}
	l.MaxDepth = f.maxDepth
	return l, nil
}

// parseSize reads a byte count: a number with an optional unit (B, KB, MB,
// GB, TB in powers of 1000; KiB, MiB, GiB, TiB in powers of 1024; K, M, G,
// T alone in powers of 1024).
func parseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	units := []struct {
		suffix string
		mult   float64
	}{
		{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
		{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
		{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40}, {"b", 1},
	}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 || v*mult > 1<<62 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(v * mult), nil
}

// progressFor returns the progress display --progress asks for, or nil.
func (f *inputFlags) progressFor(stderr io.Writer) (scan.Progress, error) {
	switch strings.ToLower(f.progress) {
	case "never", "":
		return nil, nil
	case "always":
		return scan.NewBar(stderr), nil
	case "auto":
		if isTerminal(stderr) {
			return scan.NewBar(stderr), nil
		}
		return nil, nil
	}
	return nil, usageError("--progress: want auto, always or never")
}

// limitCPU makes --jobs N bound all the work of a run to N threads: the
// files read at once, and also the EVTX chunks each of them reads in
// parallel and the hashing, which otherwise use every processor even with
// --jobs 1. It never raises the limit Go chose; 0 leaves it. It returns
// what restores the previous limit.
func limitCPU(jobs int) func() {
	if jobs <= 0 {
		return func() {}
	}
	prev := runtime.GOMAXPROCS(min(jobs, runtime.GOMAXPROCS(0)))
	return func() { runtime.GOMAXPROCS(prev) }
}

// isTerminal reports whether w is a terminal. A character device is not
// enough: standard error sent to /dev/null (or NUL on Windows) is one.
func isTerminal(w io.Writer) bool {
	fh, ok := w.(*os.File)
	return ok && term.IsTerminal(int(fh.Fd()))
}

// scanConfig gathers what the flags say about finding and reading inputs.
func (f *inputFlags) scanConfig(stderr io.Writer) (scan.Config, error) {
	var cfg scan.Config
	filter, err := f.recordFilter()
	if err != nil {
		return cfg, err
	}
	lim, err := f.limits()
	if err != nil {
		return cfg, err
	}
	prog, err := f.progressFor(stderr)
	if err != nil {
		return cfg, err
	}
	if f.jobs < 0 {
		return cfg, usageError("--jobs: want 0 (the number of CPUs) or more")
	}
	cfg.Discover = scan.DiscoverOptions{PerBundle: f.perBundle, Include: f.include, Exclude: f.exclude}
	paths, err := scan.NewFilter(f.include, f.exclude)
	if err != nil {
		return cfg, usageError("%v", err)
	}
	var zone *time.Location // UTC; recordFilter has checked the name
	if f.tz != "" {
		if zone, err = time.LoadLocation(f.tz); err != nil {
			return cfg, usageError("--tz: unknown time zone %q", f.tz)
		}
	}
	cfg.Options = scan.Options{Jobs: f.jobs, Filter: filter, Paths: paths, Limits: lim, Progress: prog, Zone: zone}
	return cfg, nil
}

// scanInputs is the one way the commands that run the rules (scan, report)
// read their arguments: discovery, archives, limits, progress, the time
// window. It returns the files on disk read, for openOutput's check.
func (f *inputFlags) scanInputs(ctx context.Context, args []string, eng *detectors.Engine, minSev detectors.Severity, stderr io.Writer) (*scan.Result, []scan.File, error) {
	if len(args) == 0 {
		return nil, nil, usageError("no input: give one or more files, folders, archives or glob patterns")
	}
	cfg, err := f.scanConfig(stderr)
	if err != nil {
		return nil, nil, err
	}
	cfg.MinSeverity = minSev
	defer limitCPU(f.jobs)()
	res, files, err := scan.Scan(ctx, args, eng, cfg)
	if err != nil {
		return nil, nil, usageError("%v", err)
	}
	return res, files, nil
}

func (f *inputFlags) language() (detectors.Lang, error) {
	if f.lang == "" {
		return detectors.LangFromEnv(), nil
	}
	l, err := detectors.ParseLang(f.lang)
	if err != nil {
		return "", usageError("--lang: %v", err)
	}
	return l, nil
}

// recordFilter builds the time window and zone fix-up from the flags.
// It returns nil when no flag asks for one.
func (f *inputFlags) recordFilter() (func(*parsers.Record) bool, error) {
	var since, until time.Time
	var err error
	if f.since != "" {
		if since, err = parseWhen(f.since); err != nil {
			return nil, usageError("--since: %v", err)
		}
	}
	if f.until != "" {
		if until, err = parseWhen(f.until); err != nil {
			return nil, usageError("--until: %v", err)
		}
	}
	var loc *time.Location
	if f.tz != "" {
		if loc, err = time.LoadLocation(f.tz); err != nil {
			return nil, usageError("--tz: unknown time zone %q", f.tz)
		}
	}
	if since.IsZero() && until.IsZero() && loc == nil {
		return nil, nil
	}
	return func(r *parsers.Record) bool {
		if loc != nil && !r.Time.IsZero() && (r.TimeQ == parsers.TimeNoZone || r.TimeQ == parsers.TimeNoDate) {
			t := r.Time
			r.Time = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc).UTC()
		}
		if r.Time.IsZero() {
			return since.IsZero() && until.IsZero()
		}
		if !since.IsZero() && r.Time.Before(since) {
			return false
		}
		if !until.IsZero() && !r.Time.Before(until) {
			return false
		}
		return true
	}, nil
}

var whenLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"}

// parseWhen reads a --since/--until value; a time without a zone is UTC.
func parseWhen(s string) (time.Time, error) {
	for _, l := range whenLayouts {
		if t, err := time.Parse(l, strings.TrimSpace(s)); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a time (use RFC 3339, or YYYY-MM-DD[ HH:MM[:SS]] in UTC)", s)
}

// discover expands the arguments and fails when none names anything.
func discover(args []string, o scan.DiscoverOptions) ([]scan.File, []scan.Problem, error) {
	if len(args) == 0 {
		return nil, nil, usageError("no input: give one or more files, folders, archives or glob patterns")
	}
	files, probs, err := scan.DiscoverWith(args, o)
	if err != nil {
		return nil, nil, usageError("%v", err)
	}
	if len(files) == 0 {
		msgs := make([]string, 0, len(probs))
		for _, p := range probs {
			msgs = append(msgs, p.Error())
		}
		return nil, nil, usageError("nothing to read: %s", strings.Join(msgs, "; "))
	}
	return files, probs, nil
}

// openOutput returns standard output or the -o file. The file is created
// only after the inputs were read, so a failed run leaves no empty report;
// it may never be one of the inputs.
func openOutput(path string, stdout io.Writer, inputs []scan.File) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return stdout, func() error { return nil }, nil
	}
	if st, err := os.Stat(path); err == nil {
		for _, in := range inputs {
			if ist, err := os.Stat(in.Path); err == nil && os.SameFile(st, ist) {
				return nil, nil, usageError("-o %s: that is one of the inputs; extriage never writes to its evidence", path)
			}
		}
	}
	fh, err := os.Create(path)
	if err != nil {
		return nil, nil, &exitError{exitUsage, fmt.Errorf("-o: %v", err)}
	}
	return fh, fh.Close, nil
}
