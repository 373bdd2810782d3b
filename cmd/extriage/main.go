// Command extriage triages failed Microsoft Exchange service pack,
// cumulative update and hotfix installations from the logs a customer
// collected: event logs (EVTX, EVT, Event Viewer exports), Exchange setup
// logs, update.exe hotfix logs and Windows Installer logs.
//
// Usage:
//
//	extriage scan [flags] PATH...     find known failures, with evidence and remedy
//	extriage events [flags] PATH...   dump the normalised records
//	extriage rules [ID]               list the rule catalog, or explain one rule
//
// Exit status: 0 no finding at or above --fail-on, 1 such findings, 2 usage
// error or nothing readable.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	_ "time/tzdata" // --tz must work on Windows, which has no zoneinfo files

	"github.com/spf13/cobra"

	_ "github.com/extriage/extriage/parsers/all"
)

// version is stamped in by the build (-ldflags "-X main.version=...").
var version = "dev"

// Exit statuses, as DESIGN.md defines them.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

// exitError carries an exit status out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func usageError(format string, a ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, a...)}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "extriage:", ee.err)
		}
		return ee.code
	}
	// Flag and argument errors from cobra are usage errors.
	fmt.Fprintln(stderr, "extriage:", err)
	fmt.Fprintln(stderr, "Run 'extriage --help' for usage.")
	return exitUsage
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "extriage",
		Short: "Triage failed Exchange service pack, update and hotfix installations from their logs",
		Long: `extriage reads the logs collected from Exchange servers after a failed service
pack, cumulative update or hotfix installation (EVTX and legacy EVT event logs,
Event Viewer text/CSV exports, Exchange setup logs, update.exe hotfix logs,
Windows Installer logs), flags every known failure signature, and tells per
server what failed, the evidence (file and line or record) and the remedy from
the Microsoft KB, in English or Polish.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError("%v\nRun '%s --help' for usage.", err, c.CommandPath())
	})
	root.AddCommand(newScanCmd(stdout, stderr), newEventsCmd(stdout, stderr), newRulesCmd(stdout), newReportCmd(stdout, stderr))
	return root
}
