// Package report writes the result of a scan in the formats users and
// tickets need: a terminal table, JSON, JSON Lines, Markdown, CSV, a
// self-contained HTML case report and SARIF 2.1.0, each behind the one
// Writer interface.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

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
	// Generated is when the report was made; zero leaves it out. The report
	// command sets it (fixed by --timestamp, for byte-identical reruns).
	Generated time.Time `json:"generated,omitzero"`
	// Timeline holds what happened on the servers besides the findings'
	// evidence (setup and hotfix runs, key events), for the timeline of the
	// case reports; optional.
	Timeline []TimelineEvent `json:"timeline,omitempty"`
	// Bundles holds one verdict per bundle (one with the default scan, one
	// per argument with --per-bundle), and Summary what fired across them.
	Bundles []scan.BundleVerdict `json:"bundles"`
	Summary scan.Summary         `json:"summary"`
	// Rules holds the metadata of the rules that ran, for the formats that
	// describe rules (SARIF); when nil, the built-in catalog is consulted.
	// It is not part of the JSON document.
	Rules []*detectors.Meta `json:"-"`
	// BaseURI is the file: URI, ending in "/", of the directory relative
	// input paths are relative to (the working directory of the scan; see
	// DirURI). SARIF gives it as the base of its artifact URIs; when empty,
	// the consumer decides. It is not part of the JSON document.
	BaseURI string `json:"-"`
	// Zone is the zone given for logs that state none (--tz), nil for
	// none. The times of such logs are kept in UTC like all others; the
	// formats for people show them on the clock the log kept, in this
	// zone, as the log wrote them. It is not part of the JSON document.
	Zone *time.Location `json:"-"`
}

// New builds a report from a scan result, with empty lists rather than
// nulls so that consumers can iterate without checks.
func New(version string, lang detectors.Lang, r *scan.Result) *Report {
	rep := &Report{Tool: "extriage", Version: version, Lang: lang,
		Inputs: r.Inputs, Hosts: r.Hosts, Findings: r.Findings, Warnings: r.Warnings,
		Bundles: r.Bundles, Summary: r.Summary, Timeline: TimelineOf(r.Facts, lang)}
	if rep.Bundles == nil {
		rep.Bundles = []scan.BundleVerdict{}
	}
	// An event belongs to the bundle of the log that says it.
	bundleOf := map[string]string{}
	for _, in := range r.Inputs {
		bundleOf[in.Path] = in.Bundle
	}
	for i := range rep.Timeline {
		rep.Timeline[i].Bundle = bundleOf[rep.Timeline[i].Start.Path]
	}
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
