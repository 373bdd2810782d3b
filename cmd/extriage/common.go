package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

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
}

func (f *inputFlags) add(c *cobra.Command) {
	c.Flags().StringVar(&f.lang, "lang", "", "language of titles and remedies: en or pl (default from LC_ALL/LC_MESSAGES/LANG, else en)")
	c.Flags().IntVarP(&f.jobs, "jobs", "j", 0, "files read at once (default: the number of CPUs)")
	c.Flags().StringVar(&f.since, "since", "", "only records at or after this time (RFC 3339 or YYYY-MM-DD[ HH:MM[:SS]], UTC)")
	c.Flags().StringVar(&f.until, "until", "", "only records before this time (same forms as --since)")
	c.Flags().StringVar(&f.tz, "tz", "", "time zone of text logs that do not state one (IANA name, e.g. Europe/Warsaw; default UTC)")
	c.Flags().StringVarP(&f.output, "output", "o", "", "write to this file instead of standard output")
	c.Flags().BoolVar(&f.strict, "strict", false, "treat a problem with any input (unreadable, unrecognised, damaged) as a usage error (exit 2)")
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
func discover(args []string) ([]scan.File, []scan.Problem, error) {
	if len(args) == 0 {
		return nil, nil, usageError("no input: give one or more files, folders or glob patterns")
	}
	files, probs := scan.Discover(args)
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
