package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/report"
	"github.com/extriage/extriage/scan"
)

type eventsFlags struct {
	inputFlags
	format    string
	providers []string
	ids       []string
	levels    []string
	hosts     []string
}

func newEventsCmd(stdout, stderr io.Writer) *cobra.Command {
	var f eventsFlags
	c := &cobra.Command{
		Use:   "events [flags] PATH...",
		Short: "Dump the normalised records of every log read",
		Long: `Writes one normalised record per line: path, format, record or line, time
(RFC 3339, UTC), host, provider, event_id, qualifiers, level, channel, data
(the EventData or insertion strings, in order), message where the format has
one and fields (format-specific values, as rules see them). Text logs whose
stamps carry no zone or no date say so in time_quality.`,
		Example: `  extriage events Application.evtx
  extriage events --provider MSExchangeCluster --id 1025 bundle/
  extriage events --include '*.evtx' EXCH01-315.zip
  extriage events --format csv --since 2006-03-14 -o events.csv bundle/`,
		RunE: func(c *cobra.Command, args []string) error {
			return runEvents(c.Context(), &f, args, stdout, stderr)
		},
	}
	f.add(c)
	c.Flags().StringVarP(&f.format, "format", "f", "jsonl", "output format: jsonl, csv or table")
	c.Flags().StringSliceVar(&f.providers, "provider", nil, "only records of these providers (event sources), case-insensitive")
	c.Flags().StringSliceVar(&f.ids, "id", nil, "only these event IDs (1025, or a full classic identifier such as 0xC0000401)")
	c.Flags().StringSliceVar(&f.levels, "level", nil, "only these levels: critical, error, warning, information, verbose, audit_success, audit_failure")
	c.Flags().StringSliceVar(&f.hosts, "host", nil, "only records of these hosts, case-insensitive")
	return c
}

func runEvents(ctx context.Context, f *eventsFlags, args []string, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	timeFilter, err := f.recordFilter()
	if err != nil {
		return err
	}
	ids := map[uint32]bool{}
	for _, s := range f.ids {
		n, err := parseEventID(s)
		if err != nil {
			return usageError("--id: %q is not an event ID", s)
		}
		ids[n] = true
	}
	levels := map[parsers.Level]bool{}
	for _, s := range f.levels {
		l := parsers.Level(strings.ToLower(strings.TrimSpace(s)))
		switch l {
		case parsers.LevelCritical, parsers.LevelError, parsers.LevelWarning, parsers.LevelInformation,
			parsers.LevelVerbose, parsers.LevelAuditSuccess, parsers.LevelAuditFailure:
			levels[l] = true
		default:
			return usageError("--level: unknown level %q", s)
		}
	}
	lang, err := f.language()
	if err != nil {
		return err
	}
	cfg, err := f.scanConfig(stderr)
	if err != nil {
		return err
	}
	defer limitCPU(f.jobs)()
	files, probs, err := discover(args, cfg.Discover)
	if err != nil {
		return err
	}
	out, closeOut, err := openOutput(f.output, stdout, files)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(out, 64<<10)
	ew, err := report.NewEventWriter(bw, f.format, lang, cfg.Options.Zone)
	if err != nil {
		closeOut()
		return usageError("--format: %v", err)
	}
	nwarn := 0
	warn := func(s string) {
		nwarn++
		fmt.Fprintln(stderr, "warning:", report.TerminalSafe(s, false))
	}
	for _, p := range probs {
		warn(p.Error())
	}
	emit := func(r *parsers.Record) error {
		if timeFilter != nil && !timeFilter(r) {
			return nil
		}
		if len(f.providers) > 0 && !containsFold(f.providers, r.Provider) {
			return nil
		}
		if len(ids) > 0 && !ids[r.EventID] && !ids[uint32(r.Qualifiers)<<16|r.EventID] {
			return nil
		}
		if len(levels) > 0 && !levels[r.Level] {
			return nil
		}
		if len(f.hosts) > 0 && !containsFold(f.hosts, r.Host) {
			return nil
		}
		return ew.Write(r)
	}
	infos, err := scan.RecordsWith(ctx, files, scan.Options{Paths: cfg.Paths, Limits: cfg.Limits, Progress: cfg.Progress, Zone: cfg.Zone}, emit, warn)
	if cerr := ew.Close(); err == nil {
		err = cerr
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		return &exitError{exitUsage, err}
	}
	if !scan.ReadableInputs(infos) {
		return &exitError{exitUsage, fmt.Errorf("no input could be read as a log (%d input(s) tried)", len(infos))}
	}
	if f.strict && nwarn > 0 {
		return &exitError{exitUsage, fmt.Errorf("--strict: %d input problem(s), see the warnings", nwarn)}
	}
	return nil
}

// parseEventID reads an --id value: the event ID as Event Viewer shows it
// (1025), or a classic source's full 32-bit identifier with its qualifiers,
// in decimal or 0x hexadecimal (3221226497, 0xC0000401), as .evt dumps and
// Log Parser print it; a full identifier matches only that event.
func parseEventID(s string) (uint32, error) {
	s = strings.TrimSpace(s)
	base := 10
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s, base = s[2:], 16
	}
	n, err := strconv.ParseUint(s, base, 32)
	return uint32(n), err
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}
