package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/extriage/extriage/report"
)

type reportFlags struct {
	ruleFlags
	format    string
	timestamp string
}

// reportExtensions maps the -o file's extension to a format, longest
// first so that ".sarif.json" wins over ".json".
var reportExtensions = []struct{ ext, format string }{
	{".sarif.json", "sarif"},
	{".sarif", "sarif"},
	{".html", "html"},
	{".htm", "html"},
	{".md", "markdown"},
	{".markdown", "markdown"},
	{".csv", "csv"},
	{".jsonl", "jsonl"},
	{".ndjson", "jsonl"},
	{".json", "json"},
	{".txt", "table"},
}

func newReportCmd(stdout, stderr io.Writer) *cobra.Command {
	var f reportFlags
	c := &cobra.Command{
		Use:   "report [flags] PATH... -o FILE",
		Short: "Write a case report (HTML, Markdown, CSV, SARIF, JSON) of the failures found",
		Long: `Reads the logs as 'scan' does and writes a case report to the -o file, in the
format its extension names (.html, .md, .csv, .sarif or .sarif.json, .json,
.jsonl) or --format says.

The HTML report is one self-contained file (no scripts, nothing loaded from
elsewhere) that reads on a phone and prints: a verdict per server, the server
inventory, a timeline of the evidence across servers, every finding with its
evidence and remedy with KB links, and the inputs with their SHA-256 and
warnings. Markdown is for pasting into tickets, CSV has one row per finding,
SARIF 2.1.0 is for tools that read it.

The same inputs give the same report byte for byte but for the generation
time, which --timestamp fixes (or SOURCE_DATE_EPOCH, when set).

Exit status: 0 report written (and no finding at or above --fail-on), 1 such
findings, 2 usage error or nothing readable.`,
		Example: `  extriage report -o case.html fixtures/bundles/ex2003-cluster-sp2-failure
  extriage report --lang pl -o sprawa.md C:\Cases\12345
  extriage report -o case.sarif --timestamp 2024-01-31T12:00:00Z 'cases/**/*.evtx'`,
		RunE: func(c *cobra.Command, args []string) error {
			return runReport(c.Context(), &f, args, stdout, stderr)
		},
	}
	f.addRuleFlags(c, "none")
	f.addBatch(c)
	c.Flags().StringVarP(&f.format, "format", "f", "", "report format: "+joinNames(report.Names())+" (default: from the -o file's extension, html on standard output)")
	c.Flags().StringVar(&f.timestamp, "timestamp", "", "generation time to print (RFC 3339 or YYYY-MM-DD[ HH:MM[:SS]] UTC), or 'none' to leave it out (default: SOURCE_DATE_EPOCH when set, else now)")
	return c
}

// reportFormat picks the format: --format, else the -o file's extension,
// else HTML on standard output.
func reportFormat(format, output string) (string, error) {
	if format != "" {
		if _, err := report.Lookup(format); err != nil {
			return "", usageError("--format: %v", err)
		}
		return strings.ToLower(format), nil
	}
	if output == "" || output == "-" {
		return "html", nil
	}
	name := strings.ToLower(filepath.Base(output))
	for _, e := range reportExtensions {
		if strings.HasSuffix(name, e.ext) {
			return e.format, nil
		}
	}
	exts := make([]string, len(reportExtensions))
	for i, e := range reportExtensions {
		exts[i] = e.ext
	}
	return "", usageError("-o %s: cannot tell the format from the name (use %s, or --format)", output, strings.Join(exts, ", "))
}

// reportTime returns the generation time the flags ask for: --timestamp,
// else SOURCE_DATE_EPOCH, else now; zero for "none".
func reportTime(flag string, now func() time.Time) (time.Time, error) {
	switch strings.ToLower(strings.TrimSpace(flag)) {
	case "none", "off":
		return time.Time{}, nil
	case "", "now":
		if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" && flag == "" {
			n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil {
				return time.Time{}, usageError("SOURCE_DATE_EPOCH=%q is not a number of seconds", s)
			}
			return time.Unix(n, 0).UTC(), nil
		}
		return now().UTC().Truncate(time.Second), nil
	}
	t, err := parseWhen(flag)
	if err != nil {
		return time.Time{}, usageError("--timestamp: %v", err)
	}
	return t, nil
}

func runReport(ctx context.Context, f *reportFlags, args []string, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	format, err := reportFormat(f.format, f.output)
	if err != nil {
		return err
	}
	w, err := report.Lookup(format)
	if err != nil {
		return usageError("--format: %v", err)
	}
	generated, err := reportTime(f.timestamp, time.Now)
	if err != nil {
		return err
	}
	run, err := f.find(ctx, args, stderr)
	if err != nil {
		return err
	}
	rep := run.report(version)
	rep.Generated = generated
	write := func(out io.Writer) error {
		if err := w.Write(out, rep); err != nil {
			return err
		}
		// A table report of several bundles ends as scan's does.
		if f.perBundle && format == "table" {
			return report.WriteBundleTable(out, rep)
		}
		return nil
	}
	if err := run.write(f.output, stdout, write); err != nil {
		return err
	}
	return run.exit(f.strict, true, stderr)
}
