package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/report"
)

type scanFlags struct {
	ruleFlags
	format string
}

func newScanCmd(stdout, stderr io.Writer) *cobra.Command {
	var f scanFlags
	c := &cobra.Command{
		Use:   "scan [flags] PATH...",
		Short: "Find known failure signatures in collected logs",
		Long: `Reads every log it recognises under the given files, folders, archives
(zip, tar, tar.gz, nested to --max-depth; read in memory, never extracted)
and glob patterns, runs the rule catalog, and prints per server what failed,
the evidence (file and line or record) and the remedy. With --per-bundle,
each argument is judged on its own and a summary across bundles follows.

Exit status: 0 no finding at or above --fail-on, 1 such findings, 2 usage
error or nothing readable (or, with --strict, any input problem).`,
		Example: `  extriage scan fixtures/bundles/ex2003-cluster-sp2-failure
  extriage scan --format json -o case.json 'cases/**/*.evtx'
  extriage scan --lang pl --fail-on warning C:\Logs
  extriage scan EXCH01-315.zip                  (zips inside zips are read too)
  extriage scan --per-bundle --exclude '**/IIS/**' cases/*`,
		RunE: func(c *cobra.Command, args []string) error {
			return runScan(c.Context(), &f, args, stdout, stderr)
		},
	}
	f.add(c)
	f.addBatch(c)
	c.Flags().StringVarP(&f.format, "format", "f", "table", "output format: "+joinNames(report.Names()))
	c.Flags().StringVar(&f.failOn, "fail-on", "error", "exit 1 when a finding is at or above this severity: info, warning, error, critical or none")
	c.Flags().StringArrayVar(&f.rulesFiles, "rules", nil, "add the rules of this YAML file (see docs/rules.md); repeatable")
	c.Flags().StringSliceVar(&f.onlyRules, "rule", nil, "report only the findings of these rule IDs (comma-separated or repeated)")
	c.Flags().StringSliceVar(&f.skipRules, "skip-rule", nil, "do not report the findings of these rule IDs")
	c.Flags().StringVar(&f.minSeverity, "min-severity", "info", "report only findings at or above this severity")
	return c
}

func joinNames(ns []string) string {
	s := ""
	for i, n := range ns {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}

// loadRules returns the catalog plus user rule files (all of them, for the
// engine to run) and, of those, the rules --rule and --skip-rule select
// (the ones whose findings are reported).
func loadRules(files, only, skip []string) (all, selected []detectors.Rule, err error) {
	rules, err := detectors.Catalog()
	if err != nil {
		return nil, nil, fmt.Errorf("built-in catalog: %v", err)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, usageError("--rules: %v", err)
		}
		user, err := detectors.LoadRules(path, data)
		if err != nil {
			return nil, nil, usageError("--rules: %v", err)
		}
		if rules, err = detectors.Merge(rules, user); err != nil {
			return nil, nil, usageError("--rules: %v", err)
		}
	}
	for _, id := range append(append([]string(nil), only...), skip...) {
		if detectors.Find(rules, id) == nil {
			return nil, nil, usageError("unknown rule ID %q (see 'extriage rules')", id)
		}
	}
	for _, r := range rules {
		id := r.Meta().ID
		if len(only) > 0 && !contains(only, id) {
			continue
		}
		if contains(skip, id) {
			continue
		}
		selected = append(selected, r)
	}
	return rules, selected, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func runScan(ctx context.Context, f *scanFlags, args []string, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	w, err := report.Lookup(f.format)
	if err != nil {
		return usageError("--format: %v", err)
	}
	run, err := f.find(ctx, args, stderr)
	if err != nil {
		return err
	}
	table := strings.EqualFold(f.format, "table")
	rep := run.report(version)
	err = run.write(f.output, stdout, func(out io.Writer) error {
		if err := w.Write(out, rep); err != nil {
			return err
		}
		if f.perBundle && table {
			return report.WriteBundleTable(out, rep)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The table prints warnings itself; the other formats keep them in the
	// document, so say them on stderr too.
	return run.exit(f.strict, !table, stderr)
}
