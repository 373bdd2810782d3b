package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/spf13/cobra"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/report"
)

func newRulesCmd(stdout io.Writer) *cobra.Command {
	var lang, format string
	var rulesFiles []string
	c := &cobra.Command{
		Use:   "rules [ID]",
		Short: "List the rule catalog, or explain one rule",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			f := inputFlags{lang: lang}
			l, err := f.language()
			if err != nil {
				return err
			}
			rules, _, err := loadRules(rulesFiles, nil, nil)
			if err != nil {
				return err
			}
			if len(args) == 1 {
				r := detectors.Find(rules, args[0])
				if r == nil {
					return usageError("unknown rule ID %q (see 'extriage rules')", args[0])
				}
				explainRule(stdout, r.Meta(), l)
				return nil
			}
			switch format {
			case "table":
				t := tablewriter.NewWriter(stdout)
				t.Header(report.RulesHeader(l))
				for _, r := range rules {
					m := r.Meta()
					t.Append([]string{m.ID, report.SeverityName(l, m.Severity), m.Title.In(l), strings.Join(m.KB, ", ")})
				}
				return t.Render()
			case "ids":
				for _, r := range rules {
					fmt.Fprintln(stdout, r.Meta().ID)
				}
				return nil
			}
			return usageError("--format: want table or ids")
		},
	}
	c.Flags().StringVar(&lang, "lang", "", "language: en or pl (default from the locale)")
	c.Flags().StringArrayVar(&rulesFiles, "rules", nil, "also list the rules of this YAML file (see docs/rules.md); repeatable")
	c.Flags().StringVarP(&format, "format", "f", "table", "table or ids")
	return c
}

func explainRule(w io.Writer, m *detectors.Meta, l detectors.Lang) {
	fmt.Fprintf(w, "%s  [%s]\n%s\n\n", m.ID, report.SeverityName(l, m.Severity), m.Title.In(l))
	if d := m.Doc.In(l); d != "" {
		fmt.Fprintf(w, "%s\n\n", report.TerminalSafe(d, true))
	}
	reads, remedy, bundle := "Reads", "What to do", "Compares the logs of a whole bundle"
	if l == detectors.Polish {
		reads, remedy, bundle = "Czyta", "Co zrobić", "Porównuje dzienniki całego pakietu"
	}
	if len(m.Formats) > 0 {
		fs := make([]string, len(m.Formats))
		for i, f := range m.Formats {
			fs[i] = string(f)
		}
		fmt.Fprintf(w, "%s: %s\n", reads, strings.Join(fs, ", "))
	} else {
		fmt.Fprintln(w, bundle)
	}
	for _, kb := range m.KB {
		fmt.Fprintf(w, "KB %s: %s\n", kb, detectors.KBURL(kb))
	}
	fmt.Fprintf(w, "\n%s:\n%s\n", remedy, report.TerminalSafe(m.Remedy.In(l), true))
}
