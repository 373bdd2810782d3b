package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/report"
	"github.com/extriage/extriage/scan"
)

// ruleFlags are the flags of the commands that run the rules (scan and
// report), beyond the input flags every command shares.
type ruleFlags struct {
	inputFlags
	failOn      string
	minSeverity string
	rulesFiles  []string
	onlyRules   []string
	skipRules   []string
}

// addRuleFlags registers the rule flags; failOn is the command's default.
func (f *ruleFlags) addRuleFlags(c *cobra.Command, failOn string) {
	f.add(c)
	c.Flags().StringVar(&f.failOn, "fail-on", failOn, "exit 1 when a finding is at or above this severity: info, warning, error, critical or none")
	c.Flags().StringArrayVar(&f.rulesFiles, "rules", nil, "add the rules of this YAML file (see docs/rules.md); repeatable")
	c.Flags().StringSliceVar(&f.onlyRules, "rule", nil, "report only the findings of these rule IDs (comma-separated or repeated)")
	c.Flags().StringSliceVar(&f.skipRules, "skip-rule", nil, "do not report the findings of these rule IDs")
	c.Flags().StringVar(&f.minSeverity, "min-severity", "info", "report only findings at or above this severity")
}

// findRun is a finished run of the rules over the inputs.
type findRun struct {
	lang   detectors.Lang
	failOn detectors.Severity
	rules  []detectors.Rule
	res    *scan.Result
	files  []scan.File
	zone   *time.Location // --tz, nil for none
}

// report builds the report of the run: its findings, the zone the
// formats for people show the times of logs that state none in, the
// metadata of the rules that ran (user rules included, for SARIF) and the
// working directory as the base of the relative input paths.
func (r *findRun) report(version string) *report.Report {
	rep := report.New(version, r.lang, r.res)
	rep.Zone = r.zone
	for _, rule := range r.rules {
		rep.Rules = append(rep.Rules, rule.Meta())
	}
	if wd, err := os.Getwd(); err == nil {
		rep.BaseURI = report.DirURI(wd)
	}
	return rep
}

// find checks the flags, loads the rules and scans the inputs: what scan
// and report share before they write.
func (f *ruleFlags) find(ctx context.Context, args []string, stderr io.Writer) (*findRun, error) {
	lang, err := f.language()
	if err != nil {
		return nil, err
	}
	failOn, err := detectors.ParseSeverity(f.failOn)
	if err != nil {
		return nil, usageError("--fail-on: %v", err)
	}
	minSev, err := detectors.ParseSeverity(f.minSeverity)
	if err != nil || minSev > detectors.Critical {
		return nil, usageError("--min-severity: want info, warning, error or critical")
	}
	all, rules, err := loadRules(f.rulesFiles, f.onlyRules, f.skipRules)
	if err != nil {
		return nil, err
	}
	eng := detectors.NewEngine(all, lang)
	if len(f.onlyRules)+len(f.skipRules) > 0 {
		ids := make([]string, len(rules))
		for i, r := range rules {
			ids[i] = r.Meta().ID
		}
		eng.ReportOnly(ids)
	}
	res, files, err := f.scanInputs(ctx, args, eng, minSev, stderr)
	if err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, &exitError{exitUsage, fmt.Errorf("interrupted")}
	}
	var zone *time.Location // scanInputs has checked the name
	if f.tz != "" {
		zone, _ = time.LoadLocation(f.tz)
	}
	return &findRun{lang: lang, failOn: failOn, rules: rules, res: res, files: files, zone: zone}, nil
}

// write sends the output to -o or standard output; the file is created only
// now, after the inputs were read, and is never one of them.
func (r *findRun) write(path string, stdout io.Writer, fn func(io.Writer) error) error {
	out, closeOut, err := openOutput(path, stdout, r.files)
	if err != nil {
		return err
	}
	if err := fn(out); err != nil {
		closeOut()
		return &exitError{exitUsage, fmt.Errorf("writing the report: %v", err)}
	}
	if err := closeOut(); err != nil {
		return &exitError{exitUsage, fmt.Errorf("writing the report: %v", err)}
	}
	return nil
}

// exit gives the run's exit status: 2 when nothing was readable (or, with
// strict, on any input problem), 1 on a finding at or above --fail-on.
// warnStderr repeats the warnings on stderr, for outputs that do not show
// them.
func (r *findRun) exit(strict, warnStderr bool, stderr io.Writer) error {
	if warnStderr {
		for _, s := range r.res.Warnings {
			fmt.Fprintln(stderr, "warning:", report.TerminalSafe(s, false))
		}
	}
	if !r.res.Readable() {
		return &exitError{exitUsage, fmt.Errorf("no input could be read as a log (%d input(s) tried)", len(r.res.Inputs))}
	}
	if strict && len(r.res.Warnings) > 0 {
		return &exitError{exitUsage, fmt.Errorf("--strict: %d input problem(s), see the warnings", len(r.res.Warnings))}
	}
	for _, fd := range r.res.Findings {
		if fd.Severity >= r.failOn {
			return &exitError{code: exitFindings}
		}
	}
	return nil
}
