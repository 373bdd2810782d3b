// Package report writes the result of a scan in the formats users and
// tickets need: a terminal table, JSON, JSON Lines (and, as they are added,
// Markdown, CSV, HTML and SARIF), each behind the one Writer interface.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/scan"
)

// Report is the whole result of a run, the document every format renders.
// Its JSON form is the contract documented in the README: fields are added,
// never renamed.
type Report struct {
	Tool     string              `json:"tool"`
	Version  string              `json:"version"`
	Lang     detectors.Lang      `json:"lang"`
	Inputs   []scan.InputInfo    `json:"inputs"`
	Hosts    []detectors.Host    `json:"hosts"`
	Findings []detectors.Finding `json:"findings"`
	Warnings []string            `json:"warnings"`
}

// New builds a report from a scan result, with empty lists rather than
// nulls so that consumers can iterate without checks.
func New(version string, lang detectors.Lang, r *scan.Result) *Report {
	rep := &Report{Tool: "extriage", Version: version, Lang: lang,
		Inputs: r.Inputs, Hosts: r.Hosts, Findings: r.Findings, Warnings: r.Warnings}
	if rep.Inputs == nil {
		rep.Inputs = []scan.InputInfo{}
	}
	if rep.Hosts == nil {
		rep.Hosts = []detectors.Host{}
	}
	if rep.Findings == nil {
		rep.Findings = []detectors.Finding{}
	}
	if rep.Warnings == nil {
		rep.Warnings = []string{}
	}
	for i := range rep.Findings {
		if rep.Findings[i].KB == nil {
			rep.Findings[i].KB = []string{}
		}
		if rep.Findings[i].Evidence == nil {
			rep.Findings[i].Evidence = []detectors.Evidence{}
		}
	}
	return rep
}

// Writer renders a report in one format.
type Writer interface {
	// Name is the format's name as --format takes it.
	Name() string
	// Write renders r to w.
	Write(w io.Writer, r *Report) error
}

var writers = map[string]Writer{}

func register(w Writer) { writers[w.Name()] = w }

// Lookup returns the writer for a --format name.
func Lookup(name string) (Writer, error) {
	if w, ok := writers[strings.ToLower(name)]; ok {
		return w, nil
	}
	return nil, fmt.Errorf("unknown format %q (want %s)", name, strings.Join(Names(), ", "))
}

// Names lists the formats, sorted.
func Names() []string {
	var out []string
	for n := range writers {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// CountBySeverity counts findings per severity.
func CountBySeverity(fs []detectors.Finding) map[detectors.Severity]int {
	m := map[detectors.Severity]int{}
	for _, f := range fs {
		m[f.Severity]++
	}
	return m
}
